import type { FastifyBaseLogger } from 'fastify';
import type { FollowOutcome, OutputSink } from './follow-render.js';
import { Redactor } from './redaction.js';
import type { RenderGroup } from './render-group.js';
import type { LogExposure } from './render-log.js';
import type { RenderClaims, SharedRender } from './shared-state/types.js';

export interface ClaimedRenderOptions {
  claims: RenderClaims;
  render: SharedRender;
  logger: FastifyBaseLogger;
  /** The gateway's own secrets, removed before a line or reason reaches the shared state. */
  secrets: readonly string[];
  /** Pause between renewals of the claim, in ms. */
  renewalMs: number;
}

/**
 * The owner's side of a claimed render: it passes output lines to the group's records and to
 * the shared state, renews the claim while the render runs, and stores the outcome at the
 * end. Lines and reasons reach the shared state redacted with the built-in rules and the
 * gateway's secrets. Each reader applies its report's own patterns on top. Failures of the
 * shared state are logged, never thrown, because the render on Connect goes on regardless.
 */
export class ClaimedRender implements OutputSink {
  readonly render: SharedRender;
  private readonly exposure: LogExposure;
  private readonly redactor: Redactor;
  private readonly redactLine: (line: string) => string;
  private readonly timer: NodeJS.Timeout;
  /** Writes to the shared state, in order. */
  private writes: Promise<void> = Promise.resolve();
  private failedWrites = 0;

  constructor(
    private readonly group: RenderGroup,
    private readonly options: ClaimedRenderOptions,
  ) {
    this.render = options.render;
    this.exposure = widestExposure(group);
    this.redactor = new Redactor({ secrets: options.secrets, patterns: [] });
    this.redactLine = this.redactor.createLineRedactor();
    this.timer = setInterval(() => void this.renew(), options.renewalMs);
    this.timer.unref();
  }

  appendOutput(lines: readonly string[]): void {
    this.group.appendOutput(lines);
    // Redacted now, in order, because the redactor follows private key blocks across lines.
    const redacted = lines.map((line) => this.redactLine(line));
    this.write('store render output', () =>
      this.options.claims.appendOutput(this.render, redacted, this.exposure),
    );
  }

  /**
   * Stops renewing, waits for the writes in flight, and stores the outcome, which releases the
   * claim. A render that was not followed to its end (the gateway is closing) is abandoned
   * instead, so that other replicas look it up on Connect without waiting for the claim to
   * expire.
   */
  async end(outcome: FollowOutcome, finishedAt: Date): Promise<void> {
    clearInterval(this.timer);
    if (outcome.kind === 'aborted') {
      this.write('abandon the render', () => this.options.claims.abandon(this.render));
    } else {
      const reason = outcome.kind === 'failed' || outcome.kind === 'unknown'
        ? this.redactor.redactText(outcome.reason)
        : null;
      const cancelledBy = outcome.kind === 'cancelled' ? outcome.by : null;
      const sharedOutcome = { state: outcome.kind, finishedAt, reason, cancelledBy };
      this.write('store the render outcome', () =>
        this.options.claims.finish(this.render, sharedOutcome),
      );
    }
    await this.writes;
    if (this.failedWrites > 0) {
      this.options.logger.warn(
        { shared_render_id: this.render.id, failedWrites: this.failedWrites },
        'Some writes of the render to the shared state failed; other replicas may show it ' +
          'without all its lines, or look it up on Connect',
      );
    }
  }

  private async renew(): Promise<void> {
    const { claims, logger } = this.options;
    try {
      const result = await claims.renew(this.render);
      if (result === 'reclaimed') {
        // NOTE: a claim lost with Redis's data comes back without the render's state, so
        // readers on other replicas go on from Connect's job list, without later log lines.
        logger.info({ shared_render_id: this.render.id }, 'Took back the expired claim on the render');
      } else if (result === 'lost') {
        clearInterval(this.timer);
        logger.warn(
          { shared_render_id: this.render.id },
          'Another render holds the claim on this render key, so two renders may run at once',
        );
      }
    } catch (error) {
      logger.warn(
        { shared_render_id: this.render.id, reason: (error as Error).message },
        'Renewing the claim on the render failed; retrying at the next renewal',
      );
    }
  }

  private write(action: string, call: () => Promise<void>): void {
    this.writes = this.writes.then(call).catch((error: unknown) => {
      this.failedWrites += 1;
      // One line per render; `end` reports how many writes failed in all.
      if (this.failedWrites === 1) {
        this.options.logger.warn(
          { shared_render_id: this.render.id, reason: (error as Error).message },
          `Failed to ${action} in the shared state`,
        );
      }
    });
  }
}

/**
 * Returns the exposure that shows the most of the group's log: full, then errors, then none.
 * NOTE: it comes from the owner's config, so replicas must share one config. A reader whose
 * report exposes more gets empty lines in place of lines that the owner did not store.
 */
export function widestExposure(group: RenderGroup): LogExposure {
  const exposures = new Set(group.members.map((member) => member.report.log));
  if (exposures.has('full')) {
    return 'full';
  }
  return exposures.has('errors') ? 'errors' : 'none';
}
