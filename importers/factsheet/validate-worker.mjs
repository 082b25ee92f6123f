// Worker-thread entry of validate-off-thread.ts: validates one fact sheet away from the thread
// that answers requests. Plain JavaScript that loads the TypeScript through tsx (as
// bin/attribution-graph.js does), so it runs the same under `npm start`, the CLI and vitest.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { validateFactSheet } = await import('./parse-factsheet.ts');
parentPort.postMessage(validateFactSheet(workerData.text, workerData.file));
