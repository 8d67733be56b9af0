// The start-up limit: a process launched like the server that opens the same events.db, reads its
// head, optionally replays every event into one upserted table (BARE_REPLAY=1, the cold-start
// counterpart), and answers GET /health. What a start cannot be faster than on this machine.
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import { join } from 'node:path';

const dir = process.env.DATA_DIR ?? '.';
const events = new Database(join(dir, 'events.db'));
events.pragma('journal_mode = WAL');
const head = events.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number | null };

if (process.env.BARE_REPLAY === '1') {
  const out = new Database(join(dir, 'bare-read.db'));
  out.pragma('journal_mode = WAL');
  out.pragma('synchronous = NORMAL');
  out.exec(`CREATE TABLE IF NOT EXISTS streams (stream_id TEXT PRIMARY KEY, type TEXT NOT NULL,
    position INTEGER NOT NULL, events INTEGER NOT NULL)`);
  const page = events.prepare<
    [number],
    { position: number; stream_id: string; type: string; data: string; metadata: string }
  >(
    'SELECT position, stream_id, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 1000',
  );
  const upsert = out.prepare(`INSERT INTO streams VALUES (?, ?, ?, 1) ON CONFLICT (stream_id)
    DO UPDATE SET type = excluded.type, position = excluded.position, events = events + 1`);
  const apply = out.transaction(
    (
      rows: { position: number; stream_id: string; type: string; data: string; metadata: string }[],
    ) => {
      for (const row of rows) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
        upsert.run(row.stream_id, row.type, row.position);
      }
    },
  );
  for (let after = 0; ;) {
    const rows = page.all(after);
    if (rows.length === 0) break;
    apply(rows);
    after = rows[rows.length - 1].position;
  }
}

createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: 'UP', head: head.p ?? 0, projections: [] }));
}).listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
