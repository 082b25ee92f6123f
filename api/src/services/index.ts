/**
 * The service layer shared by the GraphQL API, the importers and the CLI. Each service takes the
 * graph and a logger; nothing above this layer talks to Neo4j.
 */
import type { Graph } from '../graph/driver';
import type { Logger } from '../logger';
import { createAssessmentService, type AssessmentService } from './assessment.service';
import { createAuthService, type AuthService } from './auth.service';
import { createBriefService, type BriefService } from './brief.service';
import { DEFAULT_CHROMIUM_PATH } from './brief-pdf';
import { withCaseExport } from './case-export';
import { createCandidateService, type CandidateService } from './candidates.service';
import { createCaseService, type CaseService } from './case.service';
import { createEventBus, type EventBus } from './events';
import { createExploreService, type ExploreService } from './explore.service';
import { createObjectHistoryService, type ObjectHistoryService } from './object-history.service';
import { createViewsService, type ViewsService } from './views.service';
import { createQuarantineService, type QuarantineService } from './quarantine.service';
import { createStixExportService, type StixExportService } from './stix-export.service';
import { createSeedService, type SeedService } from './seed.service';
import { createStixImportService, type StixImportService } from './stix-import.service';
import { createTaxiiFeedsService, type TaxiiFeedsService } from './taxii-feeds.service';
import { createTaxiiService, type TaxiiService } from './taxii.service';

export interface ServiceDeps {
  graph: Graph;
  logger: Logger;
  /** The Chromium that prints briefs to PDF (config.ts, CHROMIUM_PATH); Debian's by default. */
  chromiumPath?: string;
  /** How long the brief's Chromium is kept after the last print (brief-pdf.ts, BROWSER_IDLE_MS by default). */
  browserIdleMs?: number;
}

export interface Services {
  readonly graph: Graph;
  readonly logger: Logger;
  readonly stixImport: StixImportService;
  readonly stixExport: StixExportService;
  /** API tokens: issue, authenticate, revoke. */
  readonly auth: AuthService;
  /** Read-only exploration as a viewer (objects, search, neighbourhoods, paths). */
  readonly explore: ExploreService;
  /** Versions of a STIX object within the viewer's clearance, with what changed between them. */
  readonly history: ObjectHistoryService;
  /** Canvases saved on the server under a short id, read by viewers cleared for them. */
  readonly views: ViewsService;
  /** In-process events for GraphQL subscriptions (topics in ./events). */
  readonly events: EventBus;
  /** Assessment of a case by the engine in domain/assessment (as-of, method, history). */
  readonly assessment: AssessmentService;
  /** The one-page brief of an incident, HTML or PDF (web and CLI alike). */
  readonly brief: BriefService;
  /** Incidents, hypotheses, evidence, ratings, judgements: reads and audited mutations. */
  readonly cases: CaseService;
  /** Fact sheets into the graph; the reference case on first run. */
  readonly seed: SeedService;
  /** Candidate actors of an incident from the graph (docs/candidates.md). */
  readonly candidates: CandidateService;
  /** The TAXII 2.1 server's collections, objects, POSTs and statuses (docs/taxii.md). */
  readonly taxii: TaxiiService;
  /** The TAXII client side: pull remote collections (incremental), push to them, scheduled feeds. */
  readonly taxiiFeeds: TaxiiFeedsService;
  /** Objects tolerant imports kept aside: list, show, export as they came, retry. */
  readonly quarantine: QuarantineService;
  /** Releases what the services keep between requests (the brief's Chromium); the graph is the caller's to close. */
  close(): Promise<void>;
}

export function createServices(deps: ServiceDeps): Services {
  const events = createEventBus();
  const stixImport = createStixImportService({ ...deps, events });
  const assessment = createAssessmentService(deps);
  const cases = createCaseService({ ...deps, assessment, events });
  const brief = createBriefService({ assessment, chromiumPath: deps.chromiumPath ?? DEFAULT_CHROMIUM_PATH, browserIdleMs: deps.browserIdleMs });
  return {
    graph: deps.graph,
    logger: deps.logger,
    stixImport,
    // Incident exports carry the assessment as standard STIX (attributed-to, opinion).
    stixExport: withCaseExport(createStixExportService(deps), assessment.caseExport),
    auth: createAuthService(deps),
    explore: createExploreService(deps),
    history: createObjectHistoryService(deps),
    views: createViewsService(deps),
    events,
    assessment,
    brief,
    cases,
    seed: createSeedService({ ...deps, stixImport }),
    candidates: createCandidateService({ ...deps, cases }),
    taxii: createTaxiiService({ ...deps, stixImport }),
    taxiiFeeds: createTaxiiFeedsService({ ...deps, stixImport }),
    quarantine: createQuarantineService({ graph: deps.graph, stixImport }),
    close: () => brief.close(),
  };
}
