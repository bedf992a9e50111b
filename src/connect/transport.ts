/**
 * One authenticated JSON request to the Connect API, with a timeout, the caller's abort
 * signal and the mapping of every failure to the client's error classes.
 */
import {
  apiErrorFrom,
  parseSuccessBody,
  responseErrorFrom,
  unreachableErrorFrom,
  type RequestFacts,
} from './response-errors.js';
import { ConnectError, ConnectResponseError, redactSecret } from './errors.js';
import { parseRetryAfter, retryDelayMs, type RetryEvent, type RetryPolicy } from './retry.js';

/** Settings of a ConnectTransport; the public client passes its options through. */
export interface TransportOptions {
  server: string;
  apiKey: string;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  /** Retries of GET requests; none when absent. Other methods are never retried. */
  retry?: RetryPolicy;
  /** Called before each retry, for the caller's log. */
  onRetry?: (event: RetryEvent) => void;
}

/** Per-request settings. */
export interface RequestOptions {
  /** JSON request body; none when undefined. */
  body?: unknown;
  signal?: AbortSignal;
  /** Value of the `Cookie` header; none when null or undefined. */
  cookie?: string | null;
  /** Time added to the request timeout, for long polls. */
  extraTimeoutMs?: number;
}

/** A decoded 2xx response. */
export interface DecodedResponse<T> {
  status: number;
  headers: Headers;
  value: T;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Visible ASCII without spaces: what an HTTP header value can carry unchanged. */
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/** Checks the server URL and returns it without trailing slashes. */
function normalizeServer(server: string, apiKey: string): string {
  const fail = (reason: string): never => {
    const shownServer = redactSecret(server, apiKey);
    throw new TypeError(
      `Invalid Connect server URL "${shownServer}": ${reason}. ` +
        'Expected the address of the Connect server, e.g. https://connect.example.com.',
    );
  };
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return fail('it is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail('the scheme must be http or https');
  }
  if (url.username !== '' || url.password !== '') {
    fail('it must not contain credentials, because the API key is sent in a header');
  }
  if (url.search !== '' || url.hash !== '') {
    fail('it must not contain a query or fragment');
  }
  return url.href.replace(/\/+$/, '');
}

function validateTimeout(requestTimeoutMs: number): number {
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new TypeError(
      `Invalid requestTimeoutMs ${requestTimeoutMs}: expected a positive number of milliseconds.`,
    );
  }
  return requestTimeoutMs;
}

/** Sends requests below `<server>/__api__` with `Authorization: Key <apiKey>`. */
export class ConnectTransport {
  readonly server: string;
  readonly requestTimeoutMs: number;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch | null;
  readonly #retry: RetryPolicy | null;
  readonly #onRetry: ((event: RetryEvent) => void) | null;

  constructor(options: TransportOptions) {
    if (typeof options.apiKey !== 'string' || !HEADER_TOKEN.test(options.apiKey)) {
      throw new TypeError(
        'Invalid Connect API key: expected a non-empty string of visible ASCII characters ' +
          'without spaces or line breaks.',
      );
    }
    this.#apiKey = options.apiKey;
    this.server = normalizeServer(options.server, options.apiKey);
    this.requestTimeoutMs = validateTimeout(
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    this.#fetch = options.fetch ?? null;
    this.#retry = options.retry ?? null;
    this.#onRetry = options.onRetry ?? null;
  }

  /** Replaces the API key in `text`, for messages that contain server or caller text. */
  redact(text: string): string {
    return redactSecret(text, this.#apiKey);
  }

  /**
   * Sends a request and decodes the JSON body of a 2xx response with `decode`. `path` is
   * relative to `/__api__` and must already be percent-encoded. A GET is sent again after a
   * failure that the retry policy deems transient, within its bounds.
   */
  async request<T>(
    method: string,
    path: string,
    decode: (json: unknown) => T,
    options: RequestOptions = {},
  ): Promise<DecodedResponse<T>> {
    const policy = method === 'GET' ? this.#retry : null;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#requestOnce(method, path, decode, options);
      } catch (error) {
        const delayMs = policy === null || options.signal?.aborted
          ? null
          : retryDelayMs(error, attempt, policy);
        if (delayMs === null) {
          throw error;
        }
        this.#onRetry?.({ method, path: `/__api__${path}`, attempt, delayMs, error });
        await this.#pause(delayMs, options.signal, error);
      }
    }
  }

  /** Waits before a retry; rethrows `failure` when the caller aborts meanwhile. */
  async #pause(delayMs: number, signal: AbortSignal | undefined, failure: unknown): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delayMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    if (signal?.aborted) {
      throw failure;
    }
  }

  async #requestOnce<T>(
    method: string,
    path: string,
    decode: (json: unknown) => T,
    options: RequestOptions,
  ): Promise<DecodedResponse<T>> {
    const facts: RequestFacts = {
      server: this.server,
      method,
      path: `/__api__${path}`,
      redact: (text) => this.redact(text),
    };
    const { status, headers, json } = await this.#send(facts, options);
    try {
      return { status, headers, value: decode(json) };
    } catch (error) {
      if (error instanceof ConnectResponseError) {
        throw responseErrorFrom(facts, error);
      }
      throw error;
    }
  }

  async #send(
    facts: RequestFacts,
    options: RequestOptions,
  ): Promise<{ status: number; headers: Headers; json: unknown }> {
    const timeoutMs = this.requestTimeoutMs + (options.extraTimeoutMs ?? 0);
    const timeout = new AbortController();
    // A plain timer rather than AbortSignal.timeout, so tests can drive it with fake timers.
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal =
      options.signal === undefined
        ? timeout.signal
        : AbortSignal.any([options.signal, timeout.signal]);

    try {
      options.signal?.throwIfAborted();
      const response = await this.#fetchOnce(facts, options, signal);
      // The body is read under the same signal, so the timeout and abort cover it too.
      const bodyText = await response.text();
      if (!response.ok) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        throw apiErrorFrom(facts, response.status, bodyText, response.headers.get('location'),
          retryAfterMs);
      }
      const json = parseSuccessBody(facts, response.status, bodyText);
      return { status: response.status, headers: response.headers, json };
    } catch (error) {
      if (error instanceof ConnectError) {
        throw error;
      }
      if (options.signal?.aborted) {
        throw options.signal.reason;
      }
      throw unreachableErrorFrom(facts, error, timeout.signal.aborted ? timeoutMs : null);
    } finally {
      clearTimeout(timer);
    }
  }

  #fetchOnce(facts: RequestFacts, options: RequestOptions, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Key ${this.#apiKey}`,
      Accept: 'application/json',
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (options.cookie) {
      headers.Cookie = options.cookie;
    }
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    // Redirects are not followed: a redirect means a wrong server URL, and following it could
    // carry the API key to another address.
    return fetchImpl(this.server + facts.path, {
      method: facts.method,
      headers,
      body,
      signal,
      redirect: 'manual',
    });
  }
}
