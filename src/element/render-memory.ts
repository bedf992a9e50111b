import type { RenderSummary } from '../protocol/index.js';
import { gatewayKeyPart } from './gateway-key.js';
import { variantKeyParts } from './variant-key.js';

/**
 * The render that an element follows, kept in `sessionStorage` so that the element can follow it
 * again after the page reloads. Entries are keyed by gateway (see gatewayKeyPart), report and
 * variant key, which is null for the report's default variant.
 * Storage that the browser blocks, such as in some private windows, makes every call a no-op.
 */

/** Returns the `sessionStorage` key of the render of `report` on `gateway`. */
export function renderStorageKey(
  gateway: string,
  report: string,
  variant: string | null = null,
): string {
  const parts = [gatewayKeyPart(gateway), report, ...variantKeyParts(variant)];

  return `connect-refresh-button:render:${JSON.stringify(parts)}`;
}

/** Stores the handle and start time of the render that the element follows. */
export function rememberRender(
  gateway: string,
  report: string,
  render: RenderSummary,
  variant: string | null = null,
): void {
  const { handle, started_at } = render;
  const entry = JSON.stringify({ handle, started_at });
  const key = renderStorageKey(gateway, report, variant);

  withStorage((storage) => storage.setItem(key, entry));
}

/** Returns the stored render of `report` on `gateway`, or null when none or unreadable. */
export function recallRender(
  gateway: string,
  report: string,
  variant: string | null = null,
): RenderSummary | null {
  const key = renderStorageKey(gateway, report, variant);
  const text = withStorage((storage) => storage.getItem(key));

  if (typeof text !== 'string') {
    return null;
  }

  try {
    const entry: unknown = JSON.parse(text);

    if (isStoredRender(entry)) {
      return { handle: entry.handle, state: 'running', started_at: entry.started_at };
    }
  } catch {
    // A damaged entry is dropped below, and the element reads the status instead.
  }

  forgetRender(gateway, report, variant);

  return null;
}

/** Removes the stored render of `report` on `gateway`. */
export function forgetRender(gateway: string, report: string, variant: string | null = null): void {
  const key = renderStorageKey(gateway, report, variant);

  withStorage((storage) => storage.removeItem(key));
}

function isStoredRender(entry: unknown): entry is { handle: string; started_at: string } {
  if (typeof entry !== 'object' || entry === null) {
    return false;
  }

  const { handle, started_at: startedAt } = entry as Record<string, unknown>;

  return typeof handle === 'string' && handle !== '' && typeof startedAt === 'string';
}

function withStorage<T>(use: (storage: Storage) => T): T | undefined {
  try {
    return use(window.sessionStorage);
  } catch {
    // Blocked or full storage only costs the resume after a reload.
    return undefined;
  }
}
