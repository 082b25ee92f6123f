/**
 * Fact sheets into the graph, and the reference case on first run. A fact sheet is parsed and
 * validated first (every problem located at file:line:column; nothing is written when there is
 * one), mapped to a STIX bundle (pure, deterministic ids) and imported through the STIX import
 * service, all-or-nothing. Re-importing the same sheet changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FactSheetError,
  caseIds,
  factSheetToBundle,
  type FactSheetIssue,
} from '../../../importers/factsheet/index';
import {
  CredentialsError,
  credentialsToBundle,
  validateCredentialRecords,
  type CredentialsOptions,
} from '../../../importers/credentials/index';
import { validateFactSheetOffThread } from '../../../importers/factsheet/validate-off-thread';
import { ValidationError } from '../errors';
import { anyIncident } from '../graph/case.repository';
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';
import type { ImportReport, StixImportService } from './stix-import.service';
import { requireRole, SYSTEM_VIEWER, type Viewer } from './viewer';

export const REFERENCE_CASE_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'seed', 'reference-case.yaml');

export interface FactSheetImportResult {
  file: string;
  /** The incident the sheet describes (its STIX id). */
  incidentId: string;
  report: ImportReport;
}

export interface SeedResult {
  loaded: boolean;
  /** Why nothing was loaded, when nothing was. */
  reason?: string;
  incidentId?: string;
  report?: ImportReport;
}

export interface SeedService {
  /**
   * Validates and imports a fact sheet (YAML or JSON text). Throws ValidationError with every
   * problem (`path` = field, message prefixed with `file:line:column`) and writes nothing when the
   * sheet is invalid or the STIX import refuses the bundle.
   */
  importFactSheet(text: string, options: { viewer: Viewer; file?: string }): Promise<FactSheetImportResult>;
  importFactSheetFile(path: string, options: { viewer: Viewer }): Promise<FactSheetImportResult>;
  /**
   * Validates and imports infostealer-log records (CSV or JSON lines) as credential-exposure
   * objects and evidence of a case (docs/credential-exposure.md). Same all-or-nothing contract.
   */
  importCredentials(
    text: string,
    options: { viewer: Viewer; file?: string } & Omit<CredentialsOptions, 'incidentRef' | 'victimRef'>,
  ): Promise<FactSheetImportResult>;
  /** Loads the reference case when the graph holds no incident at all; otherwise does nothing. */
  loadReferenceCase(options?: { file?: string }): Promise<SeedResult>;
}

/** Fact-sheet problems as domain issues; the location stays in the message and the path. */
export function factSheetIssues(issues: readonly FactSheetIssue[]) {
  return issues.map((i) => ({
    objectId: null,
    path: i.path,
    message: `${i.file}:${i.line}:${i.column}: ${i.message}`,
    line: i.line,
    column: i.column,
  }));
}

export function createSeedService(deps: { graph: Graph; logger: Logger; stixImport: StixImportService }): SeedService {
  const { graph, stixImport } = deps;
  const logger = deps.logger.child({ area: 'seed' });

  const service: SeedService = {
    async importFactSheet(text, options) {
      requireRole(options.viewer, 'analyst');
      const file = options.file ?? '<fact-sheet>';
      const result = await validateFactSheetOffThread(text, file);
      if (!result.ok) {
        const error = new FactSheetError(file, result.issues);
        throw new ValidationError(error.message, factSheetIssues(result.issues));
      }
      const bundle = factSheetToBundle(result.sheet);
      const report = await stixImport.importBundle(bundle, { viewer: options.viewer, source: file });
      if (report.errors.length > 0) {
        const first = report.errors[0]!;
        throw new ValidationError(
          `${file}: the STIX bundle made from the fact sheet was refused (${report.errors.length} problem(s)); first: ${first.objectId ?? ''} ${first.path}: ${first.message}`,
          report.errors,
        );
      }
      return { file, incidentId: caseIds(result.sheet.slug).incident, report };
    },

    async importCredentials(text, options) {
      requireRole(options.viewer, 'analyst');
      const { viewer, file = '<credentials>', ...mapping } = options;
      const result = validateCredentialRecords(text, file);
      if (!result.ok) {
        const error = new CredentialsError(file, result.issues);
        throw new ValidationError(error.message, factSheetIssues(result.issues));
      }
      const ids = caseIds(mapping.slug);
      const bundle = credentialsToBundle(result.records, { ...mapping, incidentRef: ids.incident, victimRef: ids.victim });
      const report = await stixImport.importBundle(bundle, { viewer, source: file });
      if (report.errors.length > 0) {
        throw new ValidationError(`${file}: the STIX bundle made from the records was refused (${report.errors.length} problem(s))`, report.errors);
      }
      return { file, incidentId: ids.incident, report };
    },

    async importFactSheetFile(path, options) {
      const text = await readFile(path, 'utf8');
      return service.importFactSheet(text, { viewer: options.viewer, file: path });
    },

    async loadReferenceCase(options = {}) {
      const present = await graph.read((tx) => anyIncident(tx), { metadata: { op: 'seed-check' } });
      if (present) return { loaded: false, reason: 'the graph already holds an incident' };
      const file = options.file ?? REFERENCE_CASE_FILE;
      const { incidentId, report } = await service.importFactSheetFile(file, { viewer: SYSTEM_VIEWER });
      logger.info({ incidentId, created: report.created }, 'reference case loaded');
      return { loaded: true, incidentId, report };
    },
  };
  return service;
}
