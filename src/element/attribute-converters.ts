import type { ComplexAttributeConverter } from 'lit';

/**
 * Returns the value of a boolean attribute. It is false when the attribute is absent, or when its
 * value is `false` in any case or `0`, ignoring white space around it. Any other value, also an
 * empty one, gives true. R and Python wrappers write `notify="FALSE"` or `notify="false"` for a
 * false option, which the HTML rule (present means true) would read as true.
 */
export function parseBooleanAttribute(value: string | null): boolean {
  if (value === null) {
    return false;
  }

  const word = value.trim().toLowerCase();

  return word !== 'false' && word !== '0';
}

/** Converter of every boolean attribute of the element; see parseBooleanAttribute. */
export const booleanAttribute: ComplexAttributeConverter<boolean> = {
  fromAttribute: parseBooleanAttribute,
  toAttribute: (value: boolean) => (value ? '' : null),
};

/**
 * Converter of an attribute in seconds: a positive finite number, such as `300` or `90.5`, or 0
 * for an absent, empty, negative or unreadable value.
 */
export const secondsAttribute: ComplexAttributeConverter<number> = {
  fromAttribute(value: string | null): number {
    const seconds = Number(value ?? '');

    return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  },
  toAttribute: (value: number) => String(value),
};
