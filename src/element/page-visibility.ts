/** Returns whether the page is hidden, such as in a background tab or a minimized window. */
export function isPageHidden(): boolean {
  return document.visibilityState === 'hidden';
}

/**
 * Resolves at once while the page is visible, else on the `visibilitychange` event that makes it
 * visible again. Rejects with the signal's reason as soon as the signal aborts.
 */
export function whenPageVisible(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }

    if (!isPageHidden()) {
      resolve();
      return;
    }

    const cleanUp = () => {
      document.removeEventListener('visibilitychange', onChange);
      signal.removeEventListener('abort', onAbort);
    };
    const onChange = () => {
      if (!isPageHidden()) {
        cleanUp();
        resolve();
      }
    };
    const onAbort = () => {
      cleanUp();
      reject(signal.reason);
    };
    document.addEventListener('visibilitychange', onChange);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
