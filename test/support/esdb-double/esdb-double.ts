import { randomUUID } from 'node:crypto';
import { ClusterInfo, EndPoint, MemberInfo } from '@eventstore/db-client/generated/gossip_pb';
import { GossipService, type IGossipServer } from '@eventstore/db-client/generated/gossip_grpc_pb';
import {
  ServerFeaturesService,
  type IServerFeaturesServer,
} from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import {
  SupportedMethod,
  SupportedMethods,
} from '@eventstore/db-client/generated/serverfeatures_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { EsdbDoubleLog } from './log';
import type { Endpoint } from './protocol';
import { streamsService, type StreamsMethod, type StreamsServiceControl } from './streams-service';

export interface EsdbDoubleOptions {
  /**
   * Advertise BatchAppend through ServerFeatures, as servers since 21.10 do; the client then
   * appends through it. Without it ServerFeatures answers UNIMPLEMENTED and the client uses Append.
   */
  batchAppend?: boolean;
  /** The data. Pass the log of a stopped double to keep its events, or share one between nodes. */
  log?: EsdbDoubleLog;
  /** For a new log: record a system event after every n appends (see EsdbDoubleLog). */
  systemEventEvery?: number;
  /** How Append reports a wrong expected version; see StreamsServiceOptions. */
  wrongExpectedVersionAs?: 'response' | 'trailers';
}

const SERVER_VERSION = '24.10.0 (partner-ledger test double)';
const STREAMS = 'event_store.client.streams.streams';

/**
 * An in-process stand-in for one EventStoreDB node, speaking the real gRPC protocol with the
 * service definitions `@eventstore/db-client` ships, so the real client library talks to it.
 * It emulates only what partner-ledger uses; test/support/README.md lists what it does not.
 */
export class EsdbDouble {
  readonly log: EsdbDoubleLog;
  /** Streams calls received, by method, over the double's whole life. */
  readonly calls: Record<StreamsMethod, number> = { read: 0, append: 0, batchAppend: 0 };
  /** `$all` events sent to clients (reads and subscriptions), over the double's whole life. */
  readonly sent = { allEvents: 0 };
  private server: Server | undefined;
  private streams: StreamsServiceControl | undefined;
  private boundPort: number | undefined;
  private leader: Endpoint | undefined;
  private readonly instanceId = randomUUID();
  /** While true the node takes reads and appends and never answers them, writing nothing. */
  silent = false;

  constructor(private readonly options: EsdbDoubleOptions = {}) {
    this.log = options.log ?? new EsdbDoubleLog(options.systemEventEvery);
  }

  static async start(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
    const double = new EsdbDouble(options);
    await double.start();
    return double;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('The EventStoreDB double was never started');
    return this.boundPort;
  }

  get endpoint(): Endpoint {
    return { address: '127.0.0.1', port: this.port };
  }

  /** A single-node connection string: the client connects directly, without gossip. */
  get url(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Listens on 127.0.0.1: a random port the first time, the same port after a stop. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new Server();
    this.streams = streamsService({
      log: this.log,
      leader: () => this.leader,
      wrongExpectedVersionAs: this.options.wrongExpectedVersionAs ?? 'response',
      calls: this.calls,
      sent: this.sent,
      silent: () => this.silent,
    });
    server.addService(StreamsService, this.streams.implementation);
    if (this.options.batchAppend) {
      const features: IServerFeaturesServer = {
        getSupportedMethods: (_call, callback) => callback(null, supportedMethods()),
      };
      server.addService(ServerFeaturesService, features);
    }
    const gossip: IGossipServer = { read: (_call, callback) => callback(null, this.clusterInfo()) };
    server.addService(GossipService, gossip);
    this.boundPort = await bind(server, this.boundPort ?? 0);
    this.server = server;
  }

  /** Stops like a crashed node: every connection and call is dropped at once. The log is kept. */
  stop(): Promise<void> {
    this.server?.forceShutdown();
    this.server = undefined;
    return Promise.resolve();
  }

  /**
   * Makes this node a follower of `leader` (calls that require the leader get `not-leader`
   * naming it, as after an election), or the leader again when undefined.
   */
  follow(leader: EsdbDouble | undefined): void {
    this.leader = leader?.endpoint;
    if (this.leader) this.streams?.dropLeaderOnlySubscriptions(this.leader);
  }

  private clusterInfo(): ClusterInfo {
    const member = (endpoint: Endpoint, state: MemberInfo.VNodeState, id: string) =>
      new MemberInfo()
        .setInstanceId(new shared.UUID().setString(id))
        .setTimeStamp((BigInt(Date.now()) * 10_000n).toString())
        .setState(state)
        .setIsAlive(true)
        .setHttpEndPoint(new EndPoint().setAddress(endpoint.address).setPort(endpoint.port));
    const { LEADER, FOLLOWER } = MemberInfo.VNodeState;
    const members = this.leader
      ? [
          member(this.endpoint, FOLLOWER, this.instanceId),
          member(this.leader, LEADER, randomUUID()),
        ]
      : [member(this.endpoint, LEADER, this.instanceId)];
    return new ClusterInfo().setMembersList(members);
  }
}

function supportedMethods(): SupportedMethods {
  const method = (service: string, name: string) =>
    new SupportedMethod().setServiceName(service).setMethodName(name);
  return new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([
      method(STREAMS, 'read'),
      method(STREAMS, 'append'),
      method(STREAMS, 'batchappend'),
      method('event_store.client.gossip.gossip', 'read'),
    ]);
}

/** Binds, retrying briefly: a port just released by a stopped double may take a moment to free. */
async function bind(server: Server, port: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
          error ? reject(error) : resolve(bound),
        ),
      );
    } catch (error) {
      if (port === 0 || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
