import { html, nothing, svg } from 'lit';
import { isErrorLine } from './log-follow.js';
import type { Messages } from './messages.js';
import { isBusy, type RefreshStatus } from './status.js';

/** Templates of the element's parts that depend on nothing but their arguments. */

const checkIcon = svg`<path d="M3 8.5l3.5 3.5L13 4.5" />`;
const crossIcon = svg`<path d="M4 4l8 8M12 4l-8 8" />`;
const clockIcon = svg`<circle cx="8" cy="8" r="6" /><path d="M8 4.5V8l2.5 1.5" />`;
const questionIcon = svg`<path d="M5.5 5.5a2.5 2.5 0 1 1 3.4 2.3c-.6.3-.9.8-.9 1.4v.6" /><path d="M8 13v.01" />`;
const stopIcon = svg`<rect x="4" y="4" width="8" height="8" rx="1" />`;

/** Renders the status icon of the button, hidden from assistive technology. */
export function indicatorTemplate(status: RefreshStatus) {
  let icon;

  if (isBusy(status)) {
    icon = html`<span class="spinner"></span>`;
  } else if (status === 'succeeded') {
    icon = html`<svg viewBox="0 0 16 16">${checkIcon}</svg>`;
  } else if (status === 'failed' || status === 'unavailable') {
    icon = html`<svg viewBox="0 0 16 16">${crossIcon}</svg>`;
  } else if (status === 'cooldown') {
    icon = html`<svg viewBox="0 0 16 16">${clockIcon}</svg>`;
  } else if (status === 'unknown') {
    icon = html`<svg viewBox="0 0 16 16">${questionIcon}</svg>`;
  } else if (status === 'cancelled') {
    icon = html`<svg viewBox="0 0 16 16">${stopIcon}</svg>`;
  } else {
    icon = html`<span class="dot"></span>`;
  }

  return html`<span part="indicator" class="indicator" aria-hidden="true">${icon}</span>`;
}

/** Statuses that show the view's message. */
const MESSAGE_STATUSES: readonly RefreshStatus[] = [
  'failed',
  'unknown',
  'cancelled',
  'unavailable',
  'cooldown',
];

/**
 * Renders the message in the failed, unknown, cancelled, unavailable and cooldown statuses, and
 * the detail, if any, after it (see messageBlock). Renders nothing in other statuses.
 */
export function messageTemplate(
  status: RefreshStatus,
  message: string,
  detail: string,
  messages: Messages,
) {
  return MESSAGE_STATUSES.includes(status) ? messageBlock(message, detail, messages) : nothing;
}

/**
 * Renders a message, and the detail, if any, in a closed `<details>` block after it. A detail
 * that the message quotes is not shown twice. Renders nothing without a message.
 */
export function messageBlock(message: string, detail: string, messages: Messages) {
  if (!message) {
    return nothing;
  }

  const detailBlock = detail && !message.includes(detail)
    ? html`<details part="detail"><summary>${messages.details}</summary><p>${detail}</p></details>`
    : nothing;

  return html`<p part="message" class="message">${message}</p>${detailBlock}`;
}

/**
 * Renders the note that the followed render has run past the report's maximum duration and may
 * be stuck, while the status is `running`. Renders nothing otherwise.
 */
export function stuckTemplate(status: RefreshStatus, stuck: boolean, messages: Messages) {
  if (status !== 'running' || !stuck) {
    return nothing;
  }

  return html`<p part="stuck" class="stuck">${messages.renderStuck}</p>`;
}

/**
 * Renders the render log in a `<details>` block, or nothing without log lines. The block is
 * closed at first and opens when the render fails, and lines that report an error are marked.
 * `onToggle` runs when the block opens or closes.
 */
export function logTemplate(
  log: readonly string[],
  failed: boolean,
  onToggle: () => void,
  messages: Messages,
) {
  if (log.length === 0) {
    return nothing;
  }

  const lines = log.map((line, index) => {
    const end = index < log.length - 1 ? '\n' : '';

    return isErrorLine(line)
      ? html`<mark class="log-error">${line}</mark>${end}`
      : html`${line}${end}`;
  });

  return html`
    <details part="log" ?open=${failed} @toggle=${onToggle}>
      <summary>${messages.renderLog}</summary>
      <pre tabindex="0" role="region" aria-label=${messages.renderLog}>${lines}</pre>
    </details>
  `;
}
