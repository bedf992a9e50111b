/**
 * The Connect variants that a configured report may render, and which of Connect's jobs
 * belong to one of them. A variant is named by its key, and null stands for the content's
 * default variant on Connect when the report's config names no key.
 */
import type { Job, Variant } from '../connect/index.js';
import type { ReportConfig } from './config.js';
import { VARIANT_KEY_PATTERN } from './config-schema.js';
import { GatewayHttpError, invalidRequest } from './errors.js';

/** Maximum number of allowed keys that an `unknown_variant` message lists. */
const LISTED_KEYS_LIMIT = 10;

/** Returns the variant keys that requests for the report may name, the configured default first. */
export function allowedVariants(report: ReportConfig): string[] {
  const keys = report.variant === null ? [] : [report.variant];
  return [...keys, ...report.variants.filter((key) => key !== report.variant)];
}

/**
 * Returns whether the report renders `variant`: its configured default (null when none is
 * configured) or one of its allowed keys.
 */
export function isVariantAllowed(report: ReportConfig, variant: string | null): boolean {
  if (variant === null) {
    return report.variant === null;
  }
  return allowedVariants(report).includes(variant);
}

/**
 * Returns the variant that a request renders or reads: the `variant` query parameter, or the
 * report's configured default when the request has none. Throws a GatewayHttpError 400
 * `invalid_request` for a value that is no variant key, and 404 `unknown_variant` for a key
 * that the report does not allow. Both happen before any Connect call.
 */
export function resolveVariant(
  name: string,
  report: ReportConfig,
  requested: string | undefined,
): string | null {
  if (requested === undefined) {
    return report.variant;
  }
  if (!VARIANT_KEY_PATTERN.test(requested)) {
    // The message leaves out the value, because the client chose it.
    throw invalidRequest(
      'Query parameter variant must be a variant key of 1 to 64 letters, digits, "_" or "-"; ' +
        'omit it for the report\'s default variant.',
    );
  }
  if (!isVariantAllowed(report, requested)) {
    throw unknownVariant(name, report, requested);
  }
  return requested;
}

function unknownVariant(name: string, report: ReportConfig, key: string): GatewayHttpError {
  const allowed = allowedVariants(report);
  const listed = allowed.slice(0, LISTED_KEYS_LIMIT).map((entry) => `"${entry}"`).join(', ');
  const more = allowed.length > LISTED_KEYS_LIMIT ? ', …' : '';
  const choice = allowed.length === 0
    ? 'it renders only its default variant, so omit the variant parameter'
    : `it allows ${listed}${more}, or no variant parameter for its default`;
  return new GatewayHttpError(
    404,
    'unknown_variant',
    `Report "${name}" has no variant "${key}" in the gateway's configuration: ${choice}.`,
  );
}

/**
 * Returns a test for the jobs of one variant of a content item. `variants` is Connect's
 * variant list of the content, or null when it could not be read. A job matches by its
 * `variant_key` where Connect sends one (Connect 2026 and later), else by `variant_id`,
 * which needs the variant list to find the variant's id.
 * NOTE: without the variant list, every job counts for the default variant (null), as it
 * did before reports could name a variant, and only jobs with a `variant_key` count for a
 * named variant.
 */
export function variantJobFilter(
  variants: readonly Variant[] | null,
  key: string | null,
): (job: Job) => boolean {
  const target = key === null
    ? variants?.find((variant) => variant.is_default)
    : variants?.find((variant) => variant.key === key);
  const targetKey = key ?? target?.key ?? null;
  const targetId = target?.id ?? null;

  return (job) => {
    if (job.variant_key !== null && targetKey !== null) {
      return job.variant_key === targetKey;
    }
    if (targetId !== null) {
      return job.variant_id === targetId;
    }
    return key === null && variants === null;
  };
}
