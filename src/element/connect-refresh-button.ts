import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { RefreshController } from './refresh-controller.js';
import {
  formatAbsoluteTime,
  formatAge,
  formatCountdown,
  formatElapsed,
} from './relative-time.js';
import { resolveLocale } from './locale.js';
import { ClockController, SECOND_TICK_MS, SLOW_TICK_MS } from './shared-clock.js';
import { acceptsRefresh, isBusy, type RefreshStatus } from './status.js';
import { styles } from './styles.js';
import { indicatorTemplate, logTemplate, messageTemplate } from './view-templates.js';

/**
 * A button that requests a re-render of a Posit Connect report from a refresh gateway, then shows
 * how the render goes and when the report's data was last rendered.
 *
 * The element keeps up with renders started elsewhere, such as on a schedule or from another
 * page. While its status is `idle`, `succeeded` or `failed`, it reads the report's status again
 * about every 60 s (at the next 30 s tick of its clock after 60 s) and at once when the page
 * becomes visible again. A newer last render time then shows without a click, and a render
 * found running is followed as if joined. While the page is hidden, the element starts no
 * status read and no render poll: a held poll may finish, and the page's return makes one
 * request. All elements on a page share one clock timer, which runs only while one of them
 * shows a time or reads the status by itself.
 *
 * Elements on one page with the same gateway, report and token share one status read in flight
 * and one long poll per render. When one of them starts or finds a render, the others follow it
 * at once as joined, and all of them show its end.
 *
 * The handle of a followed render is kept in `sessionStorage` under a key of gateway and report
 * until the render ends. After a reload, the element first polls that handle, and it reads the
 * report's status instead when the gateway answers 404 `unknown_render`.
 *
 * @summary Re-renders a Posit Connect report through a refresh gateway and shows its progress.
 * @tag connect-refresh-button
 *
 * @fires {RefreshStartEvent} connect-refresh-start - The element started following a render that
 * it started, joined or found running. Detail `{report: string, handle: string, joined: boolean}`.
 * Bubbles and is composed.
 * @fires {RefreshSuccessEvent} connect-refresh-success - The followed render succeeded. Detail
 * `{report: string, handle: string, lastRenderedAt: string | null}`. Bubbles and is composed.
 * @fires {RefreshErrorEvent} connect-refresh-error - A request failed or was refused (including a
 * cooldown), the gateway is unavailable, or the followed render failed. Detail `{report: string,
 * handle: string | null, code: string, message: string, gatewayMessage: string | null}`:
 * `message` is the element's text and `gatewayMessage` the gateway's own. Bubbles and is composed.
 *
 * @csspart button - The native button.
 * @csspart indicator - The status icon in the button: dot, spinner, check, cross or clock.
 * @csspart label - The wrapper of the label text or the slotted label.
 * @csspart time - The `<time>` element with the last render time.
 * @csspart progress - The indeterminate progress bar shown while a render runs.
 * @csspart countdown - The time left of a cooldown, such as "Refresh again in 4:00".
 * @csspart log - The `<details>` block with the render log.
 * @csspart message - The message shown when the status is failed, unavailable or cooldown.
 * @csspart detail - The `<details>` block, closed at first, with the gateway's own words.
 *
 * @cssprop [--connect-refresh-accent=#1558b0] - Background of the button; #a8c7fa in dark mode.
 * @cssprop [--connect-refresh-on-accent=#ffffff] - Text color of the button; #062e6f in dark mode.
 * @cssprop [--connect-refresh-radius=0.375rem] - Corner radius of the button and the log.
 * @cssprop [--connect-refresh-gap=0.5rem] - Space between the parts.
 *
 * @slot - Content of the button, in place of the `label` text.
 */
export class ConnectRefreshButton extends LitElement {
  /** @internal */
  static override styles = styles;

  /** @internal */
  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /**
   * Registers the element under `tag` in `registry`. Does nothing when the tag is already
   * defined, whichever class it has.
   */
  static define(
    tag = 'connect-refresh-button',
    registry: CustomElementRegistry = customElements,
  ): void {
    if (!registry.get(tag)) {
      registry.define(tag, this);
    }
  }

  /** Base URL of the refresh gateway, absolute or relative to the page, such as `/gateway`. */
  @property() gateway = '';

  /** Name of the report in the gateway's configuration. */
  @property() report = '';

  /** Text of the button, unless the default slot has content. */
  @property() label = 'Refresh data';

  /**
   * Bearer token for the gateway, such as a signed user token that the host page was given. The
   * element sends it as `Authorization: Bearer <token>`, and never reflects it to the attribute,
   * logs it or puts it in an event. Prefer the property: an attribute stays in the page's HTML.
   */
  @property() token: string | null = null;

  /**
   * Function that fetches a fresh bearer token. The element calls it before its first request
   * when `token` is empty, and after a 401 for an expired or missing token, then sends that
   * request once more. Requests at the same time share one call. Property only.
   */
  @property({ attribute: false }) tokenProvider: (() => Promise<string>) | null = null;

