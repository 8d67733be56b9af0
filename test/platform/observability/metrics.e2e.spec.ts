import request from 'supertest';
import { Metrics } from '../../../src/platform/observability/metrics';
import { EsdbDouble } from '../../support/esdb-double/esdb-double';
import { appForSuite, removeDataDir, startApp, type TestApp } from '../../support/app';
import { people } from '../../support/tenants';

const INVITE = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;

/** The value of one sample in Prometheus text, e.g. `name{label="x"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(app: TestApp): Promise<string> {
  const response = await request(app.url).get('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.text;
}

describe('/metrics', () => {
  const app = appForSuite();
  beforeAll(async () => {
    const ann = await app.token(people.ann);
    const invitation = await app.gql(ann, INVITE);
    await app.gql(await app.token(people.fay), ACCEPT, {
      id: invitation.data.requestResellerRelationship.id,
    });
    await app.gql(await app.token(people.hal), INVITE); // FORBIDDEN (R1)
    await app.gql(null, '{ invitations { id } }'); // UNAUTHENTICATED
    await app.gql(ann, '{ customers { totalCount } }');
    await app.gql(ann, '{ customers { totalCount } }'); // answered from the response cache
  });

  it('counts requests by operation and outcome, and refusals by operation and code', async () => {
    const text = await scrape(app);
    const requests = 'partner_ledger_graphql_requests_total';
    expect(sample(text, `${requests}{operation="requestResellerRelationship",outcome="OK"}`)).toBe(
      1,
    );
    expect(
      sample(text, `${requests}{operation="requestResellerRelationship",outcome="FORBIDDEN"}`),
    ).toBe(1);
    expect(sample(text, `${requests}{operation="customers",outcome="OK"}`)).toBe(2);
    const refusals = 'partner_ledger_graphql_refusals_total';
    expect(
      sample(text, `${refusals}{operation="requestResellerRelationship",code="FORBIDDEN"}`),
    ).toBe(1);
    // Refused before GraphQL reads the document (no token): no operation to name.
    expect(sample(text, `${refusals}{operation="-",code="UNAUTHENTICATED"}`)).toBe(1);
    expect(text).not.toMatch(/refusals_total\{[^}]*code="OK"/);
  });

  it('times commands by command and outcome', async () => {
    const text = await scrape(app);
    const count = 'partner_ledger_command_duration_seconds_count';
    expect(sample(text, `${count}{command="RequestResellerRelationship",outcome="OK"}`)).toBe(1);
    expect(
      sample(text, `${count}{command="RequestResellerRelationship",outcome="FORBIDDEN"}`),
    ).toBe(1);
    expect(sample(text, `${count}{command="AcceptResellerInvitation",outcome="OK"}`)).toBe(1);
    expect(
      sample(
        text,
        'partner_ledger_command_duration_seconds_sum{command="AcceptResellerInvitation",outcome="OK"}',
      ),
    ).toBeGreaterThan(0);
  });

  it('counts appends and the events they carried, by type', async () => {
    const text = await scrape(app);
    expect(sample(text, 'partner_ledger_events_appended_total{type="InvitationCreated"}')).toBe(1);
    expect(sample(text, 'partner_ledger_events_appended_total{type="InvitationAccepted"}')).toBe(1);
    expect(
      sample(text, 'partner_ledger_events_appended_total{type="RelationshipEstablished"}'),
    ).toBe(1);
    expect(sample(text, 'partner_ledger_appends_total{outcome="ok"}')).toBeGreaterThanOrEqual(3);
  });

  it('shows each read model caught up: lag 0, checkpoint at the head, LIVE, ready', async () => {
    const text = await scrape(app);
    const head = sample(text, 'partner_ledger_event_store_head_position');
    expect(head).toBeGreaterThan(0);
    expect(sample(text, 'partner_ledger_projection_lag{projection="customers"}')).toBe(0);
    expect(sample(text, 'partner_ledger_projection_checkpoint{projection="audit"}')).toBe(head);
    expect(
      sample(text, 'partner_ledger_projection_state{projection="customers",state="LIVE"}'),
    ).toBe(1);
    expect(
      sample(text, 'partner_ledger_projection_state{projection="customers",state="REBUILDING"}'),
    ).toBe(0);
    expect(
      sample(text, 'partner_ledger_projection_rebuild_progress_ratio{projection="users"}'),
    ).toBe(1);
    expect(sample(text, 'partner_ledger_ready')).toBe(1);
    expect(sample(text, 'partner_ledger_event_store_reconnects_total')).toBe(0);
    expect(sample(text, 'partner_ledger_event_store_up')).toBe(1);
  });

  it('has the process metrics, and no tenant or user ids', async () => {
    const text = await scrape(app);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    for (const id of ['contoso-partners', 'fabrikam', '"ann"', '"fay"']) {
      expect(text).not.toContain(id);
    }
  });
});

describe('projection metrics during a rebuild', () => {
  it('show the rebuilding read model, how far it has come, and its lag', async () => {
    const metrics = new Metrics();
    metrics.observeProjections([
      {
        name: 'customers',
        version: 3,
        checkpoint: 25,
        lag: 75,
        status: 'REBUILDING',
        deadLetters: 0,
      },
      {
        name: 'invitations',
        version: 1,
        checkpoint: 100,
        lag: 0,
        status: 'LIVE',
        deadLetters: 0,
        build: {
          version: 2,
          checkpoint: 40,
          lag: 60,
          progress: 0.4,
          state: 'BUILDING',
          owner: 'host:1:0:abc',
          leaseExpiresAt: new Date().toISOString(),
          deadLetters: 0,
          liveKeptUp: false,
        },
      },
      { name: 'audit', version: 2, checkpoint: 100, lag: 0, status: 'LIVE', deadLetters: 2 },
    ]);
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'partner_ledger_projection_rebuild_progress_ratio{projection="customers"}'),
    ).toBe(0.25);
    expect(
      sample(text, 'partner_ledger_projection_state{projection="customers",state="REBUILDING"}'),
    ).toBe(1);
    expect(sample(text, 'partner_ledger_projection_lag{projection="customers"}')).toBe(75);
    expect(sample(text, 'partner_ledger_event_store_head_position')).toBe(100);
    expect(sample(text, 'partner_ledger_projection_dead_letters{projection="audit"}')).toBe(2);
    // Both versions of invitations: the live one caught up, the one built beside it at 40 %.
    expect(sample(text, 'partner_ledger_projection_lag{projection="invitations"}')).toBe(0);
    expect(sample(text, 'partner_ledger_projection_build_version{projection="invitations"}')).toBe(
      2,
    );
    expect(sample(text, 'partner_ledger_projection_build_lag{projection="invitations"}')).toBe(60);
    expect(
      sample(text, 'partner_ledger_projection_build_progress_ratio{projection="invitations"}'),
    ).toBe(0.4);
    expect(
      sample(text, 'partner_ledger_projection_build_progress_ratio{projection="customers"}'),
    ).toBeUndefined();
  });
});

describe('event store reconnects', () => {
  it('are counted when EventStoreDB goes away (both threads resubscribe); event_store_up and ready turn 0', async () => {
    const double = await EsdbDouble.start();
    const app = await startApp({ env: { EVENTSTORE_URL: double.url } });
    try {
      expect(sample(await scrape(app), 'partner_ledger_ready')).toBe(1);
      await double.stop();
      // The live subscriptions of both threads drop and are retried, each retry counted.
      for (let waited = 0; ; waited += 50) {
        const text = await scrape(app);
        const reconnects = sample(text, 'partner_ledger_event_store_reconnects_total');
        if ((reconnects ?? 0) >= 2) {
          expect(sample(text, 'partner_ledger_event_store_up')).toBe(0);
          // Set on this scrape by the probe's rule, not left as last seen (ready before the stop).
          expect(sample(text, 'partner_ledger_ready')).toBe(0);
          break;
        }
        if (waited > 20_000) throw new Error(`only ${reconnects} reconnects counted`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await double.start();
    } finally {
      await app.close();
      await double.stop();
      removeDataDir(app.dataDir);
    }
  });
});
