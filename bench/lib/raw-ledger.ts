import Database from 'better-sqlite3';
import { join } from 'node:path';
import { streamIds } from '../../src/platform/domain/streams';
import type { CommandKind } from '../figures/command-path';
import { generatePopulation, type Scenario } from './population';
import { Random, Zipf } from './random';
import type { WorldEvent } from './world';

interface EventTemplate {
  type: string;
  data: string;
  metadata: string;
}

interface EventRow {
  position: number;
  stream_id: string;
  type: string;
  data: string;
  metadata: string;
}

/**
 * The machine's floor for the command path: the same stream reads, appends (one per IMMEDIATE
 * transaction) and read-model work (one upsert per new event plus a checkpoint, in one
 * transaction) as the product does for each command, with raw better-sqlite3 and pre-serialised
 * payloads: no domain, no framework, no promises.
 */
export class RawLedger {
  private readonly events: Database.Database;
  private readonly reads: Database.Database;
  private readonly templates: Record<string, EventTemplate>;
  private readonly random: Random;
  private readonly busy: Zipf;
  private readonly pending: string[] = [];
  private removed = 0;
  private checkpoint: number;
  private readonly readStream: Database.Statement<[string], EventRow>;
  private readonly since: Database.Statement<[number], EventRow>;
  private readonly append: Database.Transaction<
    (streamId: string, template: EventTemplate) => void
  >;
  private readonly apply: Database.Transaction<(rows: EventRow[]) => void>;

  constructor(
    dir: string,
    private readonly scenario: Scenario,
    seed: number,
    synchronous: 'FULL' | 'NORMAL' = 'FULL',
  ) {
    this.templates = eventTemplates(seed);
    this.random = Random.for(seed, 'raw-ledger');
    this.busy = new Zipf(scenario.busyPairs.length, this.random);
    this.events = new Database(join(dir, 'events.db'));
    this.events.pragma('journal_mode = WAL');
    this.events.pragma(`synchronous = ${synchronous}`);
    this.reads = new Database(join(dir, 'raw-read.db'));
    this.reads.pragma('journal_mode = WAL');
    this.reads.pragma('synchronous = NORMAL');
    this.reads
      .exec(`CREATE TABLE IF NOT EXISTS streams (stream_id TEXT PRIMARY KEY, type TEXT NOT NULL,
        position INTEGER NOT NULL, events INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY, position INTEGER NOT NULL);
      INSERT OR IGNORE INTO checkpoint VALUES (1, 0);`);
    this.readStream = this.events.prepare(
      'SELECT position, stream_id, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision',
    );
    this.since = this.events.prepare(
      'SELECT position, stream_id, type, data, metadata FROM events WHERE position > ? ORDER BY position',
    );
    const revision = this.events.prepare<[string], { revision: number | null }>(
      'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
    );
    const insert = this.events.prepare(
      'INSERT INTO events (id, stream_id, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.append = this.events.transaction((streamId: string, template: EventTemplate) => {
      const current = revision.get(streamId)?.revision ?? -1;
      insert.run(
        this.random.uuid(),
        streamId,
        current + 1,
        template.type,
        template.data,
        template.metadata,
        Date.now(),
      );
    });
    const upsert = this.reads
      .prepare(`INSERT INTO streams VALUES (?, ?, ?, 1) ON CONFLICT (stream_id)
      DO UPDATE SET type = excluded.type, position = excluded.position, events = events + 1`);
    const advance = this.reads.prepare('UPDATE checkpoint SET position = ? WHERE id = 1');
    this.apply = this.reads.transaction((rows: EventRow[]) => {
      for (const row of rows) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
        upsert.run(row.stream_id, row.type, row.position);
      }
      advance.run(rows[rows.length - 1].position);
    });
    this.checkpoint =
      (this.events.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number | null })
        .p ?? 0;
  }

  /** Appends what a command of `kind` appends, after reading the streams it reads. */
  command(kind: CommandKind): void {
    const t = this.templates;
    if (kind === 'accept' && this.pending.length > 0) {
      const invitation = this.pending.shift() as string;
      const customer = this.random.uuid();
      const partner = this.scenario.partners[3].tenantId;
      this.loadAndAppend(invitation, t.InvitationAccepted);
      this.loadAndAppend(streamIds.relationship(partner, customer), t.RelationshipEstablished);
      this.loadAndAppend(streamIds.dapGrant(partner, customer), t.DelegatedAdminGranted);
      return;
    }
    const removing = kind === 'remove' && this.removed < this.scenario.removablePairs.length;
    if (kind === 'serviceRequest' || removing) {
      const { partner, customer } = removing
        ? this.scenario.removablePairs[this.removed++]
        : this.scenario.busyPairs[this.busy.next()];
      this.load(streamIds.relationship(partner.tenantId, customer.tenantId));
      this.loadAndAppend(
        streamIds.dapGrant(partner.tenantId, customer.tenantId),
        removing ? t.DelegatedAdminRemoved : t.ServiceRequestOpened,
      );
      return;
    }
    const invitation = streamIds.invitation(this.random.uuid());
    this.loadAndAppend(invitation, t.InvitationCreated);
    this.pending.push(invitation);
  }

  /** Applies every event not yet projected; returns their positions. */
  project(): number[] {
    const rows = this.since.all(this.checkpoint);
    if (rows.length === 0) return [];
    this.apply(rows);
    this.checkpoint = rows[rows.length - 1].position;
    return rows.map((row) => row.position);
  }

  /** The newest position appended. */
  get head(): number {
    return (this.events.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number }).p;
  }

  close(): void {
    this.events.close();
    this.reads.close();
  }

  private load(streamId: string): void {
    for (const row of this.readStream.all(streamId)) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
    }
  }

  private loadAndAppend(streamId: string, template: EventTemplate): void {
    this.load(streamId);
    this.append.immediate(streamId, template);
  }
}

/** One serialised event of each type, from the same generator as the fixtures. */
function eventTemplates(seed: number): Record<string, EventTemplate> {
  const templates: Record<string, EventTemplate> = {};
  generatePopulation({ seed, events: 3000 }, (event: WorldEvent) => {
    templates[event.type] ??= {
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata),
    };
  });
  return templates;
}
