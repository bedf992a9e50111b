/**
 * Contrast ratios from computed styles, as WCAG 2.2 defines them: relative luminance of sRGB
 * colors, with backgrounds and `opacity` of the ancestors composited (source-over) as the
 * browser paints them. Gradients, images and filters are not taken into account.
 */

/** A color with straight (not premultiplied) alpha; channels are 0 to 1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const TRANSPARENT: Rgba = { r: 0, g: 0, b: 0, a: 0 };

/** Parses a computed color: `rgb()`, `rgba()`, `color(srgb …)` or `transparent`. */
export function parseColor(value: string): Rgba {
  if (value === 'transparent') {
    return TRANSPARENT;
  }

  const legacy = value.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);

  if (legacy) {
    const [, r, g, b, a] = legacy;
    return { r: Number(r) / 255, g: Number(g) / 255, b: Number(b) / 255, a: Number(a ?? 1) };
  }

  const srgb = value.match(/^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/);

  if (srgb) {
    const [, r, g, b, a] = srgb;
    return { r: Number(r), g: Number(g), b: Number(b), a: Number(a ?? 1) };
  }

  throw new Error(`Cannot parse the computed color ${value}; add its syntax to parseColor.`);
}

/** Paints `top` over `bottom` (source-over). */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a + bottom.a * (1 - top.a);

  if (a === 0) {
    return TRANSPARENT;
  }

  const mix = (t: number, b: number) => (t * top.a + b * bottom.a * (1 - top.a)) / a;

  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
}

function luminance({ r, g, b }: Rgba): number {
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** Returns the contrast ratio of two opaque colors, from 1 to 21. */
export function contrastRatio(first: Rgba, second: Rgba): number {
  const [light, dark] = [luminance(first), luminance(second)].sort((x, y) => y - x);

  return (light! + 0.05) / (dark! + 0.05);
}

/** Returns the parent in the flat tree, crossing slots and shadow roots, or null at the root. */
function flatParent(node: Element): Element | null {
  if (node.assignedSlot) {
    return node.assignedSlot;
  }

  if (node.parentElement) {
    return node.parentElement;
  }

  const root = node.parentNode;

  return root instanceof ShadowRoot ? root.host : null;
}

/** Returns `el` and its ancestors in the flat tree, the root first. */
function ancestry(el: Element): Element[] {
  const chain: Element[] = [];

  for (let node: Element | null = el; node; node = flatParent(node)) {
    chain.unshift(node);
  }

  return chain;
}

/**
 * Returns the opaque color that a pixel of `el` gets when `paint` (such as its text color) is
 * drawn on top of its box: the backgrounds of `el` and its ancestors, each group faded by its
 * `opacity`, over white.
 */
export function paintedColor(el: Element, paint: Rgba = TRANSPARENT): Rgba {
  const chain = ancestry(el);
  let layer = paint;

  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const style = getComputedStyle(chain[index]!);
    layer = over(layer, parseColor(style.backgroundColor));
    layer = { ...layer, a: layer.a * Number(style.opacity) };
  }

  return over(layer, { r: 1, g: 1, b: 1, a: 1 });
}

/** Returns the contrast of the text color of `el` with the background behind it. */
export function textContrast(el: Element): number {
  const text = parseColor(getComputedStyle(el).color);

  return contrastRatio(paintedColor(el, text), paintedColor(el));
}

/** Returns the contrast of the background of `el` with the background of its parent. */
export function boundaryContrast(el: Element): number {
  return contrastRatio(paintedColor(el), paintedColor(flatParent(el)!));
}
