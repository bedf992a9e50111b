import { Ajv, type ErrorObject } from 'ajv';
import { REDIS_CONFIG_SCHEMA } from './config-redis.js';

/** Report names are safe in a URL path segment and in an HTML attribute without escaping. */
export const REPORT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Bearer token names appear in logs and access lists, so they are plain identifiers. */
const TOKEN_NAME_SOURCE = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const GUID_SOURCE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** HTTP field names (RFC 9110 tokens). */
const HEADER_NAME_SOURCE = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const ENV_NAME_SOURCE = '^[A-Za-z_][A-Za-z0-9_]*$';
/**
 * Connect variant keys. Connect makes keys of 8 letters and digits, such as "WrEKKa77". The
 * pattern also admits longer keys with "_" and "-", all of them safe in a query string.
 */
export const VARIANT_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Maximum number of variant keys in one report's `variants`. */
export const MAX_VARIANTS_PER_REPORT = 50;

/**
 * Schemas of this file may carry `expected`: the text after "expected" in the problem
 * reported for a value that fails them.
 */
const EXPECTED_KEYWORD = 'expected';
/**
 * Marks values whose text must not appear in a problem, because a mistaken config may hold a
 * secret there, such as a raw token in place of its digest.
 */
const CONCEAL_KEYWORD = 'conceal';

const nonEmptyString = { type: 'string', minLength: 1, expected: 'a non-empty string' };

const accessList = {
  type: 'object',
  additionalProperties: false,
  expected: 'an object such as {"users": ["alice"], "groups": ["analysts"], "tokens": []}',
  properties: {
    users: { type: 'array', items: nonEmptyString, expected: 'an array of user names' },
    groups: { type: 'array', items: nonEmptyString, expected: 'an array of group names' },
    tokens: {
      type: 'array',
      items: nonEmptyString,
      expected: 'an array of names from auth.bearer_tokens',
    },
  },
};

const variantKey = {
  type: 'string',
  pattern: VARIANT_KEY_PATTERN.source,
  expected: 'a Connect variant key such as "WrEKKa77": 1 to 64 letters, digits, "_" or "-"',
};

const report = {
  type: 'object',
  additionalProperties: false,
  required: ['guid'],
  expected: 'an object such as {"guid": "..."}',
  properties: {
    guid: {
      type: 'string',
      pattern: GUID_SOURCE,
      expected: 'a Connect content GUID such as "6a3b4c5d-0000-4000-8000-00000000beef"',
    },
    log: { enum: ['none', 'errors', 'full'], expected: '"none", "errors" or "full"' },
    redact: {
      type: 'array',
      items: { ...nonEmptyString, expected: 'a regular expression source' },
      expected: 'an array of regular expression sources',
    },
    cooldown_s: {
      type: 'integer',
      minimum: 0,
      expected: 'a whole number of seconds, 0 or more',
    },
    max_duration: {
      type: 'integer',
      minimum: 1,
      expected: 'a whole number of seconds, 1 or more',
    },
    variant: variantKey,
    variants: {
      type: 'array',
      items: variantKey,
      uniqueItems: true,
      maxItems: MAX_VARIANTS_PER_REPORT,
      expected: `an array of up to ${MAX_VARIANTS_PER_REPORT} different variant keys`,
    },
    refresh: accessList,
    read: accessList,
    cancel: accessList,
  },
};

const bearerToken = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'sha256'],
  expected: 'an object such as {"name": "nightly-scheduler", "sha256": "<64 hex digits>"}',
  properties: {
    name: {
      type: 'string',
      pattern: TOKEN_NAME_SOURCE,
      expected: 'a name of 1 to 64 letters, digits, ".", "_" or "-"',
    },
    sha256: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{64}$',
      conceal: true,
      expected: 'the SHA-256 digest of the token as 64 hex digits',
    },
  },
};

const jwt = {
  type: 'object',
  additionalProperties: false,
  required: ['algorithm'],
  expected: 'an object such as {"algorithm": "HS256", "secret_env": "CONNECT_REFRESH_JWT_SECRET"}',
  properties: {
    algorithm: { enum: ['HS256', 'RS256', 'ES256'], expected: '"HS256", "RS256" or "ES256"' },
    secret_env: {
      type: 'string',
      pattern: ENV_NAME_SOURCE,
      conceal: true,
      expected: 'the name of an environment variable such as "CONNECT_REFRESH_JWT_SECRET"',
    },
    public_key_file: { ...nonEmptyString, expected: 'the path of an SPKI PEM file' },
    issuer: nonEmptyString,
    audience: nonEmptyString,
    max_lifetime_s: {
      type: 'integer',
      minimum: 1,
      expected: 'a whole number of seconds, 1 or more',
    },
  },
};

const headerName = {
  type: 'string',
  pattern: HEADER_NAME_SOURCE,
  expected: 'an HTTP header name such as "X-Forwarded-User"',
};

const proxy = {
  type: 'object',
  additionalProperties: false,
  required: ['user_header', 'trusted_proxies'],
  expected: 'an object such as {"user_header": "X-Forwarded-User", "trusted_proxies": ["::1"]}',
  properties: {
    user_header: headerName,
    groups_header: headerName,
    trusted_proxies: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', expected: 'an IP address or CIDR block such as "10.0.0.0/8"' },
      expected: 'a non-empty array of IP addresses or CIDR blocks',
    },
  },
};

