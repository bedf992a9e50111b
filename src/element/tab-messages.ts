import type { RenderSummary } from '../protocol/index.js';
import { gatewayKeyPart } from './gateway-key.js';
import { variantKeyParts } from './variant-key.js';

/**
 * Messages that tabs of one origin send each other about renders, and their keys. A message
 * carries no token: each tab follows a render with its own token, so the gateway checks every
 * tab's access by itself.
 */

/** A tab shows a render that it started or found running on the gateway. */
export interface RenderFollowedMessage {
  type: 'render-followed';
  /** Tab key of the gateway and report; see tabKey. */
  key: string;
  handle: string;
  /** Start of the render (RFC 3339, the gateway's clock). */
  startedAt: string;
}

/** A render that a tab announced has succeeded or failed. */
export interface RenderEndedMessage {
  type: 'render-ended';
  key: string;
  handle: string;
  /** Last successful render time (RFC 3339) after the render, or null when never rendered. */
  lastRenderedAt: string | null;
}

export type TabMessage = RenderFollowedMessage | RenderEndedMessage;

/**
 * Returns the key under which tabs tell renders apart: the gateway resolved against the page's
 * base URL, so that `/gw` on two pages of one origin is the same gateway, the report, and the
 * variant key unless it is null. It leaves the token out, unlike the sharing key of one page,
 * because the token of each page load may differ for the same user.
 */
export function tabKey(gateway: string, report: string, variant: string | null = null): string {
  return JSON.stringify([gatewayKeyPart(gateway), report, ...variantKeyParts(variant)]);
}

/** Returns the render that a `render-followed` message announces. */
export function announcedRender(message: RenderFollowedMessage): RenderSummary {
  return { handle: message.handle, state: 'running', started_at: message.startedAt };
}

/**
 * Returns whether `value` is a tab message. Messages come from any page of the origin, which may
 * run another version of the element, so every field is checked before use.
 */
export function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }

  const fields = value as Record<string, unknown>;
  const { type, key, handle } = fields;

  if (typeof key !== 'string' || typeof handle !== 'string' || handle === '') {
    return false;
  }

  if (type === 'render-followed') {
    return typeof fields.startedAt === 'string';
  }

  const { lastRenderedAt } = fields;

  return type === 'render-ended' && (lastRenderedAt === null || typeof lastRenderedAt === 'string');
}
