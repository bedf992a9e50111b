import type { StandInVariant } from './config-types.js';
import { isNonEmptyString, isObject, type Problems } from './config-checks.js';

/** Variant keys are safe in a URL path segment, as in Connect's `v<key>/` output URLs. */
const VARIANT_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Parameter names that R accepts as list names without quoting, as R Markdown params use. */
const PARAM_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

const VARIANT_FIELDS = ['key', 'name', 'default', 'params'];

function parseParams(raw: unknown, path: string, problems: Problems): Record<string, string> {
  if (raw === undefined) {
    return {};
  }
  if (!isObject(raw)) {
    problems.add(path, 'expected an object mapping parameter names to string values');
    return {};
  }
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!PARAM_NAME_PATTERN.test(name)) {
      problems.add(`${path}.${name}`,
        'invalid parameter name; use a letter, then up to 63 letters, digits, "_" or "."');
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      problems.add(`${path}.${name}`, 'expected a string without NUL characters');
      continue;
    }
    entries.push([name, value]);
  }
  // fromEntries defines own properties, so a name such as __proto__ stays a plain key.
  return Object.fromEntries(entries);
}

function parseVariant(raw: unknown, path: string, problems: Problems): StandInVariant | null {
  if (!isObject(raw)) {
    problems.add(path, 'expected an object such as {"key": "emea", "params": {"region": "EMEA"}}');
    return null;
  }
  problems.rejectUnknownFields(raw, path, VARIANT_FIELDS);
  const { key, name } = raw;
  if (typeof key !== 'string' || !VARIANT_KEY_PATTERN.test(key)) {
    problems.add(`${path}.key`, 'expected 1 to 64 letters, digits, "_" or "-"');
  }
  if (name !== undefined && !isNonEmptyString(name)) {
    problems.add(`${path}.name`, 'expected a non-empty string');
  }
  if (raw.default !== undefined && typeof raw.default !== 'boolean') {
    problems.add(`${path}.default`, 'expected true or false');
  }
  const params = parseParams(raw.params, `${path}.params`, problems);
  if (typeof key !== 'string') {
    return null;
  }
  return {
    key,
    name: typeof name === 'string' ? name : key,
    is_default: raw.default === true,
    params,
  };
}

/**
 * Validates the `variants` of a rendered content item into `problems`. Returns undefined when
 * the item lists none, so that it gets one default variant with a random key. Otherwise the
 * entry with `"default": true` is the default variant, or the first entry when none has it.
 */
export function parseVariants(
  raw: unknown,
  path: string,
  problems: Problems,
): StandInVariant[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(path, 'expected a non-empty array of variants, or no variants field');
    return undefined;
  }
  const variants: StandInVariant[] = [];
  const firstByKey = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const variant = parseVariant(entry, `${path}[${index}]`, problems);
    if (variant === null) {
      return;
    }
    const sameKey = firstByKey.get(variant.key);
    if (sameKey !== undefined) {
      problems.add(`${path}[${index}].key`,
        `duplicate of ${path}[${sameKey}].key; variant keys must be unique`);
    } else {
      firstByKey.set(variant.key, index);
    }
    variants.push(variant);
  });

  const defaults = variants.filter((variant) => variant.is_default);
  if (defaults.length > 1) {
    problems.add(path, `expected at most one variant with "default": true, found ${defaults.length}`);
  } else if (defaults.length === 0 && variants[0] !== undefined) {
    variants[0].is_default = true;
  }
  return variants;
}
