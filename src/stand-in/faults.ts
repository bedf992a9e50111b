import { parseFaultSettings } from './fault-settings.js';
import type { FaultSettings, FaultTiming, RequestFault } from './fault-types.js';

/** A request fault in force, with its path pattern compiled. */
interface ActiveFault {
  fault: RequestFault;
  pathPattern: RegExp | null;
  /** Matching requests left, or Infinity. */
  timesLeft: number;
}

/** The faults one request gets, as StandInFaults.take() picks them. */
export interface PickedFaults {
  latency?: { ms: number; when: FaultTiming };
  /** A fault that replaces or breaks the response: every kind but latency. */
  responseFault?: Exclude<RequestFault, { kind: 'latency' }> & { when: FaultTiming };
}

/** Compiles a path pattern: `**` matches any rest, `*` anything but a slash. */
function compilePathPattern(pattern: string): RegExp {
  const parts = pattern.split(/(\*\*|\*)/).map((part) => {
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}

function timingOf(fault: RequestFault): FaultTiming {
  return fault.kind === 'reset' ? 'after' : (fault.when ?? 'before');
}

/**
 * The faults of a running stand-in, switchable at any time: request faults, the
 * sticky-cookie mode and renders that never finish. Each change replaces every fault.
 */
export class StandInFaults {
  private active: ActiveFault[] = [];
  private sticky = false;
  private hanging = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(initial: FaultSettings = {}) {
    this.set(initial);
  }

  /**
   * Replaces every fault with `settings`; a field that is absent turns its fault off.
   * Throws StandInConfigError, and keeps the faults in force, when `settings` is invalid.
   */
  set(settings: FaultSettings): void {
    const valid = parseFaultSettings(settings);
    this.active = (valid.requests ?? []).map((fault) => ({
      fault,
      pathPattern: fault.path === undefined ? null : compilePathPattern(fault.path),
      timesLeft: fault.times ?? Infinity,
    }));
    this.sticky = valid.stickyCookie ?? false;
    this.hanging = new Set(valid.hangingRenders);
    this.listeners.forEach((listener) => listener());
  }

  /** Turns every fault off, including a sticky-cookie mode that the start options set. */
  clear(): void {
    this.set({});
  }

  /** Returns the faults in force; `times` is the number of matching requests left. */
  current(): FaultSettings {
    const requests = this.active.map(({ fault, timesLeft }) =>
      (Number.isFinite(timesLeft) ? { ...fault, times: timesLeft } : { ...fault }));
    return { requests, stickyCookie: this.sticky, hangingRenders: [...this.hanging] };
  }

  get stickyCookie(): boolean {
    return this.sticky;
  }

  isHanging(guid: string): boolean {
    return this.hanging.has(guid);
  }

  /** Resolves once `guid` is no longer in `hangingRenders`, or when `signal` aborts. */
  waitWhileHanging(guid: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.hanging.has(guid) || signal.aborted) {
          this.listeners.delete(check);
          signal.removeEventListener('abort', check);
          resolve();
        }
      };
      this.listeners.add(check);
      signal.addEventListener('abort', check);
      check();
    });
  }

  /**
   * Picks the faults of one request, and counts one use of each picked fault. A fault whose
   * `times` are used up is removed.
   */
  take(method: string, path: string): PickedFaults {
    const picked: PickedFaults = {};
    for (const entry of this.active) {
      const { fault } = entry;
      if (!this.matches(entry, method, path)) {
        continue;
      }
      if (fault.kind === 'latency') {
        if (picked.latency !== undefined) continue;
        picked.latency = { ms: fault.ms, when: timingOf(fault) };
      } else {
        if (picked.responseFault !== undefined) continue;
        picked.responseFault = { ...fault, when: timingOf(fault) };
      }
      entry.timesLeft -= 1;
    }
    this.active = this.active.filter((entry) => entry.timesLeft > 0);
    return picked;
  }

  private matches(entry: ActiveFault, method: string, path: string): boolean {
    const { fault, pathPattern } = entry;
    if (fault.method !== undefined && fault.method !== method) {
      return false;
    }
    return pathPattern === null || pathPattern.test(path);
  }
}
