/**
 * A value loaded on demand and kept for `ttlMs`. Concurrent readers share one load
 * (single flight), and failed loads are not stored.
 */
export class CachedValue<T> {
  private stored: { value: T; storedAtMs: number } | undefined;
  private pending: Promise<T> | undefined;
  /** Increases on `invalidate()`, so a load that started earlier does not store its result. */
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  /** Returns the stored value while it is fresh, otherwise loads it. */
  get(): Promise<T> {
    if (this.stored !== undefined && Date.now() - this.stored.storedAtMs < this.ttlMs) {
      return Promise.resolve(this.stored.value);
    }
    return this.pending ?? this.startLoad();
  }

  /** Returns the stored value whatever its age, without loading. */
  peek(): T | undefined {
    return this.stored?.value;
  }

  /** Returns the load in flight, if any. */
  inFlight(): Promise<T> | undefined {
    return this.pending;
  }

  /** Marks the stored value stale, so the next `get()` loads again; `peek()` still returns it. */
  invalidate(): void {
    if (this.stored !== undefined) {
      this.stored.storedAtMs = -Infinity;
    }
    this.pending = undefined;
    this.generation += 1;
  }

  private startLoad(): Promise<T> {
    const generation = this.generation;
    const load = this.load().then((value) => {
      if (generation === this.generation) {
        this.stored = { value, storedAtMs: Date.now() };
      }
      return value;
    });
    const clear = () => {
      if (this.pending === load) {
        this.pending = undefined;
      }
    };
    load.then(clear, clear);
    this.pending = load;
    return load;
  }
}
