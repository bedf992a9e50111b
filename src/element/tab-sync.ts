import type { RenderSummary } from '../protocol/index.js';
import { announcedRender, isTabMessage, type TabMessage } from './tab-messages.js';

/**
 * News of renders between the open tabs of one origin, through one BroadcastChannel per page.
 * The channel is open while an element of the page is connected. A page sends each message
 * about a render once, and never in reply to a message, so tabs cannot echo each other. Without BroadcastChannel every call is a no-op and each tab keeps up by itself.
 */

/** Name of the BroadcastChannel that the elements of every tab of an origin share. */
export const TAB_CHANNEL_NAME = 'connect-refresh-button';

/** Maximum number of messages remembered to send each message once; older ones are dropped. */
const MAX_KNOWN_MESSAGES = 100;

/** An element's part in the news between tabs. */
export interface TabMember {
  /** Tab key of the member now (see tabKey), or null while it has no gateway or report. */
  readonly tabKey: string | null;
  /** Starts following `render`, which another tab started or found running. */
  renderFollowedInTab(render: RenderSummary): void;
  /** Shows the last render time after a render that another tab announced ended. */
  renderEndedInTab(lastRenderedAt: string | null): void;
}

const members = new Set<TabMember>();
/** Messages that this page sent or received, by type, key and handle, oldest first. */
const knownMessages = new Set<string>();
let channel: BroadcastChannel | null = null;

/** Adds an element to the members that hear of other tabs' renders, opening the channel. */
export function joinTabs(member: TabMember): void {
  members.add(member);

  if (channel === null && typeof BroadcastChannel === 'function') {
    channel = new BroadcastChannel(TAB_CHANNEL_NAME);
    channel.addEventListener('message', (event) => receive(event.data));
  }
}

/** Removes an element from the members, closing the channel after the last one. */
export function leaveTabs(member: TabMember): void {
  members.delete(member);

  if (members.size === 0 && channel !== null) {
    channel.close();
    channel = null;
  }
}

/** Returns whether the page's channel is open, for tests. */
export function isTabChannelOpen(): boolean {
  return channel !== null;
}

/** Announces to other tabs that this one follows `render`, which it started or found running. */
export function broadcastRenderFollowed(key: string, render: RenderSummary): void {
  send({ type: 'render-followed', key, handle: render.handle, startedAt: render.started_at });
}

/** Announces to other tabs that a render announced with broadcastRenderFollowed ended. */
export function broadcastRenderEnded(
  key: string,
  handle: string,
  lastRenderedAt: string | null,
): void {
  send({ type: 'render-ended', key, handle, lastRenderedAt });
}

function send(message: TabMessage): void {
  if (channel !== null && remember(message)) {
    channel.postMessage(message);
  }
}

function receive(data: unknown): void {
  if (!isTabMessage(data)) {
    return;
  }

  remember(data);

  for (const member of [...members]) {
    if (member.tabKey !== data.key) {
      continue;
    }

    if (data.type === 'render-followed') {
      member.renderFollowedInTab(announcedRender(data));
    } else {
      member.renderEndedInTab(data.lastRenderedAt);
    }
  }
}

/** Notes a message as sent or received, and returns false when it was already known. */
function remember(message: TabMessage): boolean {
  const id = JSON.stringify([message.type, message.key, message.handle]);

  if (knownMessages.has(id)) {
    return false;
  }

  knownMessages.add(id);

  if (knownMessages.size > MAX_KNOWN_MESSAGES) {
    const oldest = knownMessages.values().next().value;
    knownMessages.delete(oldest!);
  }

  return true;
}
