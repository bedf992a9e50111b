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

/** Owners, such as elements with `notify`, that need render polls to go on while hidden. */
const backgroundPollers = new Set<object>();

/** Adds or removes an owner that needs render polls to go on while the page is hidden. */
export function setBackgroundPolling(owner: object, needed: boolean): void {
  if (needed) {
    backgroundPollers.add(owner);
  } else {
    backgroundPollers.delete(owner);
  }
}

/**
 * Resolves when a new render poll may start: at once while the page is visible or an owner
 * needs polls while hidden (see setBackgroundPolling), else as whenPageVisible does. A poll that
 * already waits for the page keeps waiting when such an owner arrives.
 */
export function whenPollAllowed(signal: AbortSignal): Promise<void> {
  if (backgroundPollers.size > 0 && !signal.aborted) {
    return Promise.resolve();
  }

  return whenPageVisible(signal);
}
