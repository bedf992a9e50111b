import { ConnectRefreshButton } from './connect-refresh-button.js';

/**
 * Registers `<connect-refresh-button>`. Importing this module twice or late is harmless, and when
 * another copy of the package defined the tag first, that definition stays (see `define`).
 */
ConnectRefreshButton.define();

declare global {
  interface HTMLElementTagNameMap {
    'connect-refresh-button': ConnectRefreshButton;
  }
}

export { ConnectRefreshButton };
export type { RefreshStatus } from './status.js';
export type { TokenProvider } from './token-store.js';
export {
  RefreshErrorEvent,
  RefreshStartEvent,
  RefreshSuccessEvent,
  type RefreshErrorDetail,
  type RefreshStartDetail,
  type RefreshSuccessDetail,
} from './events.js';
