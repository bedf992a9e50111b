import { html, nothing } from 'lit';
import type { ResolvedMessages } from './message-lookup.js';
import { type Messages, splitMessage } from './messages.js';
import { progressDisplay, progressTemplate } from './progress-template.js';
import type { RefreshView } from './refresh-view.js';
import {
  formatAbsoluteTime,
  formatAge,
  formatCountdown,
  parseTime,
} from './relative-time.js';
import type { RefreshStatus } from './status.js';

/** Templates of the status line: progress, cooldown countdown and last render time. */

/** Data of the status line. */
export interface StatusLine {
  status: RefreshStatus;
  view: RefreshView;
  /** Name of the report, as in the `report` attribute. */
  report: string;
  /** Gateway's current time in ms since the epoch. */
  serverNow: number;
  /** End of the cooldown in ms since the epoch on the browser's clock, or null. */
  cooldownEndsAt: number | null;
  language: ResolvedMessages;
}

/** Renders the status line: starting, or the running render, the cooldown and the last render. */
export function statusLineTemplate(line: StatusLine) {
  const { status, view, serverNow, cooldownEndsAt } = line;
  const { messages, locale } = line.language;
  const startedAt = parseTime(view.startedAt);
  let progress: unknown = nothing;

  if (status === 'starting') {
    progress = html`<span>${messages.starting}</span>`;
  } else if (status === 'running' && startedAt !== null) {
    const name = view.reportTitle || line.report;
    const elapsedMs = serverNow - startedAt;
    const display = progressDisplay(view, elapsedMs, line.language);
    progress = progressTemplate(display, elapsedMs, name, messages);
  }

  const countdown = status === 'cooldown' && cooldownEndsAt !== null
    ? countdownTemplate(cooldownEndsAt - Date.now(), messages)
    : nothing;
  const renderedAt = parseTime(view.lastRenderedAt ?? null);
  let lastRendered: unknown = nothing;

  if (view.lastRenderedAt === null || renderedAt !== null) {
    lastRendered = lastRenderedTemplate(renderedAt, serverNow, messages, locale);
  }

  return html`${progress} ${countdown} ${lastRendered}`;
}

/** Renders the time left of a cooldown. */
function countdownTemplate(remainingMs: number, messages: Messages) {
  const [before, after] = splitMessage(messages.refreshAgainIn);
  const remaining = formatCountdown(remainingMs);

  return html`<span part="countdown">${before}<span class="remaining">${remaining}</span>${after}</span>`;
}

/**
 * Renders the last render time as an age, or "Not rendered yet" for null. The absolute time with
 * its time zone is the title of the `<time>` for the pointer, and follows in visually hidden text
 * for assistive technology, which does not read the title as content. That text starts with a
 * no-break space because Chromium leaves a plain space there out of the accessible text.
 * `renderedAt` and `now` are ms since the epoch on the gateway's clock.
 */
function lastRenderedTemplate(
  renderedAt: number | null,
  now: number,
  messages: Messages,
  locale: string,
) {
  if (renderedAt === null) {
    return html`<span>${messages.notRenderedYet}</span>`;
  }

  const [before, after] = splitMessage(messages.lastRendered);
  const age = formatAge(now - renderedAt, locale);
  const absolute = formatAbsoluteTime(renderedAt, locale);
  const datetime = new Date(renderedAt).toISOString();

  return html`<span>${before}<time part="time" datetime=${datetime} title=${absolute}>${age}</time>${after}<span class="visually-hidden">&nbsp;(${absolute})</span></span>`;
}
