/**
 * Assessment of a case: loads the incident's hypotheses and evidence as the viewer may see them
 * (one round trip), maps the stored STIX objects to the engine's input (case-model.ts), and runs
 * the pure engine (api/src/domain/assessment). Nothing is cached: every mutation is reflected in
 * the next assessment at once. `assessWithHistory` answers `assess` and `history` from one read
 * (the brief needs both). Also builds the standard STIX objects a case export adds.
 */
import {
  AssessmentInputError,
  COHERENTISATIONS,
  type Coherentisation,
  METHODS,
  RATING_COMBINATIONS,
  assess,
  assessmentHistory,
  type AssessmentMethod,
  type AssessmentResult,
  type HistoryPoint,
  type RatingCombination,
} from '../domain/assessment';
import { NotFoundError, ValidationError } from '../errors';
import { loadCase, type StixJson } from '../graph/case.repository';
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';
import { explainAssessment } from './assessment-explain';
import { caseExportObjects } from './case-export';
import { olderVersions } from '../graph/history.repository';
import { caseRecord, toAssessmentInput, type CaseRecord, type DroppedRating, type StoredVersion } from './case-model';
import type { Viewer } from './viewer';

export interface AssessOptions {
  viewer: Viewer;
  /** Only what was known at this instant counts (RFC 3339). */
  asOf?: string | null;
  method?: AssessmentMethod | null;
  /**
   * How the ratings of several analysts on one cell combine (default 'mean'; 'strictest': the
   * most inconsistent counts, which keeps "an added I/II never raises a posterior" in full).
   */
  ratingCombination?: RatingCombination | null;
  /** How analysts' judgements are made coherent before pooling (default 'proportional'). */
  coherentisation?: Coherentisation | null;
}

export interface CaseAssessment {
  case: CaseRecord;
  result: AssessmentResult;
  /** Ratings left out because their hypothesis is not visible or not in this incident. */
  dropped: DroppedRating[];
  /** The assessment in plain sentences (assessment-explain.ts). */
  explanation: string[];
}

export interface CaseHistory {
  case: CaseRecord;
  points: HistoryPoint[];
}

/** `assess` and `history` of one case, read once: both answers from the same stored state. */
export interface CaseAssessmentWithHistory extends CaseAssessment {
  points: HistoryPoint[];
}

export interface AssessmentService {
  /** The case as the viewer sees it; NotFoundError when the incident is absent or not visible. */
  loadCase(incidentId: string, viewer: Viewer): Promise<CaseRecord>;
  assess(incidentId: string, options: AssessOptions): Promise<CaseAssessment>;
  history(incidentId: string, options: AssessOptions): Promise<CaseHistory>;
  /** What `assess` and `history` answer with the same options, from one read of the case. */
  assessWithHistory(incidentId: string, options: AssessOptions): Promise<CaseAssessmentWithHistory>;
  /**
   * The objects a STIX export of the incident adds: our extension-definition, `attributed-to`
   * relationships carrying the posteriors and `opinion` objects per analyst judgement.
   */
  caseExport(incidentId: string, viewer: Viewer): Promise<StixJson[]>;
}

