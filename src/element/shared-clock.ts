import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Tick period in ms while a subscriber counts seconds: elapsed time, countdown, or a short age. */
export const SECOND_TICK_MS = 1000;

/** Tick period in ms while subscribers show only minutes or more, or read the status at times. */
export const SLOW_TICK_MS = 30_000;

/** A party that the shared clock calls on each tick. */
export interface ClockSubscriber {
  /** Returns the tick period in ms that the subscriber needs now, or null when it needs none. */
  tickPeriod(): number | null;
  /** Runs on each tick of the shared clock. */
  tick(): void;
}

const subscribers = new Set<ClockSubscriber>();
let timer: ReturnType<typeof setTimeout> | undefined;
let periodMs: number | null = null;

/**
 * Adds a subscriber to the page's one shared clock and starts the clock when it is the first
 * that needs ticks. Call `retime` when the period it needs changes.
 */
export function subscribe(subscriber: ClockSubscriber): void {
  subscribers.add(subscriber);
  retime();
}

/** Removes a subscriber; the clock stops when no subscriber left needs ticks. */
export function unsubscribe(subscriber: ClockSubscriber): void {
  subscribers.delete(subscriber);
  retime();
}

/** Number of subscribers, for tests. */
export function subscriberCount(): number {
  return subscribers.size;
}

/**
 * Sets the clock to the shortest period that any subscriber needs now, or stops it when none
 * needs ticks. A running timer with the right period is kept, so calls are cheap.
 */
export function retime(): void {
  const next = neededPeriod();

  if (next === periodMs && (timer !== undefined || next === null)) {
    return;
  }

  stop();
  periodMs = next;

  if (next !== null) {
    schedule(next);
  }
}

function neededPeriod(): number | null {
  let shortest: number | null = null;

  for (const subscriber of subscribers) {
    const period = subscriber.tickPeriod();

    if (period !== null && (shortest === null || period < shortest)) {
      shortest = period;
    }
  }

  return shortest;
}

/**
 * Sets a timer for the next whole multiple of `period` on the browser clock, so that seconds
 * and minutes shown on every element turn together. A chain of timeouts rather than an
 * interval lets the period change between ticks.
 */
function schedule(period: number): void {
  const delayMs = period - (Date.now() % period);

  timer = setTimeout(() => {
    timer = undefined;

    for (const subscriber of [...subscribers]) {
      subscriber.tick();
    }

    periodMs = null;
    retime();
  }, delayMs);
}

function stop(): void {
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }

  periodMs = null;
}

/** The element that a ClockController ticks. */
export interface ClockHost extends ReactiveControllerHost {
  readonly isConnected: boolean;
}

/**
 * Subscribes its host to the shared clock while the host is connected. On each tick it
 * requests an update of the host and runs `onTick`, and after each update of the host it
 * sets the clock's period again from `tickPeriod`.
 */
export class ClockController implements ReactiveController, ClockSubscriber {
  private readonly host: ClockHost;
  private readonly period: () => number | null;
  private readonly onTick: () => void;

  constructor(host: ClockHost, period: () => number | null, onTick: () => void = () => {}) {
    this.host = host;
    this.period = period;
    this.onTick = onTick;
    host.addController(this);
  }

  tickPeriod(): number | null {
    return this.host.isConnected ? this.period() : null;
  }

  tick(): void {
    this.host.requestUpdate();
    this.onTick();
  }

  hostConnected(): void {
    // After a reconnect the shown times are stale: render again, which sets the period.
    subscribe(this);
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    retime();
  }

  hostDisconnected(): void {
    unsubscribe(this);
  }
}
