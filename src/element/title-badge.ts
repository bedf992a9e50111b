import { isPageHidden } from './page-visibility.js';

/** Prefixes of `document.title` after a followed render ended while the page was hidden. */
export const TITLE_BADGES = { succeeded: '✓ ', failed: '✕ ', unknown: '? ' } as const;

/** Outcome of a render that a title badge shows. */
export type BadgeOutcome = keyof typeof TITLE_BADGES;

/**
 * The one badge of the page. All elements share it, so badges never stack: a failure or an
 * unknown outcome replaces a success, and a success replaces neither.
 */
let badge: { outcome: BadgeOutcome; original: string; badged: string } | null = null;

/**
 * Puts a badge before `document.title` until the page is visible again, then restores the title
 * as it was. A title that the page changed meanwhile is kept as the page set it.
 */
export function showTitleBadge(outcome: BadgeOutcome): void {
  if (badge === null) {
    document.addEventListener('visibilitychange', removeWhenVisible);
  } else if (badge.outcome !== 'succeeded' && outcome === 'succeeded') {
    return;
  }

  // The page may have set a new title since the last badge, so that title is the one to restore.
  const original = badge !== null && document.title === badge.badged ? badge.original : document.title;
  document.title = TITLE_BADGES[outcome] + original;
  // The title getter strips and collapses white space, so the badged title is read back.
  badge = { outcome, original, badged: document.title };
}

/** Removes the badge, if any, restoring the title unless the page changed it meanwhile. */
export function removeTitleBadge(): void {
  if (badge === null) {
    return;
  }

  if (document.title === badge.badged) {
    document.title = badge.original;
  }

  badge = null;
  document.removeEventListener('visibilitychange', removeWhenVisible);
}

function removeWhenVisible(): void {
  if (!isPageHidden()) {
    removeTitleBadge();
  }
}
