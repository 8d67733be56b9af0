import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { mintToken } from '../../../src/platform/auth/token-minter';
import { FINAL_FLUSH_MS } from '../../../src/platform/observability/tracing';
import { removeDataDir, TEST_SECRET } from '../../support/app';
import { spawnServer } from '../../support/server-process';
import { people } from '../../support/tenants';

interface ExportedSpan {
  service?: unknown;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP (JSON) collector on a random port, keeping every span it is sent. */
async function collector(): Promise<{ url: string; spans: ExportedSpan[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const exported = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: ExportedSpan[] }[];
        }[];
      };
      for (const resource of exported.resourceSpans) {
        const service = resource.resource.attributes.find((a) => a.key === 'service.name');
        for (const scope of resource.scopeSpans) {
          spans.push(
            ...scope.spans.map((span) => ({ ...span, service: service?.value.stringValue })),
          );
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, server };
}

const attribute = (span: ExportedSpan, key: string) =>
  Object.values(span.attributes.find((candidate) => candidate.key === key)?.value ?? {})[0];

describe('OpenTelemetry tracing (a server process with OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpan = '00f067aa0ba902b7';
  let otlp: Awaited<ReturnType<typeof collector>>;
  let dataDir: string;
  let returned: string;

  beforeAll(async () => {
    otlp = await collector();
    dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-tracing-'));
    const server = spawnServer(dataDir, {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_SERVICE_NAME: 'ledger-under-test',
    });
    try {
      const response = await request(await server.url())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await mintToken(TEST_SECRET, people.ann)}`)
        .set('traceparent', `00-${traceId}-${callerSpan}-01`)
        .send({ query: 'mutation { requestResellerRelationship(input: {}) { id } }' });
      expect(response.body.errors).toBeUndefined();
      returned = response.headers.traceparent;
    } finally {
      // A graceful stop sends what is pending, from the request thread and the projection worker.
      await server.stop('SIGTERM');
    }
  });
  afterAll(() => {
    otlp.server.close();
    removeDataDir(dataDir);
  });

  const named = (prefix: string) => otlp.spans.filter((span) => span.name.startsWith(prefix));

  it("the request's server span continues the caller's trace and is the one the answer names", () => {
    const [server] = named('POST /graphql');
    expect(server).toMatchObject({
      traceId,
      parentSpanId: callerSpan,
      kind: 2,
      service: 'ledger-under-test',
    });
    expect(returned).toBe(`00-${traceId}-${server.spanId}-01`);
    expect(attribute(server, 'graphql.operation')).toBe('requestResellerRelationship');
    expect(attribute(server, 'ledger.outcome')).toBe('OK');
  });

  it('resolver, command and append spans nest under it', () => {
    const [server] = named('POST /graphql');
    const [resolver] = named('resolve Mutation.requestResellerRelationship');
    const [command] = named('command RequestResellerRelationship');
    const [append] = named('append invitation');
    expect(resolver).toMatchObject({ traceId, parentSpanId: server.spanId });
    expect(command).toMatchObject({ traceId, parentSpanId: resolver.spanId });
    expect(append).toMatchObject({ traceId, parentSpanId: command.spanId });
    expect(attribute(append, 'ledger.events')).toBe(1);
  });

  it('the projection worker traces the pages it applies', () => {
    const projected = named('project');
    expect(projected.length).toBeGreaterThan(0);
    expect(projected.some((span) => Number(attribute(span, 'ledger.events')) >= 1)).toBe(true);
  });
});

describe('a collector that never answers', () => {
  it('holds a SIGTERM up for FINAL_FLUSH_MS at most: the server drops its spans with a warning and exits 0', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-tracing-'));
    const server = spawnServer(dataDir, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    });
    try {
      const response = await request(await server.url())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await mintToken(TEST_SECRET, people.ann)}`)
        .send({ query: 'mutation { requestResellerRelationship(input: {}) { id } }' });
      expect(response.body.errors).toBeUndefined();

      const signalled = Date.now();
      await server.stop('SIGTERM');
      // The exporter's own timeout is 10 s, so is the projection thread's stop timeout: neither is
      // waited for (the bound leaves room for a loaded machine).
      expect(Date.now() - signalled).toBeLessThan(FINAL_FLUSH_MS + 6_000);
      expect(server.child.exitCode).toBe(0);
      const warnings = server
        .stdout()
        .split('\n')
        .filter((line) => line.includes('pending spans were not sent'))
        .map((line) => JSON.parse(line) as { level: number; thread?: string });
      // The worker warns too when its own spans were still pending (they may have left earlier).
      const seen = warnings.map(({ level, thread }) => `${level} ${thread ?? 'main'}`);
      expect(seen).toContain('40 main');
      expect(seen.every((warning) => warning.startsWith('40 '))).toBe(true);
    } finally {
      await server.stop('SIGKILL');
      silent.closeAllConnections();
      silent.close();
      removeDataDir(dataDir);
    }
  });
});
