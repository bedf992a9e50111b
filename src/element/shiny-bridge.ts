import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RefreshErrorEvent, RefreshSuccessEvent } from './events.js';

/** The element whose completions a ShinyBridge sends to Shiny. */
export interface ShinyBridgeHost extends ReactiveControllerHost, HTMLElement {
  status: string;
}

/**
 * Value of the Shiny input named after the element's `id`, which R reads as a list such as
 * `input$refresh$outcome`. `sequence` and `fired_at` make every value differ from the one
 * before, so that Shiny passes on two completions with equal details.
 */
export interface ShinyRefreshPayload {
  /** Counts the completions sent from this page, from 1. */
  sequence: number;
  /** Time of the completion on the browser's clock (RFC 3339). */
  fired_at: string;
  outcome: 'success' | 'error';
  report: string;
  /** Handle of the render, or null when the error came before a render started. */
  handle: string | null;
  /** The event detail's `state` where it has one, else the element's status after the event. */
  state: string;
  last_rendered_at: string | null;
  /** The error event's fields, or null after a success. */
  error: { code: string; message: string; gateway_message: string | null } | null;
}

/** The part of Shiny's browser API (`window.Shiny`, Shiny 1.7) that the bridge uses. */
interface ShinyGlobal {
  setInputValue?: (name: string, value: unknown, options?: { priority?: string }) => void;
  shinyapp?: { isConnected?: () => boolean };
}

/** The part of jQuery that the bridge uses: Shiny triggers `shiny:connected` through jQuery. */
type JQueryGlobal = (target: Document) => {
  on(type: string, handler: () => void): unknown;
  off(type: string, handler: () => void): unknown;
};

const CONNECTED_EVENT = 'shiny:connected';

function shinyGlobal(): ShinyGlobal | undefined {
  return (globalThis as { Shiny?: ShinyGlobal }).Shiny;
}

function jQueryGlobal(): JQueryGlobal | undefined {
  const candidate = (globalThis as { jQuery?: unknown }).jQuery;
  return typeof candidate === 'function' ? (candidate as JQueryGlobal) : undefined;
}

function isShinyConnected(shiny: ShinyGlobal): boolean {
  return typeof shiny.setInputValue === 'function' && shiny.shinyapp?.isConnected?.() === true;
}

/**
 * Input values that wait for Shiny to connect, in the order they happened, shared by every
 * element on the page.
 */
const waiting: Array<{ name: string; payload: ShinyRefreshPayload }> = [];
let sequence = 0;
let listening = false;

/**
 * Sends the waiting values once the `shiny:connected` event has run to its end. Shiny triggers
 * that event before it sends its `init` message, and an input sent earlier would reach the
 * server before the session starts.
 */
const onConnected = (): void => {
  queueMicrotask(sendWaiting);
};

function sendWaiting(): void {
  const shiny = shinyGlobal();

  if (shiny === undefined || !isShinyConnected(shiny)) {
    return;
  }

  for (const { name, payload } of waiting.splice(0)) {
    shiny.setInputValue!(name, payload, { priority: 'event' });
  }

  stopListening();
}

function startListening(): void {
  if (listening) {
    return;
  }

  listening = true;
  document.addEventListener(CONNECTED_EVENT, onConnected);
  jQueryGlobal()?.(document).on(CONNECTED_EVENT, onConnected);
}

function stopListening(): void {
  listening = false;
  document.removeEventListener(CONNECTED_EVENT, onConnected);
  jQueryGlobal()?.(document).off(CONNECTED_EVENT, onConnected);
}

/** Maximum number of render completions that `senders` remembers. The oldest is dropped first. */
const MAX_REMEMBERED_RENDERS = 50;

/**
 * The element that sent each render's completion, by input name, handle and outcome. Elements
 * with one id that follow one render each fire its end, and the input gets it only once.
 */
const senders = new Map<string, HTMLElement>();

/**
 * Returns true when `element` may send the completion of render `handle` to the input `name`,
 * because no other element on the page has sent it, and remembers `element` as its sender.
 * A sender that has left the page no longer counts.
 */
function claimRenderCompletion(
  name: string,
  handle: string,
  outcome: ShinyRefreshPayload['outcome'],
  element: HTMLElement,
): boolean {
  const key = JSON.stringify([name, handle, outcome]);
  const sender = senders.get(key);

  if (sender !== undefined && sender !== element && sender.isConnected) {
    return false;
  }

  senders.delete(key);
  senders.set(key, element);

  if (senders.size > MAX_REMEMBERED_RENDERS) {
    senders.delete(senders.keys().next().value!);
  }

  return true;
}

/** Sets the Shiny input `name` now, or after Shiny connects. */
function setShinyInput(shiny: ShinyGlobal, name: string, payload: ShinyRefreshPayload): void {
  if (waiting.length === 0 && isShinyConnected(shiny)) {
    shiny.setInputValue!(name, payload, { priority: 'event' });
    return;
  }

  waiting.push({ name, payload });
  startListening();
}

/**
 * Sends each completion of the host, that is each `connect-refresh-success` and
 * `connect-refresh-error` event, to Shiny as the input named after the host's `id`, with event
 * priority, so that the server's observer runs for every one. When several elements with one
 * `id` follow the same render, only the first of them to fire its end sends it. Errors without
 * a render, such as a refused status read, are sent by each element. A completion before Shiny
 * connects is sent after Shiny's `shiny:connected` event, also when the host has left the page
 * meanwhile. Without an `id` or without `window.Shiny` at the time of the event, it does
 * nothing.
 */
export class ShinyBridge implements ReactiveController {
  private readonly host: ShinyBridgeHost;
  private readonly onCompletion = (event: Event): void => {
    this.completed(event);
  };

  constructor(host: ShinyBridgeHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener(RefreshSuccessEvent.type, this.onCompletion);
    this.host.addEventListener(RefreshErrorEvent.type, this.onCompletion);
  }

  hostDisconnected(): void {
    this.host.removeEventListener(RefreshSuccessEvent.type, this.onCompletion);
    this.host.removeEventListener(RefreshErrorEvent.type, this.onCompletion);
  }

  private completed(event: Event): void {
    const shiny = shinyGlobal();
    const name = this.host.id;

    if (shiny === undefined || name === '') {
      return;
    }

    const detail = ((event as CustomEvent).detail ?? {}) as Record<string, unknown>;
    const handle = stringOr(detail.handle, null);
    const outcome = event instanceof RefreshErrorEvent ? 'error' : 'success';

    if (handle !== null && !claimRenderCompletion(name, handle, outcome, this.host)) {
      return;
    }

    setShinyInput(shiny, name, this.payload(event));
  }

  /**
   * Builds the input value from the event's detail. Fields that the detail lacks become null,
   * so the value keeps its shape as the events gain fields.
   */
  private payload(event: Event): ShinyRefreshPayload {
    const detail = ((event as CustomEvent).detail ?? {}) as Record<string, unknown>;
    const failed = event instanceof RefreshErrorEvent;
    sequence += 1;

    return {
      sequence,
      fired_at: new Date().toISOString(),
      outcome: failed ? 'error' : 'success',
      report: stringOr(detail.report, ''),
      handle: stringOr(detail.handle, null),
      state: stringOr(detail.state, this.host.status),
      last_rendered_at: stringOr(detail.lastRenderedAt, null),
      error: failed
        ? {
          code: stringOr(detail.code, ''),
          message: stringOr(detail.message, ''),
          gateway_message: stringOr(detail.gatewayMessage, null),
        }
        : null,
    };
  }
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}
