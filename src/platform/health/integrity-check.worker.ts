import { parentPort, workerData } from 'node:worker_threads';
import { quickCheck } from './quick-check';

// One check of each file, off the request thread; the answer lines up with the files given.
const files = workerData as string[];
parentPort?.postMessage(files.map((file) => quickCheck(file) ?? null));
