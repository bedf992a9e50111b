import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

/** The element that shows a ConfirmQuestion. */
export interface QuestionHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** Part names of a question, its text's id, and where focus goes when it closes. */
export interface QuestionParts {
  /** Part of the group that contains the question and its buttons. */
  group: string;
  /** Id of the question's text, which names the group. */
  labelId: string;
  /** Part of the button that confirms. */
  confirm: string;
  /** Part of the button that closes the question without acting. */
  dismiss: string;
  /** Selector of the element that gets focus when the person confirms. */
  focusAfterConfirm: string;
  /** Selector of the element that gets focus when the person dismisses the question. */
  focusAfterDismiss: string;
}

/** The question of confirm mode, before a refresh of a recent render. */
export const REFRESH_QUESTION: QuestionParts = {
  group: 'confirm',
  labelId: 'confirm-question',
  confirm: 'confirm-refresh',
  dismiss: 'confirm-cancel',
  focusAfterConfirm: '[part="button"]',
  focusAfterDismiss: '[part="button"]',
};

/** Button labels of a question. */
export interface QuestionLabels {
  confirm: string;
  dismiss: string;
}

/**
 * An inline question with a button that confirms and one that dismisses it, such as "Updated 3
 * minutes ago. Refresh anyway?". Opening it moves focus to the question, so a screen reader
 * reads it, and Tab reaches the buttons. Dismissing it, with its button or Escape, and
 * confirming close it and move focus to the elements that `parts` names.
 */
export class ConfirmQuestion implements ReactiveController {
  /** True while the question shows. */
  open = false;

  private readonly host: QuestionHost;
  private readonly onConfirm: () => void;
  private readonly parts: QuestionParts;

  /** `onConfirm` runs when the person confirms, within the click on the confirm button. */
  constructor(host: QuestionHost, onConfirm: () => void, parts: QuestionParts = REFRESH_QUESTION) {
    this.host = host;
    this.onConfirm = onConfirm;
    this.parts = parts;
    host.addController(this);
  }

  /** Shows the question, or moves focus back to it when it shows already. */
  async ask(): Promise<void> {
    this.open = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(`[part="${this.parts.group}"]`)?.focus();
  }

  /**
   * Closes the question without acting; `returnFocus` moves focus to the element that gets it
   * after a dismissal.
   */
  async cancel(returnFocus = true): Promise<void> {
    await this.close(returnFocus ? this.parts.focusAfterDismiss : null);
  }

  hostDisconnected(): void {
    this.open = false;
  }

  /** Renders the question with its buttons, or nothing while it is closed. */
  template(question: string, labels: QuestionLabels) {
    if (!this.open) {
      return nothing;
    }

    const { group, labelId, confirm, dismiss } = this.parts;

    return html`
      <div
        part=${group}
        class="confirm"
        role="group"
        aria-labelledby=${labelId}
        tabindex="-1"
        @keydown=${this.onKeydown}
      >
        <span id=${labelId}>${question}</span>
        <button type="button" part=${confirm} @click=${this.confirm}>
          ${labels.confirm}
        </button>
        <button type="button" part=${dismiss} class="secondary" @click=${() => this.cancel()}>
          ${labels.dismiss}
        </button>
      </div>
    `;
  }

  /** Closes the question and moves focus to the element of `focusSelector`, if given. */
  private async close(focusSelector: string | null): Promise<void> {
    if (!this.open) {
      return;
    }

    this.open = false;
    this.host.requestUpdate();

    if (focusSelector !== null) {
      await this.host.updateComplete;
      this.host.renderRoot.querySelector<HTMLElement>(focusSelector)?.focus();
    }
  }

  private readonly confirm = (): void => {
    void this.close(this.parts.focusAfterConfirm);
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