  /**
   * Progress of the refresh (idle, starting, running, succeeded, failed, unavailable or
   * cooldown), set by the element and reflected to the `status` attribute for styling. In
   * `cooldown` the gateway asked to wait, and the button accepts clicks again when the time is up.
   * In `failed` a click tries again. After an outage (a network error, a timeout, or a 5xx other
   * than 502 `not_renderable`) the element also reads the status again by itself, with a
   * jittered backoff whose step starts at 5 s and doubles up to 60 s. In `unavailable` (401, 403, 404 `unknown_report`, 502
   * `not_renderable`, or no usable token) the button does nothing until the element is added
   * again, its `gateway` or `report` changes, or, after a sign-in or token error, its `token` or
   * `tokenProvider` changes. While the browser is offline the status is `unavailable` too, until
   * the `online` event.
   */
  @property({ reflect: true }) status: RefreshStatus = 'idle';

  private readonly refreshes = new RefreshController(this);

  constructor() {
    super();
    new ClockController(this, () => this.tickPeriod(), () => this.refreshes.tick());
  }

  /**
   * Starts a refresh as a click does. Does nothing while busy, when unavailable, or without a
   * gateway and report.
   */
  startRefresh(): void {
    this.refreshes.start();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token') || changed.has('tokenProvider')) {
      this.refreshes.credentialsChanged();
    }
  }

  protected override render() {
    const inactive = !this.gateway || !this.report || !acceptsRefresh(this.status);
    const { view } = this.refreshes;

    return html`
      <button
        part="button"
        type="button"
        aria-disabled=${inactive ? 'true' : 'false'}
        @click=${this.startRefresh}
      >
        ${indicatorTemplate(this.status)}
        <span part="label"><slot>${this.label}</slot></span>
      </button>
      <div class="status" aria-busy=${isBusy(this.status) ? 'true' : 'false'}>
        ${this.renderProgress()} ${this.renderCountdown()} ${this.renderLastRendered()}
      </div>
      ${messageTemplate(this.status, view.message, view.detail)} ${logTemplate(view.log)}
      <div class="visually-hidden" role="status">${view.announcement}</div>
    `;
  }

  private renderProgress() {
    if (this.status === 'starting') {
      return html`<span>Starting…</span>`;
    }

    const startedAt = parseTime(this.refreshes.view.startedAt);

    if (this.status !== 'running' || startedAt === null) {
      return nothing;
    }

    const elapsed = formatElapsed(this.refreshes.serverNow() - startedAt);
    const name = this.refreshes.view.reportTitle || this.report;

    return html`
      <span>Rendering <span class="elapsed">${elapsed}</span></span>
      <progress part="progress" aria-label=${`Rendering ${name}`}></progress>
    `;
  }

  private renderCountdown() {
    const endsAt = this.refreshes.cooldownEndsAt;

    if (this.status !== 'cooldown' || endsAt === null) {
      return nothing;
    }

    const remaining = formatCountdown(endsAt - Date.now());

    return html`<span part="countdown">
      Refresh again in <span class="remaining">${remaining}</span>
    </span>`;
  }

  private renderLastRendered() {
    const { lastRenderedAt } = this.refreshes.view;

    if (lastRenderedAt === null) {
      return html`<span>Not rendered yet</span>`;
    }

    const time = parseTime(lastRenderedAt ?? null);

    if (time === null) {
      return nothing;
    }

    const locale = resolveLocale(this);
    const age = formatAge(this.refreshes.serverNow() - time, locale);
    const absolute = formatAbsoluteTime(time, locale);
    const datetime = new Date(time).toISOString();

    return html`<span>
      Last rendered <time part="time" datetime=${datetime} title=${absolute}>${age}</time>
    </span>`;
  }

  /**
   * Returns the tick period in ms that the shown times need, or null when none is needed. It is
   * a second while the element counts seconds (elapsed time, a countdown, or an age under a
   * minute), and 30 s while it shows an older age or re-reads the status periodically.
   */
  private tickPeriod(): number | null {
    const now = this.refreshes.serverNow();
    const rendered = parseTime(this.refreshes.view.lastRenderedAt ?? null);
    const endsAt = this.refreshes.cooldownEndsAt;
    const countsDown = this.status === 'cooldown' && endsAt !== null && endsAt > Date.now();
    const countsUp = this.status === 'running' && parseTime(this.refreshes.view.startedAt) !== null;

    if (countsDown || countsUp || (rendered !== null && now - rendered < 60_000)) {
      return SECOND_TICK_MS;
    }

    return rendered !== null || this.refreshes.wantsTicks ? SLOW_TICK_MS : null;
  }
}

function parseTime(value: string | null): number | null {
  if (value === null) {
    return null;
  }

  const time = Date.parse(value);

  return Number.isNaN(time) ? null : time;
}
