import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { booleanAttribute, secondsAttribute } from './attribute-converters.js';
import { CANCEL_QUESTION, cancelControlTemplate, offersCancel } from './cancel-control.js';
import { ConfirmQuestion } from './confirm-question.js';
import { LanguageController } from './language-watch.js';
import { addMessages } from './message-registry.js';
import type { Messages } from './messages.js';
import { RefreshController } from './refresh-controller.js';
import { defineOnce } from './registration.js';
import { historyTemplate } from './history-template.js';
import { RecentRendersController } from './recent-renders.js';
import { formatAge, parseTime } from './relative-time.js';
import { RenderNotifier } from './render-notifier.js';
import { LiveAnnouncer } from './live-announcer.js';
import { LogFollower } from './log-follow.js';
import { ClockController, SECOND_TICK_MS, SLOW_TICK_MS } from './shared-clock.js';
import { ShinyBridge } from './shiny-bridge.js';
import { acceptsRefresh, isBusy, type RefreshStatus } from './status.js';
import { statusLineTemplate } from './status-templates.js';
import { styles } from './styles.js';
import { VERSION } from './version.js';
import { indicatorTemplate, logTemplate, messageTemplate, stuckTemplate } from './view-templates.js';

/**
 * A button that requests a re-render of a Posit Connect report from a refresh gateway, then shows
 * how the render goes and when the report's data was last rendered.
 *
 * The element keeps up with renders started elsewhere, such as on a schedule or from another
 * page. While its status is `idle`, `succeeded`, `failed`, `unknown` or `cancelled`, it reads the
 * report's status again about every 60 s (at the next 30 s tick of its clock after 60 s) and at
 * once when the page becomes visible again. It skips the read on a return less than 5 s after its
 * last status read or the end of a render it followed. A newer last render time then shows
 * without a click, and a render found running is followed as if joined, unless the element saw
 * that render end, because the gateway's response can be a few seconds old. The last render time
 * never moves back for the same gateway and report. While the page is hidden, the element starts
 * no status read and no render poll: a held poll may finish, and the page's return makes one
 * request. All elements on a page share one clock timer, which runs only while one of them shows
 * a time or reads the status by itself.
 *
 * Elements on one page with the same gateway, report, variant, token and `with-credentials`
 * share one status read in flight and one long poll per render. When one of them starts or
 * finds a render, the others follow it at once as joined, and all of them show its end.
 *
 * While the element follows a render and the gateway cannot be reached or responds with a 5xx,
 * the status is `unavailable` and the render goes on. The element keeps polling the render with
 * backoff, returns to `running` when the gateway responds again, and then shows the render's
 * end. A refresh request can fail without showing whether the gateway started a render, as after
 * a network error, a timeout or a 5xx. The element never sends such a request again by itself.
 * It reads the report's status first and follows a render that it finds running.
 *
 * The handle of a followed render is kept in `sessionStorage` under a key of gateway, report and
 * variant until the render ends. After a reload, the element polls that handle and reads the
 * report's status alongside for its title, estimate and last render time. It follows the status
 * instead when the gateway responds 404 `unknown_render`, and shows an outage on the first poll
 * as after a status read, then reads the status again with backoff.
 *
 * The element's text is in the language of its `lang` attribute or its nearest ancestor's, or
 * else the browser's, with English built in. Other languages load as separate modules, and
 * `ConnectRefreshButton.addMessages` adds or replaces messages. The gateway's own words stay as
 * the gateway sent them.
 *
 * While a render runs and the gateway's `cancel` list names this person, as the report's status
 * tells, a "Cancel render" button opens the inline question "Cancel this render?". On
 * confirmation the element asks the gateway to end the render. The render then ends with the
 * status `cancelled`, unless it reached another end first.
 *
 * Colors come in a light and a dark set, picked by `light-dark()` from the `color-scheme` that
 * the element inherits from the page or has itself. Under `prefers-reduced-motion: reduce` the
 * spinner and the progress bar stand still. Changes of status are announced in one polite live
 * region, at most one message every 1.5 s, and a newer message replaces one that waits.
 *
 * @summary Re-renders a Posit Connect report through a refresh gateway and shows its progress.
 * @tag connect-refresh-button
 *
 * @fires {RefreshStartEvent} connect-refresh-start - The element started following a render that
 * it started, joined or found running. `state` is `running`, `startedAt` the render's start and
 * `lastRenderedAt` the report's last render before it. `joined` is false only for a render that
 * this element's own request started.
 * @fires {RefreshSuccessEvent} connect-refresh-success - The followed render succeeded. `state` is
 * `succeeded`, and `lastRenderedAt` is the render's completion time, or null when the gateway
 * sent none.
 * @fires {RefreshErrorEvent} connect-refresh-error - A request failed or was refused (including a
 * cooldown), the gateway is unavailable, or the followed render failed, was lost or was
 * cancelled. `state` is `failed` for a failed render, `unknown` for a render that the gateway
 * lost, `cancelled` for a cancelled one, `running` when a request failed while a render was
 * followed (such as a request to cancel it), and null without a render. `lastRenderedAt` is the
 * report's last render time. `message` is the element's text and `gatewayMessage` the gateway's
 * own, and `code` is the gateway's error code or one of the element's (`render_failed`,
 * `render_unknown`, `render_cancelled`, `network_error`, `invalid_response`, `http_error`,
 * `offline`, `token_unavailable`, `invalid_token`).
 *
 * @csspart button - The native button.
 * @csspart indicator - The status icon in the button: dot, spinner, check, cross, question mark,
 * square (cancelled) or clock.
 * @csspart label - The wrapper of the label text or the slotted label.
 * @csspart time - The `<time>` element with the last render time.
 * @csspart progress - The progress bar shown while a render runs: determinate from the render
 * log's progress or the report's recent render durations, indeterminate without either.
 * @csspart estimate - The typical duration of the report's renders, such as "usually 2–4 min",
 * or "taking longer than usual", shown while a render runs.
 * @csspart countdown - The time left of a cooldown, such as "Refresh again in 4:00".
 * @csspart log - The `<details>` block with the render log, which opens when the render fails.
 * @csspart message - The message shown when the status is failed, unknown, cancelled, unavailable
 * or cooldown, or while a render runs after a request to cancel it failed.
 * @csspart stuck - The note that the render has run past the report's time limit and may be
 * stuck, shown while the status is running.
 * @csspart detail - The `<details>` block, closed at first, with the gateway's own words. After
 * a network error on a request to another origin, it has a hint that the gateway may not allow
 * the page's origin.
 * @csspart confirm - The question of confirm mode, such as "Updated 3 minutes ago. Refresh
 * anyway?", with its two buttons.
 * @csspart confirm-refresh - The button of the question that starts the refresh.
 * @csspart confirm-cancel - The button of the question that closes it.
 * @csspart cancel - The "Cancel render" button, shown while a render runs to a person whom the
 * gateway lets cancel it.
 * @csspart cancel-question - The question "Cancel this render? The report keeps its last
 * output.", with its two buttons.
 * @csspart cancel-confirm - The button of that question that cancels the render.
 * @csspart cancel-keep - The button of that question that closes it and lets the render go on.
 * @csspart cancel-status - The text "Cancelling…", shown from the request to cancel until the
 * render ends.
 * @csspart history - The `<details>` block of the `history` attribute with the recent renders.
 * @csspart history-item - One render in the recent renders: its outcome, when it ended (or
 * started, while it runs), its duration, and who started it.
 *
 * @cssprop [--connect-refresh-accent=light-dark(#1558b0, #a8c7fa)] - Background of the button,
 * and color of its focus ring unless `--connect-refresh-focus-ring` is set.
 * @cssprop [--connect-refresh-on-accent=light-dark(#ffffff, #062e6f)] - Text and icon color of
 * the button.
 * @cssprop [--connect-refresh-focus-ring=the accent] - Color of the button's
 * 2px focus outline.
 * @cssprop [--connect-refresh-error=light-dark(#b3261e, #f2b8b5)] - Text color of the message
 * in the failed and unavailable statuses, and of a failed request to cancel.
 * @cssprop [--connect-refresh-log-background=color-mix(in srgb, currentColor 8%, transparent)] -
 * Background of the render log.
 * @cssprop [--connect-refresh-radius=0.375rem] - Corner radius of the button and the log.
 * @cssprop [--connect-refresh-gap=0.5rem] - Space between the parts.
 * @cssprop [--connect-refresh-font=inherit] - Font of the element, as the `font` shorthand.
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

  /** Version of the connect-refresh package that this class comes from, such as `0.1.0`. */
  static readonly version: string = VERSION;

  /**
   * Registers the element under `tag` in `registry`. When another class already has the tag,
   * such as one from a second copy of the bundle that another widget loaded, the first definition
   * stays and a console warning names both versions. Defining the same class again does nothing.
   */
  static define(
    tag = 'connect-refresh-button',
    registry: CustomElementRegistry = customElements,
  ): void {
    defineOnce(tag, this, registry);
  }

  /**
   * Adds messages for a language tag such as `de` or `de-AT`, replacing earlier ones of the same
   * keys, and re-renders every element on the page. Pass a few keys to override single messages,
   * such as `addMessages('en', { label: 'Update figures' })`. Throws a RangeError for an invalid
   * tag.
   */
  static addMessages(lang: string, messages: Partial<Messages>): void {
    addMessages(lang, messages);
  }

  /** Base URL of the refresh gateway, absolute or relative to the page, such as `/gateway`. */
  @property() gateway = '';

  /** Name of the report in the gateway's configuration. */
  @property() report = '';

  /**
   * Key of the Connect variant to refresh and show, one that the gateway's configuration allows
   * for the report. The element sends it as the `variant` parameter of its status reads,
   * refresh requests and recent renders. Empty, the default, means the report's default
   * variant. Elements with different variants of one report follow different renders.
   */
  @property() variant = '';

  /**
   * Text of the button, unless the default slot has content. When empty, the button shows the
   * `label` message of the element's language, "Refresh data" in English.
   */
  @property() label = '';

  /**
   * Bearer token for the gateway, such as a signed user token that the host page was given. The
   * element sends it as `Authorization: Bearer <token>`, and never reflects it to the attribute,
   * logs it or puts it in an event. Prefer the property: an attribute stays in the page's HTML.
   */
  @property() token: string | null = null;

  /**
   * Function that fetches a fresh bearer token. The element calls it before its first request
   * when `token` is empty, and after a 401 for an expired or missing token, then sends that
   * request once more. Requests at the same time share one call. A call that has not settled
   * after 15 s fails: the status becomes `failed` with the code `token_unavailable`, a click calls
   * the provider again, and a late result of the first call is ignored. Property only.
   */
  @property({ attribute: false }) tokenProvider: (() => Promise<string>) | null = null;

  /**
   * Confirm mode, in seconds: when the report was last rendered less than this long ago, a click
   * first asks "Updated 3 minutes ago. Refresh anyway?" in the element, and sends no request
   * until the person confirms. Escape or Cancel closes the question. 0, the default, never asks,
   * and so does an empty, negative or unreadable value.
   */
  @property({ attribute: 'confirm-within', converter: secondsAttribute }) confirmWithin = 0;

  /**
   * When set and the page is hidden as a followed render ends, the element shows a browser
   * notification and puts ✓, ✕ or ? (outcome unknown) before the page's title until the page is
   * visible again. The click that starts a refresh asks for permission to notify, if the person
   * has not decided; without permission only the title changes. While set, render polls go on in
   * a hidden page. `false` in any case and `0` turn it off, as for every boolean attribute of the
   * element.
   */
  @property({ converter: booleanAttribute }) notify = false;

  /**
   * When set, the element's requests send cookies and HTTP authentication to the gateway even
   * when it is on another origin (`credentials: 'include'`), such as for a gateway behind a proxy
   * that signs people in with a cookie. That gateway must list the page's origin in
   * `cors.origins` and set `cors.credentials: true`. Unset, the default, sends them only to a
   * gateway on the page's origin (`credentials: 'same-origin'`).
   */
  @property({ attribute: 'with-credentials', converter: booleanAttribute }) withCredentials = false;

  /**
   * When set, the element shows a closed "Recent renders" disclosure below the button. Opening
   * it loads the last 10 renders of the report's variant from the gateway, newest first. Each
   * shows its outcome, its age, its duration, and who started it. That is a user or token name,
   * or "a schedule or the Connect dashboard" for a render that the gateway did not start. An
   * open list loads again after each render end that the element detects, and a closed one at
   * its next opening. The gateway must support `GET /v1/reports/{name}/renders`.
   */
  @property({ converter: booleanAttribute }) history = false;

  /**
   * Progress of the refresh (idle, starting, running, succeeded, failed, unknown, cancelled,
   * unavailable or cooldown), set by the element only and reflected to the `status` attribute
   * for styling. A value that a page writes to the property or the attribute, or the attribute's
   * removal, is replaced with the element's own status at the next update, before anything
   * renders. In `cooldown` the gateway asked to wait, and the button accepts clicks again when
   * the time is up. In `failed` a click tries again. In `unknown` the gateway lost the followed render, so its
   * outcome is unknown. The element reads the last render time again, and a click starts a new
   * render. In `cancelled`, after a report owner cancelled the render, a click starts another.
   * After an outage (a network error, a timeout, or a 5xx other
   * than 502 `not_renderable`) the element also reads the status again by itself, with a
   * jittered backoff whose step starts at 5 s and doubles up to 60 s. In `unavailable` (401, 403, 404 `unknown_report`
   * or `unknown_variant`, 502 `not_renderable`, or no usable token) the button does nothing until
   * the element is added again, its `gateway`, `report` or `variant` changes, or, after a sign-in or token error, its `token` or
   * `tokenProvider` changes. While the browser is offline the status is `unavailable` too, until
   * the `online` event. During an outage while a render is followed the status is `unavailable`
   * as well, until the gateway responds to the render's poll again.
   */
  @property({ reflect: true }) status: RefreshStatus = 'idle';

  private readonly language = new LanguageController(this);

  private readonly refreshes = new RefreshController(this, () => this.language.resolved.messages);

  private readonly question = new ConfirmQuestion(this, () => this.beginRefresh());

  private readonly cancelQuestion = new ConfirmQuestion(
    this,
    () => this.refreshes.cancelRender(),
    CANCEL_QUESTION,
  );

  private readonly notifier = new RenderNotifier(this, () => ({
    ...this.language.resolved,
    title: this.refreshes.view.reportTitle || this.report,
  }));

  private readonly announcer = new LiveAnnouncer(this);

  private readonly logFollower = new LogFollower(this);

  private readonly shinyBridge = new ShinyBridge(this);

  private readonly recentRenders = new RecentRendersController(this, {
    targetKey: () => this.refreshes.targetKey(),
    lastRenderedAt: () => this.refreshes.view.lastRenderedAt,
    readRecentRenders: (limit, signal) => this.refreshes.readRecentRenders(limit, signal),
  });

  constructor() {
    super();
    new ClockController(this, () => this.tickPeriod(), () => this.refreshes.tick());
  }

  /**
   * Starts a refresh at once, without the question of confirm mode and without asking for
   * permission to notify. Does nothing while busy, when unavailable, or without a gateway and
   * report.
   */
  startRefresh(): void {
    this.refreshes.start();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.refreshes.restoreStatus();

    if (changed.has('token') || changed.has('tokenProvider')) {
      this.refreshes.credentialsChanged();
    }

    // A render that started meanwhile, or a failure, makes the question moot.
    if (this.question.open && !this.acceptsClick()) {
      const focused = this.shadowRoot?.activeElement?.closest('[part="confirm"]') != null;
      void this.question.cancel(focused);
    }

    // So does the end of the render for the question about cancelling it.
    if (this.cancelQuestion.open && !offersCancel(this.status, this.refreshes.view)) {
      const inside = this.shadowRoot?.activeElement?.closest('[part="cancel-question"]') != null;
      void this.cancelQuestion.cancel(false);

      if (inside) {
        void this.updateComplete.then(() => button(this.renderRoot)?.focus());
      }
    }

    const { messages } = this.language.resolved;
    this.announcer.announce(this.refreshes.view.announcement?.(messages) ?? '');
  }

  protected override render() {
    const inactive = !this.acceptsClick();
    const { view } = this.refreshes;
    const { messages } = this.language.resolved;
    const message = view.message?.(messages) ?? '';
    const detail = view.detail?.(messages) ?? '';

    return html`
      <button
        part="button"
        type="button"
        aria-disabled=${inactive ? 'true' : 'false'}
        @click=${this.onClick}
      >
        ${indicatorTemplate(this.status)}
        <span part="label"
          ><slot @slotchange=${this.onSlotChange}></slot>${this.slotted
            ? nothing
            : this.label || messages.label}</span
        >
      </button>
      <div class="status" aria-busy=${isBusy(this.status) ? 'true' : 'false'}>
        ${statusLineTemplate({
          status: this.status,
          view,
          report: this.report,
          serverNow: this.refreshes.serverNow(),
          cooldownEndsAt: this.refreshes.cooldownEndsAt,
          language: this.language.resolved,
        })}
      </div>
      ${stuckTemplate(this.status, view.stuck, messages)}
      ${cancelControlTemplate(this.status, view, this.cancelQuestion, messages, this.onCancelClick)}
      ${this.renderQuestion()}
      ${messageTemplate(this.status, message, detail, messages)}
      ${logTemplate(view.log, this.status === 'failed', this.logFollower.onToggle, messages)}
      ${this.history
        ? historyTemplate(this.recentRenders, this.language.resolved, this.refreshes.serverNow())
        : nothing}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        ${this.announcer.text}
      </div>
    `;
  }

  /**
   * True when the default slot has content to show. White space alone does not count, so that
   * markup with a line break between the tags still shows the label.
   */
  @state() private slotted = false;

  private readonly onSlotChange = (event: Event): void => {
    const nodes = (event.target as HTMLSlotElement).assignedNodes({ flatten: true });

    this.slotted = nodes.some((node) =>
      node.nodeType === Node.ELEMENT_NODE || Boolean(node.textContent?.trim()));
  };

  private readonly onClick = (): void => {
    if (!this.acceptsClick()) {
      return;
    }

    if (this.question.open || this.lastRenderAge() !== null) {
      void this.question.ask();
      return;
    }

    this.beginRefresh();
  };

  private readonly onCancelClick = (): void => {
    if (offersCancel(this.status, this.refreshes.view)) {
      void this.cancelQuestion.ask();
    }
  };

  /** Starts a refresh from a click, which may ask for permission to notify. */
  private beginRefresh(): void {
    this.notifier.requestPermission();
    this.refreshes.start();
  }

  private acceptsClick(): boolean {
    return Boolean(this.gateway && this.report) && acceptsRefresh(this.status);
  }

  /**
   * Returns the age in ms of the last render when confirm mode asks about it, that is when it is
   * under `confirmWithin`, or null.
   */
  private lastRenderAge(): number | null {
    const renderedAt = parseTime(this.refreshes.view.lastRenderedAt ?? null);

    if (this.confirmWithin <= 0 || renderedAt === null) {
      return null;
    }

    const age = this.refreshes.serverNow() - renderedAt;

    return age < this.confirmWithin * 1000 ? age : null;
  }

  private renderQuestion() {
    if (!this.question.open) {
      return nothing;
    }

    const { messages, locale } = this.language.resolved;
    const renderedAt = parseTime(this.refreshes.view.lastRenderedAt ?? null);
    const age = renderedAt === null ? 0 : this.refreshes.serverNow() - renderedAt;

    const labels = { confirm: messages.confirmRefresh, dismiss: messages.confirmCancel };

    return this.question.template(messages.confirmQuestion(formatAge(age, locale)), labels);
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

/** Returns the element's main button in its render root, or null before the first render. */
function button(root: HTMLElement | DocumentFragment): HTMLElement | null {
  return root.querySelector<HTMLElement>('[part="button"]');
}
