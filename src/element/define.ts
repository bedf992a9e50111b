import { ConnectRefreshButton } from './connect-refresh-button.js';

/** Registers `<connect-refresh-button>`; importing this module twice or late is harmless. */
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
