/**
 * Checks of the gateway config that a JSON Schema cannot express. They read the parsed file
 * defensively, so they run even where the schema found mistakes, and every problem of the
 * file is reported at once.
 */
import { parseAddressBlock } from './auth/address-blocks.js';
import { redisProblems } from './config-redis.js';
import { describeValue, joinPath } from './config-schema.js';

type Json = Record<string, unknown>;

/** Returns one problem per mistake, each starting with the path of the value. */
export function semanticProblems(json: unknown): string[] {
  if (!isObject(json)) {
    return [];
  }
  const auth = isObject(json.auth) ? json.auth : {};
  return [
    ...jwtProblems(auth.jwt),
    ...proxyProblems(auth.proxy),
    ...bearerTokenProblems(auth.bearer_tokens),
    ...authModeProblems(auth),
    ...originProblems(json.cors),
    ...reportProblems(json.reports, auth),
    ...redisProblems(json.redis),
  ];
}

const JWT_KEY_FIELDS: Record<string, { needs: string; not: string }> = {
  HS256: { needs: 'secret_env', not: 'public_key_file' },
  RS256: { needs: 'public_key_file', not: 'secret_env' },
  ES256: { needs: 'public_key_file', not: 'secret_env' },
};

/** Checks that HS256 has a shared secret, and RS256 and ES256 a public key, never both. */
function jwtProblems(jwt: unknown): string[] {
  if (!isObject(jwt) || typeof jwt.algorithm !== 'string') {
    return [];
  }
  const fields = JWT_KEY_FIELDS[jwt.algorithm];
  if (fields === undefined) {
    return [];
  }
  const problems: string[] = [];
  if (jwt[fields.needs] === undefined) {
    problems.push(
      `auth.jwt.${fields.needs}: missing; algorithm ${jwt.algorithm} needs ${fields.needs}`,
    );
  }
  if (jwt[fields.not] !== undefined) {
    problems.push(
      `auth.jwt.${fields.not}: not used with algorithm ${jwt.algorithm}; remove it, ` +
        `${jwt.algorithm} takes ${fields.needs}`,
    );
  }
  return problems;
}

function proxyProblems(proxy: unknown): string[] {
  if (!isObject(proxy) || !Array.isArray(proxy.trusted_proxies)) {
    return [];
  }
  return proxy.trusted_proxies.flatMap((entry: unknown, index) => {
    if (typeof entry !== 'string' || parseAddressBlock(entry) !== undefined) {
      return [];
    }
    return [
      `auth.proxy.trusted_proxies[${index}]: expected an IP address or CIDR block such as ` +
        `"10.0.0.0/8" or "::1", got ${describeValue(entry)}`,
    ];
  });
}

function bearerTokenProblems(tokens: unknown): string[] {
  if (!Array.isArray(tokens)) {
    return [];
  }
  const problems: string[] = [];
  const seenNames = new Map<string, number>();
  const seenDigests = new Map<string, number>();
  tokens.forEach((token: unknown, index) => {
    if (!isObject(token)) {
      return;
    }
    const path = `auth.bearer_tokens[${index}]`;
    if (typeof token.name === 'string') {
      const first = seenNames.get(token.name);
      if (first !== undefined) {
        problems.push(
          `${path}.name: "${token.name}" is also the name of bearer_tokens[${first}]; ` +
            'give each token its own name',
        );
      } else {
        seenNames.set(token.name, index);
      }
    }
    if (typeof token.sha256 === 'string') {
      const digest = token.sha256.toLowerCase();
      const first = seenDigests.get(digest);
      if (first !== undefined) {
        problems.push(
          `${path}.sha256: same digest as bearer_tokens[${first}]; ` +
            'give each caller its own token',
        );
      } else {
        seenDigests.set(digest, index);
      }
    }
  });
  return problems;
}

/** With anonymous access off, at least one mode must admit someone. */
function authModeProblems(auth: Json): string[] {
  const hasTokens = Array.isArray(auth.bearer_tokens) && auth.bearer_tokens.length > 0;
  if (auth.anonymous !== false || hasTokens || auth.jwt !== undefined || auth.proxy !== undefined) {
    return [];
  }
  return [
    'auth.anonymous: false, but no other mode admits anyone; add bearer_tokens, jwt or proxy, ' +
      'or set anonymous to true',
  ];
}

function originProblems(cors: unknown): string[] {
  if (!isObject(cors) || !Array.isArray(cors.origins)) {
    return [];
  }
  return cors.origins.flatMap((origin: unknown, index) => {
    if (typeof origin !== 'string' || isOrigin(origin)) {
      return [];
    }
    return [
      `cors.origins[${index}]: expected an origin, the scheme, host and optional port only, ` +
        `such as "https://dashboards.example.com", got ${describeValue(origin)}`,
    ];
  });
}

/** True for the serialized origin of an http or https URL, as browsers send it. */
function isOrigin(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
}

function reportProblems(reports: unknown, auth: Json): string[] {
  if (!isObject(reports)) {
    return [];
  }
  const tokenNames = new Set(
    (Array.isArray(auth.bearer_tokens) ? auth.bearer_tokens : [])
      .map((token: unknown) => (isObject(token) ? token.name : undefined))
      .filter((name): name is string => typeof name === 'string'),
  );
  const providesUsers = auth.jwt !== undefined || auth.proxy !== undefined;

  return Object.entries(reports).flatMap(([name, report]) => {
    if (!isObject(report)) {
      return [];
    }
    const path = joinPath('reports', name, false);
    return [
      ...redactProblems(report.redact, path),
      ...accessListProblems(report.refresh, `${path}.refresh`, tokenNames, providesUsers),
      ...accessListProblems(report.read, `${path}.read`, tokenNames, providesUsers),
      ...accessListProblems(report.cancel, `${path}.cancel`, tokenNames, providesUsers),
    ];
  });
}

function redactProblems(redact: unknown, path: string): string[] {
  if (!Array.isArray(redact)) {
    return [];
  }
  return redact.flatMap((source: unknown, index) => {
    if (typeof source !== 'string') {
      return [];
    }
    const entryPath = `${path}.redact[${index}]`;
    let pattern: RegExp;
    try {
      pattern = new RegExp(source, 'g');
    } catch (error) {
      return [`${entryPath}: invalid regular expression: ${(error as Error).message}`];
    }
    if (pattern.test('')) {
      return [`${entryPath}: the pattern matches the empty string, so it would redact ` +
        'nothing useful; make it match at least one character'];
    }
    return [];
  });
}

function accessListProblems(
  list: unknown,
  path: string,
  tokenNames: ReadonlySet<string>,
  providesUsers: boolean,
): string[] {
  if (!isObject(list)) {
    return [];
  }
  const problems: string[] = [];
  if (Array.isArray(list.tokens)) {
    list.tokens.forEach((name: unknown, index) => {
      if (typeof name === 'string' && !tokenNames.has(name)) {
        problems.push(`${path}.tokens[${index}]: no bearer token named ${describeValue(name)} ` +
          'in auth.bearer_tokens; add it there or fix the name');
      }
    });
  }
  for (const field of ['users', 'groups']) {
    const entries = list[field];
    if (!providesUsers && Array.isArray(entries) && entries.length > 0) {
      problems.push(`${path}.${field}: no auth mode provides ${field}; configure auth.jwt or ` +
        `auth.proxy, or list bearer token names in ${path}.tokens`);
    }
  }
  return problems;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
