/**
 * A small seeded pseudo-random generator for the fuzzer, so that a seed and a case number
 * always give the same request. It is Marsaglia's xorshift32 (shifts 13, 17, 5), which is fast
 * and good enough to pick inputs, but not for anything that needs unpredictable numbers.
 */

/** Mixes two 32-bit integers into a well-spread nonzero 32-bit state (MurmurHash3's fmix32). */
export function mixSeed(seed: number, index: number): number {
  let hash = (Math.imul(seed >>> 0, 0x9e3779b1) ^ (index >>> 0)) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0 || 0x6d2b79f5;
}

export class Random {
  private state: number;

  /** Starts from `seed`; any 32-bit integer works, because zero is mapped to another state. */
  constructor(seed: number) {
    this.state = mixSeed(seed, 0);
  }

  /** Returns the generator of case `index` of a run with `seed`. */
  static forCase(seed: number, index: number): Random {
    return new Random(mixSeed(seed, index + 1));
  }

  /** Returns the next unsigned 32-bit integer. */
  nextUint32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** Returns a float in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Returns an integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Returns true with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new Error('Random.pick needs at least one item.');
    }
    return items[this.int(0, items.length - 1)]!;
  }

  /** Picks one value, each with the chance of its weight over the sum of the weights. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let point = this.float() * total;
    for (const [weight, value] of entries) {
      point -= weight;
      if (point < 0) {
        return value;
      }
    }
    return entries.at(-1)![1];
  }

  bytes(length: number): Buffer {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) {
      bytes[i] = this.nextUint32() & 0xff;
    }
    return bytes;
  }

  /** Returns `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let text = '';
    for (let i = 0; i < length; i += 1) {
      text += alphabet[this.int(0, alphabet.length - 1)];
    }
    return text;
  }
}

export const BASE64URL_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
