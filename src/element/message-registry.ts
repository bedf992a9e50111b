import type { Messages } from './messages.js';

/**
 * The page's catalogs of messages by language tag, apart from the built-in English. The store
 * lives on `globalThis` under a `Symbol.for` key, because each drop-in locale file carries its
 * own copy of this module and must reach the same store as the element's bundle.
 */
interface MessageStore {
  /** Catalogs by lower-case canonical language tag, such as `de` or `de-at`. */
  catalogs: Map<string, Partial<Messages>>;
  /** Incremented on each change, so that caches of resolved catalogs can tell they are old. */
  version: number;
  /** Called after each change. */
  listeners: Set<() => void>;
}

const STORE_KEY = Symbol.for('connect-refresh-button.messages');

/** Returns the page's store, creating it on first use. */
export function messageStore(): MessageStore {
  const global = globalThis as { [STORE_KEY]?: MessageStore };
  global[STORE_KEY] ??= { catalogs: new Map(), version: 0, listeners: new Set() };

  return global[STORE_KEY];
}

/**
 * Returns the canonical form of a language tag in lower case, such as `de-at` for `de-AT`, or
 * null when the tag is not valid.
 */
export function normalizeLanguageTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag.trim())[0]?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

/**
 * Adds messages for a language, replacing the ones of the same keys added before, and makes
 * every element re-render. Throws a RangeError when `lang` is not a valid language tag.
 */
export function addMessages(lang: string, messages: Partial<Messages>): void {
  const tag = normalizeLanguageTag(lang);

  if (tag === null) {
    throw new RangeError(`Invalid language tag "${lang}". Use a BCP 47 tag such as "de" or "de-AT".`);
  }

  const store = messageStore();
  store.catalogs.set(tag, { ...store.catalogs.get(tag), ...messages });
  store.version += 1;

  for (const listener of store.listeners) {
    listener();
  }
}
