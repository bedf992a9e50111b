/**
 * Steps that run inside the benchmark page. They use no timers, because the page's timers are
 * what the benchmark counts.
 */

/** Timing of one mount of `count` elements, in ms from the first createElement call. */
export interface MountTiming {
  /** Until every element finished its first update. */
  renderedMs: number;
  /** Until every element's `status` attribute had the awaited value, or renderedMs without one. */
  readyMs: number;
}

export interface MountRequest {
  tag: string;
  count: number;
  attributes: Record<string, string>;
  /** Status attribute value that every element must reach before the mount counts as done. */
  readyStatus: string | null;
}

type LitHost = HTMLElement & { updateComplete: Promise<unknown> };

/** Mounts the elements into `#host` and returns the timing. It runs in the page through page.evaluate. */
export async function mountInPage(request: MountRequest): Promise<MountTiming> {
  await customElements.whenDefined(request.tag);
  const host = document.getElementById('host')!;
  const startedAt = performance.now();
  const elements: LitHost[] = [];
  for (let index = 0; index < request.count; index += 1) {
    const element = document.createElement(request.tag) as LitHost;
    for (const [name, value] of Object.entries(request.attributes)) {
      element.setAttribute(name, value);
    }
    elements.push(element);
  }
  host.append(...elements);
  await Promise.all(elements.map((element) => element.updateComplete));
  const renderedMs = performance.now() - startedAt;
  if (request.readyStatus === null) {
    return { renderedMs, readyMs: renderedMs };
  }

  const readyStatus = request.readyStatus;
  await Promise.all(elements.map((element) => new Promise<void>((resolve) => {
    if (element.getAttribute('status') === readyStatus) {
      resolve();
      return;
    }
    const observer = new MutationObserver(() => {
      if (element.getAttribute('status') === readyStatus) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(element, { attributes: true, attributeFilter: ['status'] });
  })));
  return { renderedMs, readyMs: performance.now() - startedAt };
}

/** Live timers of the page by kind, from bench/pages/timer-census.js. */
export interface LiveTimers {
  timeouts: number;
  intervals: number;
  frames: number;
}

type CensusWindow = Window & { timerCensus: { live(): LiveTimers } };

export function liveTimersInPage(): LiveTimers {
  return (window as unknown as CensusWindow).timerCensus.live();
}

/** Removes every mounted element and returns the live timers right after. */
export function removeAllInPage(): LiveTimers {
  document.getElementById('host')!.replaceChildren();
  return (window as unknown as CensusWindow).timerCensus.live();
}
