/** Maximum number of recent durations kept, as many as the gateway sends at most. */
export const MAX_RECENT_DURATIONS = 10;

/**
 * The durations in seconds of a report's recent successful renders, newest first: the list of
 * the last status read, with the renders that the element followed to success since then put
 * in front. A status read replaces the list, unless its `last_rendered_at` predates the start
 * of a render added here, because such a read was sent, or served from the gateway's cache,
 * before that render ended and so lacks it.
 */
export class RecentDurations {
  private list: readonly number[] = [];
  /** `last_rendered_at` of the status read whose list this is, or null. */
  private readRenderedAt: string | null = null;
  /** Start of the newest render added by addRender since the last status read, or null. */
  private addedStartedAt: string | null = null;

  get durations(): readonly number[] {
    return this.list;
  }

  /** Forgets every duration, for a new report. */
  reset(): void {
    this.list = [];
    this.readRenderedAt = null;
    this.addedStartedAt = null;
  }

  /** Takes the list of a status read whose `last_rendered_at` is `renderedAt`; see the class. */
  takeStatusRead(durations: readonly number[], renderedAt: string | null): void {
    if (this.addedStartedAt !== null && !isAtOrAfter(renderedAt, this.addedStartedAt)) {
      return;
    }

    this.list = durations;
    this.readRenderedAt = renderedAt;
    this.addedStartedAt = null;
  }

  /**
   * Puts the duration of a render that succeeded in front, keeping MAX_RECENT_DURATIONS. It
   * skips a render already counted: one that started before the last status read's
   * `last_rendered_at`, whose list includes it, or one not newer than the last render added.
   * Returns whether it added the duration.
   */
  addRender(startedAt: string, finishedAt: string): boolean {
    const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;

    if (!Number.isFinite(seconds) || seconds < 0) {
      return false;
    }

    const counted = isAtOrAfter(this.readRenderedAt, startedAt)
      || isAtOrAfter(this.addedStartedAt, startedAt);

    if (counted) {
      return false;
    }

    this.list = [seconds, ...this.list].slice(0, MAX_RECENT_DURATIONS);
    this.addedStartedAt = startedAt;

    return true;
  }
}

/** Returns whether RFC 3339 time `time` is known and at or after `reference`. */
function isAtOrAfter(time: string | null, reference: string): boolean {
  return time !== null && Date.parse(time) >= Date.parse(reference);
}
