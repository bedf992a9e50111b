/**
 * A simulated dashboard client that behaves like the element: a click sends a refresh, then
 * the client long-polls the render with `wait=20` until it ends. It retries failed polls with
 * the element's backoff (1 s doubling to 30 s, with jitter, and at least Retry-After) after a
 * network error, 429 or 5xx, and gives up on other errors, as the element does.
 */
import type { Random } from '../../test/fuzz/random.js';
import { USER_HEADER } from './soak-servers.js';
import type { SoakStats } from './soak-stats.js';

/** Hold time in seconds that each long poll requests, as the element's POLL_WAIT_SECONDS. */
const POLL_WAIT_S = 20;
/** Time a request may take beyond its hold before the client aborts it, as in the element. */
const REQUEST_MARGIN_MS = 30_000;

export interface SoakClientOptions {
  id: number;
  report: string;
  gatewayUrl: string;
  random: Random;
  stats: SoakStats;
  /** `performance.now()` after which the client clicks no more. */
  clickDeadlineMs: number;
  /** Time in ms after which a render that has not ended counts as stuck. */
  stuckAfterMs: number;
  /** Range of the pause between the end of one click and the next, in ms. */
  thinkMs: readonly [number, number];
  /** Aborts when the soak ends; a render still followed then counts as stuck. */
  signal: AbortSignal;
}

interface GatewayResponse {
  status: number;
  retryAfterS: number | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read field by field
  body: any;
}

/** Runs the client until the click deadline passes and its last render ended. */
export async function runSoakClient(options: SoakClientOptions): Promise<void> {
  const { random, signal } = options;
  // Clients start spread over one think time, not all in the first second.
  await pause(random.int(0, options.thinkMs[1]), signal);
  while (!signal.aborted && performance.now() < options.clickDeadlineMs) {
    await click(options);
    await pause(random.int(options.thinkMs[0], options.thinkMs[1]), signal);
  }
}

async function click(options: SoakClientOptions): Promise<void> {
  const { stats } = options;
  stats.click();
  const clickedAt = performance.now();
  let response: GatewayResponse;
  try {
    response = await send(options, 'POST', `/v1/reports/${options.report}/refresh`, 45_000);
  } catch (error) {
    if (!options.signal.aborted) {
      stats.error(`refresh network error: ${networkReason(error)}`);
    }
    return;
  }
  if (response.status === 429) {
    stats.refuse(String(response.body?.error?.code));
    return;
  }
  if (response.status !== 202) {
    stats.error(`refresh ${response.status} ${response.body?.error?.code ?? ''}`.trim());
    return;
  }
  stats.accept(response.body.joined === true);
  await follow(options, String(response.body.handle), clickedAt);
}

/** Long-polls the render until it ends, the stuck time passes or the soak ends. */
async function follow(options: SoakClientOptions, handle: string, clickedAt: number): Promise<void> {
  const { stats, signal, random } = options;
  let after = 0;
  let attempt = 0;
  for (;;) {
    if (signal.aborted || performance.now() - clickedAt > options.stuckAfterMs) {
      stats.markStuck(`client ${options.id}, report ${options.report}: no end after ${Math.round((performance.now() - clickedAt) / 1000)} s`);
      return;
    }
    let response: GatewayResponse | undefined;
    let failure: string;
    try {
      stats.polls += 1;
      response = await send(options, 'GET', `/v1/renders/${handle}?after=${after}&wait=${POLL_WAIT_S}`, POLL_WAIT_S * 1000 + REQUEST_MARGIN_MS);
      failure = `poll ${response.status} ${response.body?.error?.code ?? ''}`.trim();
    } catch (error) {
      failure = `poll network error: ${networkReason(error)}`;
    }
    if (response?.status === 200) {
      attempt = 0;
      after = response.body.next;
      if (response.body.state !== 'running') {
        stats.end(response.body.state, response.body.error ?? null, performance.now() - clickedAt);
        return;
      }
      continue;
    }
    if (signal.aborted) {
      continue;
    }
    stats.error(failure);
    const transient = response === undefined || response.status === 429 || response.status >= 500;
    if (!transient) {
      return;
    }
    const stepMs = Math.min(30_000, 1000 * 2 ** attempt);
    const delayMs = Math.max(stepMs / 2 + random.float() * (stepMs / 2), (response?.retryAfterS ?? 0) * 1000);
    attempt += 1;
    await pause(delayMs, signal);
  }
}

async function send(options: SoakClientOptions, method: string, path: string, timeoutMs: number): Promise<GatewayResponse> {
  const headers: Record<string, string> = { [USER_HEADER]: `client-${options.id}` };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${options.gatewayUrl}${path}`, {
    method,
    headers,
    body: method === 'POST' ? '{}' : undefined,
    signal: AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return { status: response.status, retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, body };
}

function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return 'timed out';
  }
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
