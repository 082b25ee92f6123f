/**
 * How an import's objects reach the graph: one interface (`ImportWriter`), three writers, chosen
 * in one place (`chooseWriter`). The reader (read.ts) hands every object that passed the read
 * phases to `write` (it waits in `s.pending`); run.ts then calls `commit`, or `abort` when the
 * input is refused or the import fails. What each written batch did joins the session in one
 * place (`mergeBatch`, session.ts).
 *  - eager: in-memory inputs that fit one transaction, written batch by batch inside that one
 *    transaction while the rest is still being validated;
 *  - single: everything validated first, then one transaction;
 *  - staged (staging.ts): inputs bigger than one transaction, written as invisible `:Staged`
 *    batches while they are read and flipped visible at the end. The size of a stream is known
 *    only as it is read, so the single writer hands over to it when more objects wait than one
 *    transaction takes.
 * A dry run is the eager or single writer's one transaction, rolled back.
 */
import { markingRankOf, type JsonObject } from '../../graph/stix.mapping';
import type { Tx } from '../../graph/driver';
import type { StixInput } from '../../../../importers/stix/parse';
import { isRecord } from '../../../../schema/json';
import { IMPORT_DEFAULTS, type ImportOptions } from './types';
import { error, mergeBatch, progress, type ImportSession } from './session';
import { stagedWriter } from './staging';
import { prepareAndWrite, writeAside } from './write-batch';

export interface ImportWriter {
  readonly kind: 'eager' | 'single' | 'staged';
  /**
   * Runs the whole import (`work`: read, then commit) in this writer's unit of work: the eager
   * writer's one transaction (committed when `work` resolves; rolled back for a dry run or when
   * it throws). The others run `work` as it is: they open their transactions as they write.
   */
  around(s: ImportSession, work: () => Promise<void>): Promise<void>;
  /** An object joined `s.pending`: writes what is due. 'stop': read no further (refused). */
  write(s: ImportSession): Promise<'next' | 'stop'>;
  /** Everything is read and valid: writes the rest and makes the import visible. */
  commit(s: ImportSession): Promise<void>;
  /** The input was refused (`refused`) or the import failed: removes what this writer left. */
  abort(s: ImportSession, refused: boolean): Promise<void>;
}

/**
 * The one place a writer is chosen: eager for an in-memory input that fits one transaction
 * (unless `eager: false`, or `allowEager` is false because the eager pass already failed),
 * single otherwise (it becomes staged if the input turns out bigger than one transaction).
 */
export function chooseWriter(input: StixInput, options: ImportOptions, allowEager: boolean): ImportWriter {
  const singleMax = options.singleTransactionMaxObjects ?? IMPORT_DEFAULTS.singleTransactionMaxObjects;
  const fits = input.count !== null && input.count > 0 && input.count <= singleMax;
  return allowEager && options.eager !== false && fits ? eagerWriter() : singleWriter();
}

const singleTransaction = (s: ImportSession) => ({
  metadata: { importId: s.ctx.importId, phase: 'single' },
  timeoutMs: IMPORT_DEFAULTS.transactionTimeoutMs,
});

/** The last batch of the eager and single writers, with history and quarantine. */
async function writeLast(s: ImportSession, tx: Tx) {
  const result = await prepareAndWrite(s, tx, [...s.pending.values()], s.history, false);
  await writeAside(s, tx, result.refused);
  return result;
}

/**
 * Eager writer: reads and writes in one explicit transaction (rolled back for a dry run). An error
 * anywhere rolls it back: nothing is committed, as with the single writer. When that transaction
 * fails for another reason than the input, run.ts restarts the import with the single writer.
 */
function eagerWriter(): ImportWriter {
  let open: Tx | null = null;
  const tx = (): Tx => {
    if (open === null) throw new Error('the eager writer writes only inside its transaction (around)');
    return open;
  };
  return {
    kind: 'eager',
    async around(s, work) {
      // Marking-definitions first, so objects written before their marking get its rank.
      for (const item of s.input.objects as Iterable<unknown>) {
        if (isRecord(item) && item.type === 'marking-definition' && typeof item.id === 'string' && !s.bundleMarkings.has(item.id)) {
          s.bundleMarkings.set(item.id, markingRankOf(item as JsonObject));
        }
      }
      s.stats.transactions += 1;
      await s.graph.writeOnce(
        async (t) => {
          open = t;
          try {
            await work();
          } finally {
            open = null;
          }
        },
        { ...singleTransaction(s), rollback: s.dryRun },
      );
    },
    async write(s) {
      if (s.pending.size >= s.batchSize) {
        // The pending objects become one more batch, written after the ones before.
        const batch = [...s.pending.values()];
        const t = tx();
        s.pending = new Map();
        s.eagerChain = s.eagerChain.then(async () => {
          mergeBatch(s, await prepareAndWrite(s, t, batch, [], false));
          progress(s, 'write');
        });
        s.eagerChain.catch(() => {}); // awaited later; never an unhandled rejection
      }
      // Let the driver read Neo4j's answers so the eager writes keep flowing.
      if ((s.index & 511) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      return 'next';
    },
    async commit(s) {
      mergeBatch(s, await writeLast(s, tx()));
    },
    // Whatever it wrote is rolled back with its transaction, as `around` ends.
    abort: async () => {},
  };
}

/** Single-transaction writer, after validation: a dry run is one attempt, rolled back. */
function singleWriter(): ImportWriter {
  return {
    kind: 'single',
    around: (_s, work) => work(),
    async write(s) {
      if (s.pending.size <= s.singleMax) return 'next';
      if (s.dryRun) {
        error(s, {
          objectId: null,
          path: '',
          message: `a dry run writes in one transaction and rolls it back, so it takes at most ${s.singleMax} objects; this input has more`,
        });
        return 'stop';
      }
      // Bigger than one transaction: staged from now on.
      s.writer = await stagedWriter(s);
      return s.writer.write(s);
    },
    async commit(s) {
      s.stats.transactions += 1;
      const work = (tx: Tx) => writeLast(s, tx);
      // A dry run is one attempt, rolled back; a real one a managed, retried transaction.
      const result = s.dryRun
        ? await s.graph.writeOnce(work, { ...singleTransaction(s), rollback: true })
        : await s.graph.write(work, singleTransaction(s));
      mergeBatch(s, result);
    },
    // Its one transaction commits or rolls back whole: nothing to remove.
    abort: async () => {},
  };
}
