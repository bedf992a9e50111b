import type { RenderProgress, RenderSummary, ReportStatus } from '../protocol/index.js';
import type { AuthorizedGateway } from './authorized-gateway.js';
import { gatewayKeyPart } from './gateway-key.js';
import type { FollowReason } from './refresh-transitions.js';
import { POLL_WAIT_SECONDS } from './render-poll.js';
import { SharedCall, SharedPoll } from './shared-requests.js';
import type { TokenProvider, TokenSettings } from './token-store.js';
import { variantKeyParts } from './variant-key.js';

/**
 * The page's registry of work that elements for the same gateway, report and token share: the
 * status read in flight, the long poll of each followed render, and the news that a render
 * started. Like the shared clock it lives in module scope, so one page shares one registry.
 */

/** An element's part in the registry. */
export interface SharingMember {
  /** Sharing key of the member now, or null while it has no gateway or report. */
  readonly sharingKey: string | null;
  /** Starts following `render`, which another element of the same key began to follow. */
  renderFollowed(render: RenderSummary, reason: FollowReason): void;
}

const members = new Set<SharingMember>();
const statusReads = new Map<string, SharedCall<ReportStatus>>();
const renderPolls = new Map<string, SharedPoll>();

/** Ids of token strings, so that keys tell tokens apart without containing them. */
const tokenIds = new Map<string, number>();
const providerIds = new WeakMap<TokenProvider, number>();
let lastTokenId = 0;

/** Credentials of an element that its sharing key distinguishes. */
export interface SharingCredentials extends TokenSettings {
  /** True when the element sends cookies to a gateway on another origin. */
  readonly withCredentials?: boolean;
}

/**
 * Returns the sharing key of a gateway, report, credentials and variant. The gateway counts as
 * one however its URL is written (see gatewayKeyPart). Elements that send different tokens, or
 * none, or that differ in sending cookies, get different keys, because the credentials decide
 * what the gateway allows. Each variant gets its own key, and null is the default variant.
 */
export function sharingKey(
  gateway: string,
  report: string,
  credentials: SharingCredentials,
  variant: string | null = null,
): string {
  const { token, tokenProvider, withCredentials } = credentials;
  const identity = tokenIdentity(token, tokenProvider);
  const cookies = withCredentials === true ? 'cookies' : 'same-origin';

  return JSON.stringify([
    gatewayKeyPart(gateway), report, identity, cookies, ...variantKeyParts(variant),
  ]);
}

function tokenIdentity(token: string | null, provider: TokenProvider | null): string {
  if (token) {
    // NOTE: ids of tokens are kept for the life of the page, so each rotated token costs an entry.
    let id = tokenIds.get(token);

    if (id === undefined) {
      id = ++lastTokenId;
      tokenIds.set(token, id);
    }

    return `token:${id}`;
  }

  if (typeof provider === 'function') {
    let id = providerIds.get(provider);

    if (id === undefined) {
      id = ++lastTokenId;
      providerIds.set(provider, id);
    }

    return `provider:${id}`;
  }

  return 'anonymous';
}

/** Adds an element to the members that hear of renders followed for its key. */
export function join(member: SharingMember): void {
  members.add(member);
}

/** Removes an element from the members. */
export function leave(member: SharingMember): void {
  members.delete(member);
}

/**
 * Tells every other member of `key` that `from` follows `render`. A member that did not start
 * the render learns of it as joined, and one that found it running as resumed.
 */
export function announceRender(
  key: string,
  render: RenderSummary,
  reason: FollowReason,
  from: SharingMember,
): void {
  const theirs: FollowReason = reason === 'started' ? 'joined' : reason;

  for (const member of [...members]) {
    if (member !== from && member.sharingKey === key) {
      member.renderFollowed(render, theirs);
    }
  }
}

/**
 * Reads the status of the report's variant through the read in flight for `key`, or starts
 * one with `gateway`. The read is aborted only when every caller's signal aborted.
 */
export function sharedStatusRead(
  key: string,
  gateway: AuthorizedGateway,
  report: string,
  variant: string | null,
  signal: AbortSignal,
): Promise<ReportStatus> {
  let call = statusReads.get(key);

  if (!call) {
    const forget = () => {
      if (statusReads.get(key) === created) {
        statusReads.delete(key);
      }
    };
    const created = new SharedCall(
      (shared) => gateway.readReportStatus(report, variant, shared),
      forget,
    );
    statusReads.set(key, created);
    created.result.then(forget, forget);
    call = created;
  }

  return call.attach(signal);
}

/** Number of status reads and render polls in flight, for tests. */
export function sharedWorkCount(): number {
  return statusReads.size + renderPolls.size;
}

/**
 * Follows a render through the page's one long poll for `key` and `handle`, or starts
 * that poll with `gateway`. Calls `onProgress` with every response, earlier ones first for a
 * late caller, and resolves after the one that ends the render. `onRetry` gets each error that
 * the poll retries. Rejects with the poll's error, with the caller's signal reason on abort, or
 * with a retried error for which `onRetry` returned true. The poll is aborted when every caller
 * left. A poll that this call starts requests a hold of `firstWaitSeconds` in its first request
 * (see pollRender).
 */
export function sharedRenderPoll(
  key: string,
  gateway: AuthorizedGateway,
  handle: string,
  signal: AbortSignal,
  onProgress: (progress: RenderProgress) => void,
  onRetry?: (error: unknown) => boolean,
  firstWaitSeconds = POLL_WAIT_SECONDS,
): Promise<void> {
  const pollKey = `${key}\n${handle}`;
  let poll = renderPolls.get(pollKey);

  if (!poll) {
    const forget = () => {
      if (renderPolls.get(pollKey) === created) {
        renderPolls.delete(pollKey);
      }
    };
    const created = new SharedPoll(gateway, handle, forget, firstWaitSeconds);
    renderPolls.set(pollKey, created);
    poll = created;
  }

  return poll.watch(signal, onProgress, onRetry);
}
