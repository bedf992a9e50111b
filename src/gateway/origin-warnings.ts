import type { FastifyBaseLogger } from 'fastify';
import { WarningThrottle } from './warning-throttle.js';

/** Minimum time between two warnings about one origin that cors.origins does not list, in ms. */
export const ORIGIN_WARNING_INTERVAL_MS = 10 * 60_000;

/**
 * Maximum number of origins whose warnings are throttled one by one. Requests can carry any
 * Origin header, so the table is bounded. Once it is full, origins that are new within the
 * interval share one warning instead.
 */
export const MAX_WARNED_ORIGINS = 100;

/** Maximum length of an Origin header in log lines. Browsers send far shorter ones. */
const MAX_LOGGED_ORIGIN_LENGTH = 200;

/** The opaque origin that browsers send from sandboxed frames and local files. */
const OPAQUE_ORIGIN = 'null';

/** The request that a warning names: its method and its path without the query string. */
export interface RejectedRequest {
  method: string;
  path: string;
}

/**
 * Warns about requests from page origins that cors.origins does not list, so that an admin
 * learns why a page's requests fail in the browser. A warning names the origin, the method and
 * the path of the request, and repeats at most once per origin every
 * ORIGIN_WARNING_INTERVAL_MS, with the number of requests it left out since the last one.
 * Beyond MAX_WARNED_ORIGINS origins, the new ones share one warning per interval.
 */
export class RejectedOriginWarnings {
  private readonly throttles = new Map<string, WarningThrottle>();
  private readonly overflow = new WarningThrottle(ORIGIN_WARNING_INTERVAL_MS);

  constructor(
    private readonly logger: Pick<FastifyBaseLogger, 'warn'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs the warning for `origin`, unless it was logged within the interval. */
  warn(origin: string, request: RejectedRequest): void {
    const logged = cut(origin, MAX_LOGGED_ORIGIN_LENGTH);
    const nowMs = this.now();
    const throttle = this.throttleOf(logged, nowMs);
    if (throttle === null) {
      this.warnOverflow(request, nowMs);
      return;
    }
    const suppressed = throttle.take(nowMs);
    if (suppressed === null) {
      return;
    }
    const fields = { origin: logged, method: request.method, path: request.path, suppressed };
    this.logger.warn(fields, describeOrigin(logged));
  }

  /**
   * Returns the throttle of the origin, adding one when there is room. When the table is full,
   * it first drops the origins whose interval has passed, because their next warning is due
   * anyway. Returns null when the table is still full.
   */
  private throttleOf(origin: string, nowMs: number): WarningThrottle | null {
    const known = this.throttles.get(origin);
    if (known !== undefined) {
      return known;
    }
    if (this.throttles.size >= MAX_WARNED_ORIGINS) {
      for (const [key, throttle] of this.throttles) {
        if (throttle.isDue(nowMs)) {
          this.throttles.delete(key);
        }
      }
    }
    if (this.throttles.size >= MAX_WARNED_ORIGINS) {
      return null;
    }
    const added = new WarningThrottle(ORIGIN_WARNING_INTERVAL_MS);
    this.throttles.set(origin, added);
    return added;
  }

  private warnOverflow(request: RejectedRequest, nowMs: number): void {
    const suppressed = this.overflow.take(nowMs);
    if (suppressed === null) {
      return;
    }
    this.logger.warn(
      { method: request.method, path: request.path, suppressed },
      `Requests came from more than ${MAX_WARNED_ORIGINS} origins that cors.origins does not ` +
        `list within ${ORIGIN_WARNING_INTERVAL_MS / 60_000} minutes, so further origins are ` +
        'not logged one by one. Many forged Origin headers can cause this.',
    );
  }
}

function describeOrigin(origin: string): string {
  if (origin === OPAQUE_ORIGIN) {
    return (
      'A page with the opaque origin "null", such as a sandboxed frame or a file opened from ' +
      'disk, sent a request, and browsers hide the responses from such pages. cors.origins ' +
      'cannot list this origin, so serve the page from an http or https origin and add that ' +
      'origin to cors.origins.'
    );
  }
  // A browser sends one origin, scheme://host[:port]; an empty value or a list is not one.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s,/]+$/i.test(origin)) {
    return (
      `A request carried the Origin header "${origin}", which is not a single origin such as ` +
      'https://dashboards.example.com. Browsers send exactly one, so the request came from ' +
      'another client; cors.origins cannot list such a value.'
    );
  }
  return (
    `The origin ${origin} is not in cors.origins, so browsers hide the gateway's responses ` +
    'from pages there and their refreshes get 403 origin_not_allowed. To let those pages call ' +
    `the gateway, add ${origin} to cors.origins in the gateway's config, and set ` +
    'cors.credentials to true if they send cookies.'
  );
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
