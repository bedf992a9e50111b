/**
 * Returns whether the browser reports no network connection. `navigator.onLine` true does not
 * prove that the gateway is reachable, but false means that requests fail until it changes.
 */
export function isOffline(): boolean {
  return navigator.onLine === false;
}

/** The window's `offline` and `online` events, listened to while the element is connected. */
export class NetworkStatus {
  private readonly onOffline: () => void;
  private readonly onOnline: () => void;

  constructor(onOffline: () => void, onOnline: () => void) {
    this.onOffline = onOffline;
    this.onOnline = onOnline;
  }

  connect(): void {
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  disconnect(): void {
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
  }
}
