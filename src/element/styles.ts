import { css } from 'lit';

/**
 * Styles of `<connect-refresh-button>`. Text takes the page's color, and the font is the page's
 * unless `--connect-refresh-font` is set. The colors follow the element's used `color-scheme`
 * through `light-dark()`. The element inherits `color-scheme` from the page, so a page with
 * `color-scheme: light dark` gets the dark colors when the reader prefers a dark color scheme.
 * `color-scheme: dark` on the element picks them always. Native controls inside, such as the
 * progress bar and the disclosure triangles, follow the same scheme. Each default color has a
 * contrast of at least 4.5:1 with its background in both schemes: the button's text on the
 * accent, and the accent and the failure text on the page's `Canvas` color.
 */
export const styles = css`
  :host {
    --_accent: var(--connect-refresh-accent, light-dark(#1558b0, #a8c7fa));
    --_on-accent: var(--connect-refresh-on-accent, light-dark(#ffffff, #062e6f));
    --_focus-ring: var(--connect-refresh-focus-ring, var(--_accent));
    --_error: var(--connect-refresh-error, light-dark(#b3261e, #f2b8b5));
    --_log-background: var(
      --connect-refresh-log-background,
      color-mix(in srgb, currentColor 8%, transparent)
    );
    --_radius: var(--connect-refresh-radius, 0.375rem);
    --_gap: var(--connect-refresh-gap, 0.5rem);

    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
    font: var(--connect-refresh-font, inherit);
  }

  :host([hidden]) {
    display: none;
  }

  button {
    display: inline-flex;
    align-items: center;
    gap: var(--_gap);
    padding: 0.5em 1em;
    border: 1px solid transparent;
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_on-accent);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  button:focus-visible {
    outline: 2px solid var(--_focus-ring);
    outline-offset: 2px;
  }

  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.85;
  }

  :host([status='unavailable']) button,
  :host([status='cooldown']) button {
    cursor: not-allowed;
  }

  .indicator {
    display: inline-grid;
    place-items: center;
    inline-size: 1em;
    block-size: 1em;
    flex: none;
  }

  .indicator svg {
    inline-size: 1em;
    block-size: 1em;
    fill: none;
    stroke: currentColor;
    stroke-width: 2.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .dot {
    inline-size: 0.5em;
    block-size: 0.5em;
    border-radius: 50%;
    background: currentColor;
  }

  .spinner {
    inline-size: 0.8em;
    block-size: 0.8em;
    border: 2px solid currentColor;
    border-block-start-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }

  /* The spinner stops as a broken ring, which still looks busy. */
  @media (prefers-reduced-motion: reduce) {
    *,
    ::before,
    ::after {
      animation: none !important;
      transition: none !important;
    }

    /*
     * Chromium 156 moves the native indeterminate bar without a CSS animation, even under
     * reduced motion. Without its native appearance the bar is a still, empty track.
     */
    progress:indeterminate {
      appearance: none;
    }
  }

  .status {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
  }

  .elapsed,
  .remaining {
    font-variant-numeric: tabular-nums;
  }

  progress {
    inline-size: 6em;
  }

  /*
   * Messages, details and log lines may contain a long unbroken string, such as a path or a URL.
   * \`overflow-wrap: anywhere\` breaks it and, unlike \`break-word\`, also lowers the min-content
   * width, so the element stays as narrow as its container.
   */
  .message,
  details > p,
  pre {
    overflow-wrap: anywhere;
  }

  .message,
  .stuck {
    flex-basis: 100%;
    margin: 0;
  }

  .confirm {
    display: flex;
    flex-basis: 100%;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
  }

  .confirm:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  /* Buttons that close a question or lead to one, drawn as outlines beside the main button. */
  .secondary {
    border-color: currentColor;
    background: transparent;
    color: inherit;
  }

  /* While a render runs, a message can only be the failure of a request to cancel it. */
  :host([status='failed']) .message,
  :host([status='unavailable']) .message,
  :host([status='running']) .message {
    color: var(--_error);
  }

  details {
    flex-basis: 100%;
  }

  summary {
    cursor: pointer;
  }

  details > p {
    margin: var(--_gap) 0 0;
  }

  pre {
    max-block-size: 12em;
    margin: var(--_gap) 0 0;
    padding: var(--_gap);
    overflow: auto;
    border-radius: var(--_radius);
    background: var(--_log-background);
    font-size: 0.8125em;
    white-space: pre-wrap;
  }

  .history-body {
    margin-block-start: var(--_gap);
  }

  .history-notice {
    margin: 0;
  }

  .history-list {
    margin: 0;
    padding-inline-start: 1.25em;
  }

  .history-state {
    font-weight: 600;
  }

  [part~='history-item'][data-state='failed'] .history-state,
  .history-notice.message {
    color: var(--_error);
  }

  .history-retry {
    margin-inline-start: var(--_gap);
    padding: 0.25em 0.75em;
    border-color: currentColor;
    background: transparent;
    color: inherit;
    font-weight: 400;
  }

  .log-error {
    background: none;
    color: var(--_error);
    font-weight: 600;
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;