function checkOptions(options: AssessOptions): {
  asOf?: string;
  method?: AssessmentMethod;
  config?: { ratingCombination?: RatingCombination; coherentisation?: Coherentisation };
} {
  const issues = [];
  if (options.asOf != null && Number.isNaN(Date.parse(options.asOf))) {
    issues.push({ objectId: null, path: 'asOf', message: `"${options.asOf}" is not an RFC 3339 timestamp` });
  }
  if (options.method != null && !METHODS.includes(options.method)) {
    issues.push({ objectId: null, path: 'method', message: `must be one of ${METHODS.join(', ')}` });
  }
  if (options.ratingCombination != null && !RATING_COMBINATIONS.includes(options.ratingCombination)) {
    issues.push({ objectId: null, path: 'ratingCombination', message: `must be one of ${RATING_COMBINATIONS.join(', ')}` });
  }
  if (options.coherentisation != null && !COHERENTISATIONS.includes(options.coherentisation)) {
    issues.push({ objectId: null, path: 'coherentisation', message: `must be one of ${COHERENTISATIONS.join(', ')}` });
  }
  if (issues.length > 0) throw new ValidationError(`Invalid assessment options: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
  return {
    ...(options.asOf != null ? { asOf: options.asOf } : {}),
    ...(options.method != null ? { method: options.method } : {}),
    ...(options.ratingCombination != null || options.coherentisation != null
      ? {
          config: {
            ...(options.ratingCombination != null ? { ratingCombination: options.ratingCombination } : {}),
            ...(options.coherentisation != null ? { coherentisation: options.coherentisation } : {}),
          },
        }
      : {}),
  };
}

/** The engine found stored data it cannot assess: say which object and field. */
function inputError(incidentId: string, error: AssessmentInputError): ValidationError {
  return new ValidationError(`Incident ${incidentId} cannot be assessed: ${error.message}`, error.issues.map((i) => ({
    objectId: i.objectId,
    path: i.field,
    message: i.message,
  })));
}

function parseStix(text: string | null): StixJson | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as StixJson) : null;
  } catch {
    return null;
  }
}

export function createAssessmentService(deps: { graph: Graph; logger: Logger }): AssessmentService {
  const { graph } = deps;
  const logger = deps.logger.child({ area: 'assessment' });

  async function load(incidentId: string, viewer: Viewer): Promise<CaseRecord> {
    return (await loadWithVersions(incidentId, viewer, false)).case;
  }

  /**
   * The case as the viewer sees it and, with `withVersions`, the older stored versions of its
   * hypotheses and evidence (same transaction), for a replay as of an instant.
   */
  async function loadWithVersions(
    incidentId: string,
    viewer: Viewer,
    withVersions: boolean,
  ): Promise<{ case: CaseRecord; versions?: Map<string, StoredVersion[]> }> {
    const loaded = await graph.read(
      async (tx) => {
        const stored = await loadCase(tx, incidentId, viewer.clearanceRank);
        if (!stored || !withVersions) return { stored, older: null };
        const ids = [...stored.hypotheses, ...stored.evidence].map((o) => String(o.raw.id));
        return { stored, older: await olderVersions(tx, ids, viewer.clearanceRank) };
      },
      { metadata: { op: withVersions ? 'case-load-versions' : 'case-load' } },
    );
    if (!loaded.stored) throw new NotFoundError(`No incident ${incidentId} that you may see.`);
    const c = caseRecord(loaded.stored);
    if (!loaded.older) return { case: c };
    const versions = new Map<string, StoredVersion[]>();
    for (const [id, older] of loaded.older) {
      versions.set(
        id,
        older.flatMap((v) => {
          const raw = parseStix(v.raw);
          return raw && v.modified ? [{ modified: v.modified, raw }] : [];
        }),
      );
    }
    return { case: c, versions };
  }

  function run<T>(incidentId: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof AssessmentInputError) throw inputError(incidentId, error);
      throw error;
    }
  }

  type EngineOptions = ReturnType<typeof checkOptions>;
  type Versions = Map<string, StoredVersion[]>;

  /** The assessment of a loaded case: as of an instant it replays the stored versions, otherwise the current objects. */
  function assessLoaded(incidentId: string, c: CaseRecord, versions: Versions | undefined, engineOptions: EngineOptions): CaseAssessment {
    const { input, dropped } = toAssessmentInput(c, engineOptions.asOf !== undefined ? versions : undefined);
    if (dropped.length > 0) logger.debug({ incidentId, dropped: dropped.length }, 'ratings of invisible hypotheses left out');
    const result = run(incidentId, () => assess(input, engineOptions));
    return { case: c, result, dropped, explanation: explainAssessment(c, result, dropped.length) };
  }

  /** The history of a loaded case (always a replay over the stored versions). */
  function historyLoaded(incidentId: string, c: CaseRecord, versions: Versions | undefined, engineOptions: EngineOptions): HistoryPoint[] {
    const { input } = toAssessmentInput(c, versions);
    return run(incidentId, () => assessmentHistory(input, engineOptions));
  }

  const service: AssessmentService = {
    loadCase: load,

    async assess(incidentId, options) {
      const engineOptions = checkOptions(options);
      const { case: c, versions } = await loadWithVersions(incidentId, options.viewer, engineOptions.asOf !== undefined);
      return assessLoaded(incidentId, c, versions, engineOptions);
    },

    async history(incidentId, options) {
      const engineOptions = checkOptions(options);
      const { case: c, versions } = await loadWithVersions(incidentId, options.viewer, true);
      return { case: c, points: historyLoaded(incidentId, c, versions, engineOptions) };
    },

    async assessWithHistory(incidentId, options) {
      const engineOptions = checkOptions(options);
      const { case: c, versions } = await loadWithVersions(incidentId, options.viewer, true);
      return { ...assessLoaded(incidentId, c, versions, engineOptions), points: historyLoaded(incidentId, c, versions, engineOptions) };
    },

    async caseExport(incidentId, viewer) {
      const { case: c, result } = await service.assess(incidentId, { viewer, method: 'BOTH' });
      return caseExportObjects(c, result);
    },
  };
  return service;
}
