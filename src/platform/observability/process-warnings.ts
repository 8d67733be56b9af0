/**
 * Process warnings (Node's, and this product's: an event it cannot read) as lines of the caller's
 * own log, in place of Node's `(node:PID) Warning: …` text on stderr, which a JSON log reader
 * cannot parse. Per thread: a worker thread's warnings are its own.
 */
export function sendWarningsTo(warn: (message: string) => void): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => warn(warning.message));
}
