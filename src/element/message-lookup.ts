import { messageStore, normalizeLanguageTag } from './message-registry.js';
import type { Messages } from './messages.js';
import { en } from './messages-en.js';

/** An element's catalog and the locale for its times. */
export interface ResolvedMessages {
  messages: Messages;
  /**
   * Locale for Intl formatting: the requested locale when a catalog of its language exists or
   * the language is English, else `en`, so that times never mix into sentences of another
   * language.
   */
  locale: string;
}

let cache = new Map<string, ResolvedMessages>();
let cacheVersion = -1;

/**
 * Returns the messages for a locale, such as `de-AT`: the built-in English, overlaid with the
 * added catalogs of `en`, of the language (`de`), and of each longer prefix of the tag (`de-at`),
 * in that order. Without a locale it uses the browser's language (`navigator.language`).
 */
export function resolveMessages(locale: string | undefined): ResolvedMessages {
  const requested = locale ?? globalThis.navigator?.language ?? 'en';
  const store = messageStore();

  if (cacheVersion !== store.version) {
    cache = new Map();
    cacheVersion = store.version;
  }

  let resolved = cache.get(requested);

  if (!resolved) {
    resolved = lookUp(requested);
    cache.set(requested, resolved);
  }

  return resolved;
}

function lookUp(requested: string): ResolvedMessages {
  const { catalogs } = messageStore();
  const tag = normalizeLanguageTag(requested);
  let messages: Messages = { ...en, ...catalogs.get('en') };

  if (tag === null) {
    return { messages, locale: 'en' };
  }

  const subtags = tag.split('-');
  let found = subtags[0] === 'en';

  for (let length = 1; length <= subtags.length; length += 1) {
    const catalog = catalogs.get(subtags.slice(0, length).join('-'));

    if (catalog) {
      messages = { ...messages, ...catalog };
      found = true;
    }
  }

  return { messages, locale: found ? requested : 'en' };
}
