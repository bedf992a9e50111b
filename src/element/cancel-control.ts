import { html, nothing } from 'lit';
import type { ConfirmQuestion, QuestionParts } from './confirm-question.js';
import type { Messages } from './messages.js';
import type { RefreshView } from './refresh-view.js';
import type { RefreshStatus } from './status.js';
import { messageBlock } from './view-templates.js';

/** The question before a render is cancelled. Confirming moves focus to the main button. */
export const CANCEL_QUESTION: QuestionParts = {
  group: 'cancel-question',
  labelId: 'cancel-question-text',
  confirm: 'cancel-confirm',
  dismiss: 'cancel-keep',
  focusAfterConfirm: '[part="button"]',
  focusAfterDismiss: '[part="cancel"]',
};

/** Returns whether the element offers to cancel: a render runs and this person may cancel it. */
export function offersCancel(status: RefreshStatus, view: RefreshView): boolean {
  return status === 'running' && view.canCancel && view.cancel.state === 'ready';
}

/**
 * Renders the cancel control while a render runs and the gateway lets this person cancel it:
 * the button that opens the question, the question, or "Cancelling…" once the request is on its
 * way.
 * After a request that failed, the button comes back with the failure's message. Renders
 * nothing otherwise.
 */
export function cancelControlTemplate(
  status: RefreshStatus,
  view: RefreshView,
  question: ConfirmQuestion,
  messages: Messages,
  onAsk: () => void,
) {
  if (status !== 'running' || !view.canCancel) {
    return nothing;
  }

  if (view.cancel.state !== 'ready') {
    return html`<span part="cancel-status">${messages.cancelling}</span>`;
  }

  if (question.open) {
    const labels = { confirm: messages.cancelConfirm, dismiss: messages.cancelKeep };
    return question.template(messages.cancelQuestion, labels);
  }

  const failure = view.cancel.failure?.(messages) ?? '';

  return html`
    <button type="button" part="cancel" class="secondary" @click=${onAsk}>
      ${messages.cancelRender}
    </button>
    ${messageBlock(failure, view.cancel.detail, messages)}
  `;
}
