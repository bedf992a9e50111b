/**
 * Returns the variant key that the element's `variant` attribute names, without surrounding
 * white space, or null when it is empty, which means the report's default variant.
 */
export function variantKey(variant: string | null | undefined): string | null {
  const key = variant?.trim() ?? '';

  return key === '' ? null : key;
}

/**
 * Returns the parts that keys of shared work and storage end with: the variant key, or
 * nothing for the default variant, so that keys without a variant stay as before variants.
 */
export function variantKeyParts(variant: string | null): string[] {
  return variant === null ? [] : [variant];
}
