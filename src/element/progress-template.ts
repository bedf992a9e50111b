import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { logFraction } from './log-progress.js';
import type { ResolvedMessages } from './message-lookup.js';
import { type Messages, splitMessage } from './messages.js';
import { logProgressText, timeLeftText, typicalRangeText } from './progress-messages.js';
import type { RefreshView } from './refresh-view.js';
import { formatElapsed } from './relative-time.js';
import { estimateRender, PROGRESS_CAP, typicalDuration } from './render-estimate.js';

/** Content of a running render's progress, derived from the view and the clock. */
export interface ProgressDisplay {
  /** Visible text after the elapsed time, such as "usually 2–4 min", or null. */
  estimateText: string | null;
  /** Value of the bar from 0 to 100, or null for an indeterminate bar. */
  value: number | null;
  /** Accessible value of the bar, or null. */
  valueText: string | null;
}

/**
 * Returns what the progress of a render that has run for `elapsedMs` shows. The log's progress
 * drives the bar when the log has any. Otherwise, with at least MIN_DURATIONS recent durations,
 * the bar follows progressFraction until the render passes the upper quartile, and is
 * indeterminate after that. The bar stays at or below PROGRESS_CAP.
 */
export function progressDisplay(
  view: RefreshView,
  elapsedMs: number,
  language: ResolvedMessages,
): ProgressDisplay {
  const { messages, locale } = language;
  const typical = typicalDuration(view.recentDurations);
  const estimate = estimateRender(elapsedMs / 1000, typical);
  let estimateText: string | null = null;
  let fraction: number | null = null;
  let valueText: string | null = null;

  if (estimate.kind === 'typical') {
    estimateText = typicalRangeText(messages, locale, estimate.typical.low, estimate.typical.high);
    fraction = estimate.fraction;
    valueText = timeLeftText(messages, locale, estimate.remainingSeconds);
  } else if (estimate.kind === 'longer') {
    estimateText = messages.longerThanUsual;
    valueText = messages.longerThanUsualValue;
  }

  if (view.logProgress !== null) {
    fraction = logFraction(view.logProgress);
    valueText = logProgressText(messages, locale, view.logProgress);
  }

  const value = fraction === null ? null : Math.round(Math.min(fraction, PROGRESS_CAP) * 100);

  return { estimateText, value, valueText };
}

/**
 * Renders the elapsed time, the typical range or a note that the render takes longer than
 * usual, and the progress bar named after the report.
 */
export function progressTemplate(
  display: ProgressDisplay,
  elapsedMs: number,
  reportName: string,
  messages: Messages,
) {
  const { estimateText, value, valueText } = display;
  const [before, after] = splitMessage(messages.rendering);
  const estimate = estimateText === null
    ? null
    : html`<span part="estimate" class="estimate">${estimateText}</span>`;

  return html`
    <span>${before}<span class="elapsed">${formatElapsed(elapsedMs)}</span>${after}</span>
    ${estimate}
    <progress
      part="progress"
      max="100"
      value=${ifDefined(value ?? undefined)}
      aria-label=${messages.renderingReport(reportName)}
      aria-valuetext=${ifDefined(valueText ?? undefined)}
    ></progress>
  `;
}
