import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Messages } from './messages.js';

/** The element that shows a ConfirmQuestion. */
export interface QuestionHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * The inline question of confirm mode: "Updated 3 minutes ago. Refresh anyway?" with a button that
 * confirms and one that cancels. Opening it moves focus to the question, so a screen reader reads
 * it, and Tab reaches the buttons. Cancel and Escape close it and move focus back to the host's
 * button, and so does confirming.
 */
export class ConfirmQuestion implements ReactiveController {
  /** True while the question shows. */
  open = false;

  private readonly host: QuestionHost;
  private readonly onConfirm: () => void;

  /** `onConfirm` runs when the person confirms, within the click on the confirm button. */
  constructor(host: QuestionHost, onConfirm: () => void) {
    this.host = host;
    this.onConfirm = onConfirm;
    host.addController(this);
  }

  /** Shows the question, or moves focus back to it when it shows already. */
  async ask(): Promise<void> {
    this.open = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>('[part="confirm"]')?.focus();
  }

  /** Closes the question without a refresh; `returnFocus` moves focus to the host's button. */
  async cancel(returnFocus = true): Promise<void> {
    if (!this.open) {
      return;
    }

    this.open = false;
    this.host.requestUpdate();

    if (returnFocus) {
      await this.host.updateComplete;
      this.host.renderRoot.querySelector<HTMLElement>('[part="button"]')?.focus();
    }
  }

  hostDisconnected(): void {
    this.open = false;
  }

  /** Renders the question with its buttons, or nothing while it is closed. */
  template(question: string, messages: Messages) {
    if (!this.open) {
      return nothing;
    }

    return html`
      <div
        part="confirm"
        class="confirm"
        role="group"
        aria-labelledby="confirm-question"
        tabindex="-1"
        @keydown=${this.onKeydown}
      >
        <span id="confirm-question">${question}</span>
        <button type="button" part="confirm-refresh" @click=${this.confirm}>
          ${messages.confirmRefresh}
        </button>
        <button type="button" part="confirm-cancel" @click=${() => this.cancel()}>
          ${messages.confirmCancel}
        </button>
      </div>
    `;
  }

  private readonly confirm = (): void => {
    void this.cancel();
    // Runs within the click, which a request for notification permission needs.
    this.onConfirm();
  };

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      void this.cancel();
    }
  };
}
