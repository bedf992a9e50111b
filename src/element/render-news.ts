import type { RenderSummary } from '../protocol/index.js';
import {
  join,
  leave,
  type SharingCredentials,
  type SharingMember,
  sharingKey,
} from './page-sharing.js';
import type { FollowReason } from './refresh-transitions.js';
import type { RefreshStatus } from './status.js';
import { tabKey } from './tab-messages.js';
import { joinTabs, leaveTabs, type TabMember } from './tab-sync.js';
import { variantKey } from './variant-key.js';

/** The element whose keys RenderNews reads. */
export interface NewsHost extends SharingCredentials {
  gateway: string;
  report: string;
  /** The `variant` attribute; empty for the report's default variant. */
  variant: string;
  status: RefreshStatus;
}

/** Callbacks of an element for news of a render. */
export interface NewsHandlers {
  /** Follows a render that another element or tab announced, unless the element cannot. */
  follow(render: RenderSummary, reason: FollowReason): void;
  /** Shows a last render time that another tab announced. */
  showLastRendered(lastRenderedAt: string): void;
}

/**
 * An element's membership in the news of renders that other elements of the page (see
 * page-sharing) and other tabs (see tab-sync) start, find or end. Pass it as the member that
 * announces the element's own renders, so that the element does not hear its own news.
 */
export class RenderNews implements SharingMember, TabMember {
  private readonly host: NewsHost;
  private readonly handlers: NewsHandlers;

  constructor(host: NewsHost, handlers: NewsHandlers) {
    this.host = host;
    this.handlers = handlers;
  }

  get sharingKey(): string | null {
    const { gateway, report } = this.host;

    const variant = variantKey(this.host.variant);

    return gateway && report ? sharingKey(gateway, report, this.host, variant) : null;
  }

  get tabKey(): string | null {
    const { gateway, report } = this.host;

    return gateway && report ? tabKey(gateway, report, variantKey(this.host.variant)) : null;
  }

  /** Starts hearing news, while the element is connected. */
  join(): void {
    join(this);
    joinTabs(this);
  }

  leave(): void {
    leave(this);
    leaveTabs(this);
  }

  renderFollowed(render: RenderSummary, reason: FollowReason): void {
    this.handlers.follow(render, reason);
  }

  /**
   * Follows a render that another tab started or found running, as joined. An unavailable
   * element ignores it, such as one without a valid token. Otherwise the element's own long
   * poll checks with the gateway that its token may read the render.
   */
  renderFollowedInTab(render: RenderSummary): void {
    if (this.host.status !== 'unavailable') {
      this.handlers.follow(render, 'joined');
    }
  }

  /** Shows the last render time that another tab announced, unless the element is unavailable. */
  renderEndedInTab(lastRenderedAt: string | null): void {
    if (lastRenderedAt !== null && this.host.status !== 'unavailable') {
      this.handlers.showLastRendered(lastRenderedAt);
    }
  }
}
