import { Writable } from 'node:stream';

/** A log destination that keeps every JSON line the server writes, parsed. */
export class LogLines extends Writable {
  readonly lines: Record<string, any>[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      this.lines.push(JSON.parse(line) as Record<string, any>);
    }
    done();
  }

  /** The request log lines (one per HTTP request). */
  requests(): Record<string, any>[] {
    return this.lines.filter((line) => line.durationMs !== undefined);
  }

  /** Waits for the line a finished response writes (it is written after the client has the answer). */
  async request(requestId: string): Promise<Record<string, any>> {
    for (let waited = 0; waited < 2000; waited += 10) {
      const line = this.requests().find((candidate) => candidate.requestId === requestId);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request log line for ${requestId}`);
  }
}
