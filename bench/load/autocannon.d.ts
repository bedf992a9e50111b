/**
 * The part of autocannon 9's API that the load benchmark uses; the package ships no types.
 * Field meanings are those of its README.
 */
declare module 'autocannon' {
  export interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds to wait for a response before it counts as a timeout. */
    timeout?: number;
    /** Requests per second over all connections. */
    overallRate?: number;
    headers?: Record<string, string>;
  }

  export interface Result {
    /** Response times in ms. */
    latency: Histogram;
    /** Requests sent per second. */
    requests: Histogram & { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    /** Responses per status code, such as `{ "200": { count: 500 } }`. */
    statusCodeStats: Record<string, { count: number }>;
  }

  export interface Instance extends PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
