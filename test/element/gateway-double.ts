import sinon from 'sinon';

/** A fetch call that the test resolves by hand. */
export interface PendingRequest {
  url: string;
  method: string;
  init: RequestInit;
  signal: AbortSignal;
  /** Resolves the call with a JSON response, plus any extra headers such as `Retry-After`. */
  respond(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Resolves the call with a response body as is, such as an HTML error page. */
  respondText(status: number, text: string, contentType?: string): void;
  /** Resolves the call with a response built by the test. */
  respondWith(response: Response): void;
  /** Rejects like fetch does when the network fails. */
  failNetwork(): void;
  /** Settles once the element has read the response body. */
  bodyRead: Promise<void>;
}

interface Deferred {
  resolve(response: Response): void;
  reject(error: unknown): void;
}

/**
 * Replaces `window.fetch` with a stub that queues each call until the test resolves it, so a test
 * decides exactly when each response arrives. Like fetch, a call rejects when its signal aborts,
 * unless `rejectOnAbort` is false, which lets a test deliver a response that raced the abort.
 */
export class GatewayDouble {
  readonly requests: PendingRequest[] = [];
  readonly fetch: sinon.SinonStub<Parameters<typeof fetch>, ReturnType<typeof fetch>>;
  private takenCount = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(options: { rejectOnAbort?: boolean } = {}) {
    const rejectOnAbort = options.rejectOnAbort ?? true;
    this.fetch = sinon.stub(window, 'fetch');
    this.fetch.callsFake((input, init = {}) => this.accept(input, init, rejectOnAbort));
  }

  /** Resolves with the oldest request not taken yet, waiting for the element to send one. */
  async next(): Promise<PendingRequest> {
    while (this.takenCount >= this.requests.length) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }

    const request = this.requests[this.takenCount];
    this.takenCount += 1;

    return request!;
  }

  /** Number of requests sent that the test has not taken with `next()`. */
  get untaken(): number {
    return this.requests.length - this.takenCount;
  }

  private accept(
    input: RequestInfo | URL,
    init: RequestInit,
    rejectOnAbort: boolean,
  ): Promise<Response> {
    let deferred: Deferred | undefined;
    const promise = new Promise<Response>((resolve, reject) => {
      deferred = { resolve, reject };
    });
    const signal = init.signal ?? new AbortController().signal;

    if (rejectOnAbort) {
      signal.addEventListener('abort', () => deferred!.reject(signal.reason), { once: true });
    }

    this.requests.push(pendingRequest(String(input), init, signal, deferred!));
    this.waiters.splice(0).forEach((wake) => wake());

    return promise;
  }
}

function pendingRequest(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  deferred: Deferred,
): PendingRequest {
  let markRead = () => {};
  const bodyRead = new Promise<void>((resolve) => {
    markRead = resolve;
  });

  const resolveWith = (response: Response) => {
    const readText = response.text.bind(response);
    response.text = () => {
      const reading = readText();
      reading.then(markRead, markRead);
      return reading;
    };
    deferred.resolve(response);
  };

  return {
    url,
    method: init.method ?? 'GET',
    init,
    signal,
    bodyRead,
    respond(status, body, extraHeaders = {}) {
      const headers = { 'Content-Type': 'application/json', ...extraHeaders };
      resolveWith(new Response(JSON.stringify(body), { status, headers }));
    },
    respondText(status, text, contentType = 'text/html') {
      resolveWith(new Response(text, { status, headers: { 'Content-Type': contentType } }));
    },
    respondWith(response) {
      resolveWith(response);
    },
    failNetwork() {
      deferred.reject(new TypeError('Failed to fetch'));
      markRead();
    },
  };
}
