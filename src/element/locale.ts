/**
 * Returns the locale for an element's times: the `lang` of the element or of its nearest
 * ancestor, across shadow roots, or undefined for the browser's locale. An empty `lang` (unknown
 * language) or one that is not a valid language tag also gives undefined, because Intl
 * formatters throw on invalid tags.
 */
export function resolveLocale(element: Element): string | undefined {
  let current: Element | null = element;

  while (current) {
    const owner = current.closest('[lang]');

    if (owner) {
      return toLocale(owner.getAttribute('lang') ?? '');
    }

    const root = current.getRootNode();
    current = root instanceof ShadowRoot ? root.host : null;
  }

  return undefined;
}

function toLocale(lang: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(lang.trim())[0];
  } catch {
    return undefined;
  }
}
