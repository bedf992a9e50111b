import { css } from 'lit';

/**
 * Styles of `<connect-refresh-button>`. Text takes the page's color and font, and native
 * controls follow the page's inherited `color-scheme`. The button brings its own background and
 * text colors, so its contrast does not depend on the page, with a lighter accent for people who
 * prefer a dark color scheme.
 */
export const styles = css`
  :host {
    --_accent: var(--connect-refresh-accent, #1558b0);
    --_on-accent: var(--connect-refresh-on-accent, #ffffff);
    --_radius: var(--connect-refresh-radius, 0.375rem);
    --_gap: var(--connect-refresh-gap, 0.5rem);

    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
    font: inherit;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--connect-refresh-accent, #a8c7fa);
      --_on-accent: var(--connect-refresh-on-accent, #062e6f);
    }
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
    outline: 2px solid var(--_accent);
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

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
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

  .message {
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

  .confirm [part='confirm-cancel'] {
    border-color: currentColor;
    background: transparent;
    color: inherit;
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
    background: color-mix(in srgb, currentColor 8%, transparent);
    font-size: 0.8125em;
    white-space: pre-wrap;
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
