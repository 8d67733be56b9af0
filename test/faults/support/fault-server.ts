import { mintToken } from '../../../src/platform/auth/token-minter';
import { TEST_SECRET } from '../../support/app';
import { type ServerProcess, spawnServer } from '../../support/server-process';
import { people } from '../../support/tenants';

export const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';
export const INVITATIONS = '{ invitations { id } }';

export interface Answer {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, any> }[];
  };
}

/** The server as its own process (a crash is a crash), with the calls every fault case makes. */
export class FaultServer {
  readonly process: ServerProcess;
  private base?: string;

  constructor(dataDir: string, env: Record<string, string> = {}) {
    this.process = spawnServer(dataDir, {
      LOG_LEVEL: 'info',
      DISK_FREE_MIN_BYTES: '0',
      ...env,
    });
  }

  async url(): Promise<string> {
    this.base ??= await this.process.url();
    return this.base;
  }

  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  token(person: keyof typeof people): Promise<string> {
    return mintToken(TEST_SECRET, people[person]);
  }

  async gql(
    person: keyof typeof people,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Answer> {
    const response = await fetch(`${await this.url()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await this.token(person)}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  /** `/health/ready` as the Operator sees it. */
  async ready(): Promise<{ status: number; body: Record<string, any> }> {
    const response = await fetch(`${await this.url()}/health/ready`, {
      headers: { authorization: `Bearer ${await this.token('opal')}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  async metrics(): Promise<string> {
    return (await fetch(`${await this.url()}/metrics`)).text();
  }

  /** Requests an invitation; the id if it was acknowledged, else the refusal's extensions. */
  async invite(): Promise<{ id?: string; refusal?: Record<string, any> }> {
    const { body } = await this.gql('ann', INVITE);
    const id = body.data?.requestResellerRelationship?.id as string | undefined;
    return id ? { id } : { refusal: body.errors?.[0]?.extensions ?? { code: 'NO_ANSWER' } };
  }

  async invitationIds(): Promise<string[]> {
    const { body } = await this.gql('ann', INVITATIONS);
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return (body.data.invitations as { id: string }[]).map((invitation) => invitation.id);
  }

  stop(signal?: NodeJS.Signals): Promise<void> {
    return this.process.stop(signal);
  }
}

/** A refusal that says plainly that nothing was recorded, and why. */
export const isUnavailable = (refusal: Record<string, any> | undefined, cause?: string): boolean =>
  refusal?.code === 'UNAVAILABLE' &&
  refusal.recorded === false &&
  (cause === undefined || refusal.cause === cause);
