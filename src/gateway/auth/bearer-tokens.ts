import { createHash, timingSafeEqual } from 'node:crypto';
import type { BearerTokenConfig } from '../config.js';

/** The configured bearer tokens, stored as SHA-256 digests. */
export class BearerTokenSet {
  private readonly entries: ReadonlyArray<{ name: string; digest: Buffer }>;

  constructor(tokens: readonly BearerTokenConfig[]) {
    this.entries = tokens.map((token) => ({
      name: token.name,
      digest: Buffer.from(token.sha256, 'hex'),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Returns the name of the configured token equal to `token`, or undefined. It compares
   * SHA-256 digests with timingSafeEqual and checks every entry, so the time taken does not
   * depend on which entry matches or how much of a digest does.
   */
  match(token: string): string | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let matched: string | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest) && matched === undefined) {
        matched = entry.name;
      }
    }
    return matched;
  }
}
