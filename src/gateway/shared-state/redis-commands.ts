import type { Redis } from 'ioredis';
import { connectionProblem, redactPassword, type RedisConnection } from './redis-connection.js';
import type { ScriptName } from './redis-scripts.js';
import { SharedStateError, type SharedRender } from './types.js';

/** The render as the claim stores it: JSON with fixed field order, compared as text. */
interface WireRender {
  id: string;
  key: string;
  owner: string;
  started_at: number;
  started_by: string | null;
  requester: string | null;
  job_key: string | null;
}

/** Runs commands and scripts, turning every failure into a SharedStateError. */
export class RedisCommands {
  constructor(
    private readonly connection: RedisConnection,
    readonly prefix: string,
  ) {}

  get redis(): Redis {
    return this.connection.redis;
  }

  /** Returns the key of `kind` for `part`, such as `connect-refresh:claim:["…",null]`. */
  key(kind: string, part: string): string {
    return `${this.prefix}${kind}:${part}`;
  }

  /** Returns the keys of a render: claim, newest, state, lines and tail. */
  renderKeys(render: Pick<SharedRender, 'id' | 'key'>): string[] {
    return [
      this.key('claim', render.key),
      this.key('newest', render.key),
      this.key('state', render.id),
      this.key('lines', render.id),
      this.key('tail', render.id),
    ];
  }

  async script(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]) {
    const command = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
    return this.run(`script ${name}`, () => command!.call(this.redis, ...keys, ...args));
  }

  async run<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const message = redactPassword((error as Error).message ?? String(error), this.connection.password);
      const reason = connectionProblem(this.connection, message);
      throw new SharedStateError(
        `Redis at ${this.connection.description} failed the ${action}: ${reason}`,
        { cause: error },
      );
    }
  }
}

export function toWire(render: SharedRender): string {
  const wire: WireRender = {
    id: render.id,
    key: render.key,
    owner: render.owner,
    started_at: render.startedAt.getTime(),
    started_by: render.startedBy,
    requester: render.requester,
    job_key: render.jobKey,
  };
  return JSON.stringify(wire);
}

export function fromWire(text: string): SharedRender {
  let wire: WireRender;
  try {
    wire = JSON.parse(text) as WireRender;
  } catch {
    wire = {} as WireRender;
  }
  if (typeof wire.id !== 'string' || typeof wire.key !== 'string' ||
    !Number.isSafeInteger(wire.started_at)) {
    throw new SharedStateError(
      'Redis contains a render claim in an unknown format; check that no other program ' +
        'writes keys with this key prefix.',
    );
  }
  return {
    id: wire.id,
    key: wire.key,
    owner: wire.owner,
    startedAt: new Date(wire.started_at),
    startedBy: wire.started_by,
    requester: wire.requester ?? null,
    jobKey: wire.job_key,
  };
}
