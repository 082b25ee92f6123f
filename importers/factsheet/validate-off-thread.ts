/**
 * `validateFactSheet` without blocking the caller's thread. Parsing and validating a sheet is
 * linear in its size but not free (the YAML parser needs ~10 µs per key on an idle core, and the
 * sheet may be 2 MiB): in the app, one big or hostile sheet would otherwise hold up every other
 * request, `/healthz` included (issue 14 #5). Sheets above `inThreadMaxChars` are therefore
 * validated in a worker thread, stopped after `timeoutMs`; small ones (the reference case is
 * 19 KB) are validated in the caller's thread, where they cost a few milliseconds.
 */
import { Worker } from 'node:worker_threads';
import { validateFactSheet, type FactSheetResult } from './parse-factsheet';

export interface OffThreadOptions {
  /** Sheets up to this many characters are validated in the calling thread (default 32 KiB). */
  inThreadMaxChars?: number;
  /** A worker still busy after this long is stopped and the sheet refused (default 60 s). */
  timeoutMs?: number;
}

const WORKER = new URL('./validate-worker.mjs', import.meta.url);

export async function validateFactSheetOffThread(text: string, file = '<fact-sheet>', options: OffThreadOptions = {}): Promise<FactSheetResult> {
  if (text.length <= (options.inThreadMaxChars ?? 32 * 1024)) return validateFactSheet(text, file);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const worker = new Worker(WORKER, { workerData: { text, file }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  try {
    return await new Promise<FactSheetResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        resolve({ ok: false, issues: [{ file, path: '', line: 1, column: 1, message: `validating the sheet took longer than ${timeoutMs} ms; it was refused` }] });
      }, timeoutMs);
      worker.once('message', (result: FactSheetResult) => {
        clearTimeout(timer);
        resolve(result);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the fact-sheet validation worker stopped (exit code ${code}) before answering`));
      });
    });
  } finally {
    await worker.terminate();
  }
}
