import { fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { TemplateResult } from 'lit';
import type {
  GatewayErrorBody,
  GatewayErrorCode,
  RefreshAccepted,
  RenderProgress,
  ReportStatus,
} from '../../src/protocol/index.js';
import '../../src/element/define.js';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { GatewayDouble } from './gateway-double.js';

/**
 * Gives this test page's BroadcastChannels names of their own. The test runner runs test files
 * in pages of one origin at the same time, and tab news from one file must not reach another.
 */
const NativeBroadcastChannel = window.BroadcastChannel;
const pageChannelSuffix = `:${crypto.randomUUID()}`;
window.BroadcastChannel = class PageBroadcastChannel extends NativeBroadcastChannel {
  constructor(name: string) {
    super(name + pageChannelSuffix);
  }
};

/** The gateway's clock in the tests. */
export const SERVER_NOW = '2026-12-04T12:00:00.000Z';

/** The browser's clock in the tests: three hours ahead of the gateway, to catch mixed clocks. */
export const BROWSER_NOW = Date.parse('2026-12-04T15:00:00.000Z');

/** A render time five minutes before SERVER_NOW. */
export const FIVE_MINUTES_BEFORE = '2026-12-04T11:55:00.000Z';

export function reportStatus(overrides: Partial<ReportStatus> = {}): ReportStatus {
  return {
    name: 'sales',
    title: 'Sales overview',
    last_rendered_at: FIVE_MINUTES_BEFORE,
    render: null,
    recent_durations: [],
    can_cancel: false,
    variant: null,
    server_time: SERVER_NOW,
    ...overrides,
  };
}

export function refreshAccepted(overrides: Partial<RefreshAccepted> = {}): RefreshAccepted {
  return {
    handle: 'render-1',
    state: 'running',
    started_at: SERVER_NOW,
    joined: false,
    ...overrides,
  };
}

export function renderProgress(overrides: Partial<RenderProgress> = {}): RenderProgress {
  return {
    handle: 'render-1',
    state: 'running',
    output: [],
    next: 0,
    started_at: SERVER_NOW,
    finished_at: null,
    error: null,
    last_rendered_at: FIVE_MINUTES_BEFORE,
    server_time: SERVER_NOW,
    stuck: false,
    ...overrides,
  };
}

export function errorBody(code: GatewayErrorCode, message: string): GatewayErrorBody {
  return { error: { code, message } };
}

export interface Mounted {
  el: ConnectRefreshButton;
  gateway: GatewayDouble;
  clock: sinon.SinonFakeTimers;
}

export const defaultTemplate = html`
  <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
`;

export interface MountOptions {
  /** False lets a test deliver a response that raced an abort; see GatewayDouble. */
  rejectOnAbort?: boolean;
  /** Entries of `sessionStorage` when the element connects, such as a render kept over a reload. */
  session?: Record<string, string>;
}

/**
 * Sets `sessionStorage` to `options.session`, stubs fetch, renders the element, then fakes
 * setTimeout and Date (after the fixture, which needs real timers) with the browser clock at
 * BROWSER_NOW.
 */
export async function mount(
  template: TemplateResult = defaultTemplate,
  options: MountOptions = {},
): Promise<Mounted> {
  // A render that an earlier test left running would be followed before the status read.
  sessionStorage.clear();

  for (const [key, value] of Object.entries(options.session ?? {})) {
    sessionStorage.setItem(key, value);
  }

  const gateway = new GatewayDouble({ rejectOnAbort: options.rejectOnAbort ?? true });
  const el = await fixture<ConnectRefreshButton>(template);
  const clock = sinon.useFakeTimers({
    now: BROWSER_NOW,
    toFake: ['setTimeout', 'clearTimeout', 'Date'],
    shouldClearNativeTimers: true,
  });

  return { el, gateway, clock };
}

/** Responds to the initial status read and waits until the element shows the status. */
export async function loadStatus(
  { el, gateway }: Mounted,
  overrides: Partial<ReportStatus> = {},
): Promise<void> {
  const read = await gateway.next();
  read.respond(200, reportStatus(overrides));
  await until(el, () => part(el, 'time') !== null || text(el).includes('Not rendered yet'));
}

/** Resolves once `check` returns true, testing it after each change in the element. */
export function until(el: HTMLElement, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) {
      resolve();
      return;
    }

    const observer = new MutationObserver(() => {
      if (check()) {
        observer.disconnect();
        resolve();
      }
    });
    const options = { subtree: true, childList: true, characterData: true, attributes: true };
    observer.observe(el, options);
    observer.observe(el.shadowRoot!, options);
  });
}

/** Resolves once the element's status is `status`. */
export function untilStatus(el: ConnectRefreshButton, status: string): Promise<void> {
  return until(el, () => el.status === status);
}

export function part(el: HTMLElement, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
}

export function button(el: HTMLElement): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button')!;
}

/** Returns the text of the shadow root, with runs of white space collapsed. */
export function text(el: HTMLElement): string {
  return (el.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function announcement(el: HTMLElement): string {
  return (el.shadowRoot!.querySelector('[role="status"]')?.textContent ?? '').trim();
}

export interface RecordedEvent {
  type: string;
  detail: unknown;
}

/** Records the element's refresh events in the order they fire. */
export function recordEvents(el: HTMLElement): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const types = ['connect-refresh-start', 'connect-refresh-success', 'connect-refresh-error'];

  for (const type of types) {
    el.addEventListener(type, (event) => {
      events.push({ type, detail: (event as CustomEvent).detail });
    });
  }

  return events;
}

/**
 * Advances the clock by `ms` in 30 s steps and answers each status read that the element makes
 * by itself with `reportStatus(overrides)`. Returns the URLs of the requests it answered.
 */
export async function answerRereads(
  { gateway, clock }: Mounted,
  ms: number,
  overrides: Partial<ReportStatus> = {},
): Promise<string[]> {
  const urls: string[] = [];

  for (let elapsed = 0; elapsed < ms; elapsed += 30_000) {
    await clock.tickAsync(Math.min(30_000, ms - elapsed));

    while (gateway.untaken > 0) {
      const read = await gateway.next();
      urls.push(`${read.method} ${read.url}`);
      read.respond(200, reportStatus(overrides));
      await read.bodyRead;
      await clock.tickAsync(0);
    }
  }

  return urls;
}
