import { html, nothing } from 'lit';
import type { RecentRender } from '../protocol/index.js';
import type { ResolvedMessages } from './message-lookup.js';
import type { Messages } from './messages.js';
import { renderDurationText } from './progress-messages.js';
import type { RecentRendersController } from './recent-renders.js';
import { formatAbsoluteTime, formatAge, parseTime } from './relative-time.js';

/** Templates of the history disclosure, which lists the report's recent renders. */

/**
 * Renders the history disclosure, closed at first. Its content shows whether the list loads,
 * failed to load or is empty, and lists the renders newest first. The list keeps its last
 * entries while a newer list loads, and is busy meanwhile. `serverNow` is the gateway's
 * current time in ms since the epoch, for the ages.
 */
export function historyTemplate(
  history: RecentRendersController,
  language: ResolvedMessages,
  serverNow: number,
) {
  const { messages } = language;
  const { phase, renders } = history;
  const loading = phase === 'loading';
  let notice: unknown = nothing;

  if (phase === 'failed') {
    notice = html`
      <p class="history-notice message">${messages.recentRendersFailed}
        <button type="button" class="history-retry" @click=${history.onRetry}
          >${messages.recentRendersRetry}</button
        >
      </p>
    `;
  } else if (loading && renders === null) {
    notice = html`<p class="history-notice">${messages.recentRendersLoading}</p>`;
  } else if (renders !== null && renders.length === 0) {
    notice = html`<p class="history-notice">${messages.recentRendersEmpty}</p>`;
  }

  const list = renders !== null && renders.length > 0
    ? html`
      <ol class="history-list" aria-label=${messages.recentRenders}>
        ${renders.map((render) => entryTemplate(render, language, serverNow))}
      </ol>
    `
    : nothing;

  return html`
    <details part="history" ?open=${history.open} @toggle=${history.onToggle}>
      <summary>${messages.recentRenders}</summary>
      <div class="history-body" aria-busy=${loading ? 'true' : 'false'}>${notice}${list}</div>
    </details>
  `;
}

/**
 * Renders one render: its outcome, its age (of the end, or of the start while it runs), its
 * duration, and who started it. The absolute time is the title of the `<time>`.
 */
function entryTemplate(render: RecentRender, language: ResolvedMessages, serverNow: number) {
  const { messages, locale } = language;
  const time = parseTime(render.finished_at) ?? parseTime(render.started_at);
  const parts = [starterText(render, messages)];

  if (render.duration !== null) {
    parts.unshift(messages.renderTook(renderDurationText(locale, render.duration)));
  }

  const when = time === null
    ? nothing
    : html`<time datetime=${new Date(time).toISOString()} title=${formatAbsoluteTime(time, locale)}
        >${formatAge(serverNow - time, locale)}</time
      >`;

  return html`
    <li part="history-item" data-state=${render.state}>
      <span class="history-state">${stateText(render.state, messages)}</span>
      ${when}${parts.map((part) => html` <span aria-hidden="true">·</span> <span>${part}</span>`)}
    </li>
  `;
}

/** Returns the word for a render state, or the state itself for one the element has no word for. */
function stateText(state: string, messages: Messages): string {
  switch (state) {
    case 'running':
      return messages.renderStateRunning;
    case 'succeeded':
      return messages.renderStateSucceeded;
    case 'failed':
      return messages.renderStateFailed;
    case 'unknown':
      return messages.renderStateUnknown;
    case 'cancelled':
      return messages.renderStateCancelled;
    default:
      return state;
  }
}

function starterText(render: RecentRender, messages: Messages): string {
  if (!render.started_by_gateway) {
    return messages.renderStartedElsewhere;
  }

  return render.started_by === null
    ? messages.renderStartedAnonymously
    : messages.renderStartedBy(render.started_by);
}
