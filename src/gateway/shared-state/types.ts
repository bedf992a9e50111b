/**
 * State that gateway replicas share: the claim on each render key (single flight), the state
 * and log of claimed renders, the last successful render of each key (cooldowns), and the
 * per-client rate limits. A single replica keeps it in memory. Several replicas keep it in
 * Redis, so that a refresh on any of them joins a render that another one follows.
 */
import type { RenderState } from '../../protocol/index.js';
import type { LogExposure } from '../render-log.js';

/** Origin of a render: its start, who started it and its Connect job, as in a render record. */
export interface SharedRenderOrigin {
  startedAt: Date;
  /** `who` of the refresh request that started the render, or null when no replica did. */
  startedBy: string | null;
  /** User or token name that the recent renders list shows as the starter, or null. */
  requester: string | null;
  /** Key of the Connect job when the render was found running on Connect, else null. */
  jobKey: string | null;
}

/** A render claimed by one replica, its owner, which follows it on Connect. */
export interface SharedRender extends SharedRenderOrigin {
  /** Random id of the render, the same on every replica. */
  id: string;
  /** Render key (content GUID and variant) that the claim is for. */
  key: string;
  /** Random id of the owner's process. */
  owner: string;
}

/** Result of a claim: the new render, or the render that another claim already holds. */
export type ClaimResult =
  | { claimed: true; render: SharedRender }
  | { claimed: false; render: SharedRender };

/** Result of renewing a claim while its owner follows the render. */
export type RenewResult =
  /** The claim was still the owner's and now expires a full claim lifetime from now. */
  | 'renewed'
  /** The claim had expired, for example during a Redis outage, and was taken again. */
  | 'reclaimed'
  /** Another render has the key's claim, so two renders may run at once, or this one ended. */
  | 'lost';

/**
 * Outcome of a claimed render. `reason` is redacted with the gateway's built-in rules only,
 * and set for `failed` and `unknown`. `cancelledBy` is the `who` of the cancel request of a
 * `cancelled` render.
 */
export interface SharedOutcome {
  state: Exclude<RenderState, 'running'>;
  finishedAt: Date;
  reason: string | null;
  cancelledBy: string | null;
}

/** A kill order that a replica sent for a render that another replica owns. */
export interface SharedCancelMark {
  /** `who` of the cancel request. */
  by: string;
  /** Key of the Connect job that the order ends. */
  jobKey: string;
}

/**
 * A read of a claimed render's shared state and log, from line `from` on. `lines` are the
 * stored lines from `from`, at most a batch of them. `tail` contains the last lines of a
 * render that has ended, which covers lines that were not stored because the log grew past
 * MAX_STORED_LINES or because the report exposes only the lines of failed renders.
 */
export interface SharedRenderRead {
  render: SharedRender;
  state: RenderState;
  finishedAt: Date | null;
  reason: string | null;
  /** `who` of the cancel request of a cancelled render, or of a kill order under way. */
  cancelledBy: string | null;
  /** Number of lines the render has produced so far, stored or not. */
  lineCount: number;
  lines: string[];
  tail: string[];
}

/** Single flight of renders across replicas, and the progress of claimed renders. */
export interface RenderClaims {
  /** Random id of this process, the owner of the claims it takes. */
  readonly owner: string;
  /** True when other replicas read and write these claims too (Redis), false in memory. */
  readonly replicated: boolean;
  /**
   * Claims the render key for a new render and stores its state as running, unless another
   * render has the key's claim. The claim expires unless its owner renews it.
   */
  claim(key: string, origin: SharedRenderOrigin): Promise<ClaimResult>;
  /** Extends the claim and the render's state by a claim lifetime; see RenewResult. */
  renew(render: SharedRender): Promise<RenewResult>;
  /**
   * Adds output lines to a claimed render, already redacted with the built-in rules. Stores
   * the lines that `exposure` can show: all of them with `full` (up to MAX_STORED_LINES), the
   * last ERROR_TAIL_LINES with `errors`, and none with `none`. Every line is counted.
   */
  appendOutput(render: SharedRender, lines: readonly string[], exposure: LogExposure): Promise<void>;
  /**
   * Stores the outcome, keeps the state for FINISHED_RENDER_TTL_MS, and releases the claim,
   * so the next refresh may start a new render.
   */
  finish(render: SharedRender, outcome: SharedOutcome): Promise<void>;
  /**
   * Releases the claim and drops the render's state, for an owner that stops following the
   * render before it ended, so that other replicas look it up on Connect instead.
   */
  abandon(render: SharedRender): Promise<void>;
  /**
   * Stores a kill order for a running render, or removes it with null. Does nothing once the
   * render has ended or its state is gone.
   */
  markCancelled(render: SharedRender, mark: SharedCancelMark | null): Promise<void>;
  /** Returns the kill order stored for the render, or null. */
  cancelMark(render: SharedRender): Promise<SharedCancelMark | null>;
  /** Returns the render that owns the key's claim, if any. */
  current(key: string): Promise<SharedRender | undefined>;
  /**
   * Returns the render that owns the key's claim, or else the key's newest render that
   * ended within FINISHED_RENDER_TTL_MS and started at or after `since`.
   */
  newestSince(key: string, since: Date): Promise<SharedRender | undefined>;
  /** Reads a render's state and its log from line `from` on; undefined once it is gone. */
  read(render: SharedRender, from: number): Promise<SharedRenderRead | undefined>;
}

/** The last successful render of each render key, for cooldowns across replicas. */
export interface CooldownStore {
  /** Stores the end of a successful render, kept for `keepMs` (the longest cooldown). */
  recordSuccess(key: string, finishedAt: Date, keepMs: number): Promise<void>;
  /** Returns the end of the key's last successful render that is still kept, or null. */
  lastSuccess(key: string): Promise<Date | null>;
}

/** Kind of request that a rate limit counts. */
export type RateLimitKind = 'refresh' | 'read';

/** Per-client token buckets: `perMinute` requests in a burst, then one every 60/perMinute s. */
export interface RateLimitStore {
  /**
   * Takes one request from the client's bucket. Resolves to 0 when the request may proceed,
   * otherwise to the whole seconds until the client may send the next one. Never rejects.
   */
  take(kind: RateLimitKind, client: string, perMinute: number): Promise<number>;
}

/** Everything the replicas share, and the connection that carries it. */
export interface SharedState {
  /** Location of the state for log lines, such as a Redis URL; never contains a password. */
  readonly description: string;
  readonly renders: RenderClaims;
  readonly cooldowns: CooldownStore;
  readonly rateLimits: RateLimitStore;
  /** Resolves to null when the state can be read and written, else to the reason it cannot. */
  check(): Promise<string | null>;
  close(): Promise<void>;
}

/** A read or write of the shared state failed, for example because Redis is unreachable. */
export class SharedStateError extends Error {
  override name = 'SharedStateError';
}