const rateLimit = {
  type: 'integer',
  minimum: 1,
  expected: 'a whole number of requests per minute, 1 or more',
};

/** JSON Schema (draft-07) of the gateway config file. */
export const GATEWAY_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['reports'],
  expected: 'an object such as {"reports": {...}}',
  properties: {
    auth: {
      type: 'object',
      additionalProperties: false,
      expected: 'an object with anonymous, bearer_tokens, jwt or proxy',
      properties: {
        anonymous: { type: 'boolean', expected: 'true or false' },
        bearer_tokens: {
          type: 'array',
          items: bearerToken,
          expected: 'an array of {"name", "sha256"} objects',
        },
        jwt,
        proxy,
      },
    },
    cors: {
      type: 'object',
      additionalProperties: false,
      required: ['origins'],
      expected: 'an object such as {"origins": ["https://dashboards.example.com"]}',
      properties: {
        origins: {
          type: 'array',
          items: { type: 'string', expected: 'an origin such as "https://dashboards.example.com"' },
          expected: 'an array of origins',
        },
        credentials: { type: 'boolean', expected: 'true or false' },
      },
    },
    rate_limit: {
      type: 'object',
      additionalProperties: false,
      expected: 'an object such as {"refresh_per_minute": 10, "reads_per_minute": 600}',
      properties: { refresh_per_minute: rateLimit, reads_per_minute: rateLimit },
    },
    redis: REDIS_CONFIG_SCHEMA,
    reports: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: REPORT_NAME_PATTERN.source },
      additionalProperties: report,
      expected: 'an object that maps report names to {"guid": "..."}, with at least one report',
    },
  },
};

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
ajv.addVocabulary([EXPECTED_KEYWORD, CONCEAL_KEYWORD]);
const validate = ajv.compile(GATEWAY_CONFIG_SCHEMA);

/**
 * Validates a parsed config file against the schema and returns one problem per mistake,
 * each starting with the path of the value, such as `reports.sales.guid: expected …`.
 */
export function schemaProblems(json: unknown): string[] {
  if (validate(json)) {
    return [];
  }
  const problems = (validate.errors ?? [])
    .map((error) => describeError(error, json))
    .filter((problem): problem is string => problem !== undefined);
  return [...new Set(problems)];
}

function describeError(error: ErrorObject, root: unknown): string | undefined {
  const segments = pointerSegments(error.instancePath);
  const path = formatPath(root, segments);
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;

  switch (error.keyword) {
    case 'required': {
      const field = (error.params as { missingProperty: string }).missingProperty;
      const fieldSchema = propertySchema(parentSchema, field);
      const hint = fieldSchema?.[EXPECTED_KEYWORD];
      const fieldPath = joinPath(path, field, false);
      return typeof hint === 'string'
        ? `${fieldPath}: missing; expected ${hint}`
        : `${fieldPath}: missing`;
    }
    case 'additionalProperties': {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((parentSchema.properties ?? {}) as object).join(', ');
      return `${joinPath(path, field, false)}: unknown field; allowed fields are ${allowed}`;
    }
    case 'propertyNames':
      // Reported once per name by the pattern error that carries `propertyName`.
      return undefined;
    default:
      break;
  }

  if (error.propertyName !== undefined) {
    return (
      `${joinPath(path, error.propertyName, false)}: invalid report name; use 1 to 64 letters, ` +
      'digits, "_" or "-", starting with a letter or digit'
    );
  }
  const expected = parentSchema[EXPECTED_KEYWORD];
  const expectation = typeof expected === 'string'
    ? expected
    : (error.message ?? 'another value');
  const got = parentSchema[CONCEAL_KEYWORD] === true
    ? concealedValue(error.data)
    : describeValue(error.data);
  return `${path}: expected ${expectation}, got ${got}`;
}

function propertySchema(schema: Record<string, unknown>, field: string) {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  return properties?.[field];
}

/** Splits a JSON Pointer (RFC 6901) into its unescaped segments. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Formats segments as `reports.sales.guid`, `reports["bad name"]` or `auth.bearer_tokens[0]`. */
function formatPath(root: unknown, segments: string[]): string {
  let path = '';
  let value = root;
  for (const segment of segments) {
    const isIndex = Array.isArray(value);
    path = joinPath(path, segment, isIndex);
    value = isIndex || (typeof value === 'object' && value !== null)
      ? (value as Record<string, unknown>)[segment]
      : undefined;
  }
  return path === '' ? '(top level)' : path;
}

/** Appends a field or array index to a path made by `formatPath`. */
export function joinPath(path: string, key: string, isIndex: boolean): string {
  const base = path === '(top level)' ? '' : path;
  if (isIndex) {
    return `${base}[${key}]`;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    return base === '' ? key : `${base}.${key}`;
  }
  return `${base}[${JSON.stringify(key)}]`;
}

/** Describes a value by its type and length only. */
export function concealedValue(value: unknown): string {
  if (typeof value === 'string') {
    return `a string of ${value.length} characters (not shown)`;
  }
  return describeValue(value);
}

/** Describes a config value briefly for a problem message. */
export function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? 'an empty array' : 'an array';
  }
  if (typeof value === 'string') {
    const excerpt = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return JSON.stringify(excerpt);
  }
  if (typeof value === 'object') {
    return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
  }
  return String(value);
}
