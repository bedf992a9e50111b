import { html } from 'lit';
import { type Messages, splitMessage } from './messages.js';
import { formatAbsoluteTime, formatAge, formatCountdown, formatElapsed } from './relative-time.js';

/** Templates of the status line: progress, cooldown countdown and last render time. */

/** Renders the elapsed time and the progress bar of a running render. */
export function progressTemplate(elapsedMs: number, reportName: string, messages: Messages) {
  const [before, after] = splitMessage(messages.rendering);

  return html`
    <span>${before}<span class="elapsed">${formatElapsed(elapsedMs)}</span>${after}</span>
    <progress part="progress" aria-label=${messages.renderingReport(reportName)}></progress>
  `;
}

/** Renders the time left of a cooldown. */
export function countdownTemplate(remainingMs: number, messages: Messages) {
  const [before, after] = splitMessage(messages.refreshAgainIn);
  const remaining = formatCountdown(remainingMs);

  return html`<span part="countdown">${before}<span class="remaining">${remaining}</span>${after}</span>`;
}

/**
 * Renders the last render time as an age, with the absolute time as its title, or "Not rendered
 * yet" for null. `renderedAt` and `now` are ms since the epoch on the gateway's clock.
 */
export function lastRenderedTemplate(
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

  return html`<span>${before}<time part="time" datetime=${datetime} title=${absolute}>${age}</time>${after}</span>`;
}
