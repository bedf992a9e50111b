/** Counters of a soak run, in total and per minute. */

/** Counts of one minute of the run. */
export interface MinuteCounts {
  clicks: number;
  accepted: number;
  /** Renders that clients saw end, succeeded or failed. */
  ended: number;
  /** Renders that clients saw fail. */
  failed: number;
  errors: number;
  stuck: number;
}

export class SoakStats {
  readonly startedAtMs = performance.now();
  clicks = 0;
  /** Clicks that got 202, started or joined. */
  accepted = 0;
  /** Accepted clicks that joined a running render. */
  joined = 0;
  polls = 0;
  /** Refreshes that got 429, by code. */
  readonly refused = new Map<string, number>();
  /** Failed requests, by request kind, status and code, or network error. */
  readonly errors = new Map<string, number>();
  /** Renders that clients saw end, by state. */
  readonly outcomes = new Map<string, number>();
  readonly failureReasons = new Map<string, number>();
  /** Clicks whose render the client never saw end. */
  stuck = 0;
  readonly stuckExamples: string[] = [];
  /** Time from each accepted click to the end the client saw, in ms. */
  readonly clickToEndMs: number[] = [];
  readonly minutes: MinuteCounts[] = [];

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return performance.now() - this.startedAtMs;
  }

  /** Returns the counts of the current minute. */
  minute(): MinuteCounts {
    const index = Math.floor(this.elapsedMs() / 60_000);
    while (this.minutes.length <= index) {
      this.minutes.push({ clicks: 0, accepted: 0, ended: 0, failed: 0, errors: 0, stuck: 0 });
    }
    return this.minutes[index]!;
  }

  click(): void {
    this.clicks += 1;
    this.minute().clicks += 1;
  }

  accept(joined: boolean): void {
    this.accepted += 1;
    this.minute().accepted += 1;
    if (joined) {
      this.joined += 1;
    }
  }

  refuse(code: string): void {
    increment(this.refused, code);
  }

  error(kind: string): void {
    increment(this.errors, kind);
    this.minute().errors += 1;
  }

  end(state: string, error: string | null, clickToEndMs: number): void {
    increment(this.outcomes, state);
    if (error !== null) {
      increment(this.failureReasons, error);
    }
    this.clickToEndMs.push(clickToEndMs);
    this.minute().ended += 1;
    if (state === 'failed') {
      this.minute().failed += 1;
    }
  }

  markStuck(description: string): void {
    this.stuck += 1;
    this.minute().stuck += 1;
    if (this.stuckExamples.length < 10) {
      this.stuckExamples.push(description);
    }
  }
}

export function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
