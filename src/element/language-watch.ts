import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { resolveLocale } from './locale.js';
import { resolveMessages, type ResolvedMessages } from './message-lookup.js';
import { messageStore } from './message-registry.js';

/** An element whose text follows its language. */
export type LanguageHost = ReactiveControllerHost & Element;

/**
 * Connected elements, which all re-render when a `lang` attribute in the document changes, when
 * messages are added, or when the browser's language changes. One MutationObserver serves them
 * all, and it runs only while one of them is connected.
 */
const hosts = new Set<LanguageHost>();
let observer: MutationObserver | null = null;

function updateAll(): void {
  for (const host of hosts) {
    host.requestUpdate();
  }
}

function startWatching(): void {
  // NOTE: the observer watches `lang` attributes of the document's elements, not those inside
  // shadow roots, so a change of such a `lang` shows at the element's next update.
  observer = new MutationObserver(updateAll);
  observer.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
    subtree: true,
  });
  messageStore().listeners.add(updateAll);
  globalThis.addEventListener('languagechange', updateAll);
}

function stopWatching(): void {
  observer?.disconnect();
  observer = null;
  messageStore().listeners.delete(updateAll);
  globalThis.removeEventListener('languagechange', updateAll);
}

/** Gives the host the messages of its language and re-renders it when that language changes. */
export class LanguageController implements ReactiveController {
  private readonly host: LanguageHost;

  constructor(host: LanguageHost) {
    this.host = host;
    host.addController(this);
  }

  /** Messages and locale of the host's `lang`, or of its nearest ancestor's (see resolveLocale). */
  get resolved(): ResolvedMessages {
    return resolveMessages(resolveLocale(this.host));
  }

  hostConnected(): void {
    hosts.add(this.host);

    if (hosts.size === 1) {
      startWatching();
    }
  }

  hostDisconnected(): void {
    hosts.delete(this.host);

    if (hosts.size === 0) {
      stopWatching();
    }
  }
}
