import type { Cooldown } from './cooldown.js';
import {
  describeFailure,
  isOutage,
  needsNewCredentials,
  offlineFailure,
  retryAfterOf,
} from './failures.js';
import type { OutageRecovery } from './outage-recovery.js';
import type { RefreshDisplay } from './refresh-display.js';
import type { Target } from './render-follow.js';
import { failureTransition, type RunKind } from './refresh-transitions.js';
import type { RefreshStatus } from './status.js';

/** Parts of an element that a failure changes. */
export interface FailureParts {
  display: RefreshDisplay;
  cooldown: Cooldown;
  recovery: OutageRecovery;
}

/**
 * Shows that a request of a run of the given kind failed. After an outage it schedules a status
 * read, and after a 429 with a wait it starts the cooldown. Returns whether a new token may fix
 * the failure.
 */
export function showRequestFailure(
  parts: FailureParts,
  target: Pick<Target, 'report' | 'variant'>,
  handle: string | null,
  error: unknown,
  kind: RunKind,
): boolean {
  const { display, cooldown, recovery } = parts;
  const { report, variant } = target;
  const failure = describeFailure(error, report, variant);

  if (isOutage(error)) {
    recovery.schedule(retryAfterOf(error));
  } else {
    recovery.end();
  }

  if (failure.status === 'cooldown') {
    cooldown.begin(failure.waitMs);
  } else {
    cooldown.cancel();
  }

  display.apply(failureTransition(display.view, report, handle, failure, kind));

  return failure.status === 'unavailable' && needsNewCredentials(error);
}

/**
 * Shows that the browser is offline, from the host's `status` before. It keeps an outage
 * without a timer, so that the next status read that succeeds shows the element as ready again.
 */
export function showOfflineFailure(
  parts: FailureParts,
  report: string,
  handle: string | null,
  status: RefreshStatus,
): void {
  const { display, cooldown, recovery } = parts;

  if (!recovery.active && (status === 'idle' || status === 'succeeded')) {
    display.readyStatus = status;
  }

  cooldown.cancel();
  recovery.hold();
  display.apply(failureTransition(display.view, report, handle, offlineFailure()));
}
