import { GatewayConfigError } from './errors.js';

/** Connect server address and the API key the gateway uses there. */
export interface ConnectEnv {
  /** Base URL of the Connect server, without a trailing slash or `/__api__`. */
  server: string;
  apiKey: string;
}

const SERVER_EXAMPLE = 'such as https://connect.example.com';

/**
 * Reads `CONNECT_SERVER` and `CONNECT_API_KEY`. Throws a GatewayConfigError that names the
 * variable and what to set. Messages never contain the key, and show the server URL only in
 * parts that cannot hold a secret (its query, fragment and user info are never shown).
 */
export function readConnectEnv(env: NodeJS.ProcessEnv): ConnectEnv {
  const problems: string[] = [];
  const server = readServer(env.CONNECT_SERVER, problems);
  const apiKey = readApiKey(env.CONNECT_API_KEY, problems);

  if (problems.length > 0 || server === undefined || apiKey === undefined) {
    throw new GatewayConfigError('Invalid Connect settings in the environment:', problems);
  }
  return { server, apiKey };
}

function readServer(value: string | undefined, problems: string[]): string | undefined {
  const text = value?.trim() ?? '';
  if (text === '') {
    problems.push(
      `CONNECT_SERVER: not set; set it to the URL of your Connect server, ${SERVER_EXAMPLE}`,
    );
    return undefined;
  }

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`CONNECT_SERVER: not a valid absolute URL; set it to a URL ${SERVER_EXAMPLE}`);
    return undefined;
  }

  const before = problems.length;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(
      `CONNECT_SERVER: unsupported scheme "${url.protocol}"; use an http or https URL, ` +
        SERVER_EXAMPLE,
    );
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(
      'CONNECT_SERVER: contains credentials; remove the user info and put the API key in ' +
        'CONNECT_API_KEY',
    );
  }
  if (url.search !== '' || text.includes('?')) {
    problems.push('CONNECT_SERVER: contains a query string; remove everything from "?" on');
  }
  if (url.hash !== '' || text.includes('#')) {
    problems.push('CONNECT_SERVER: contains a fragment; remove everything from "#" on');
  }
  if (problems.length > before) {
    return undefined;
  }
  return `${url.origin}${basePath(url.pathname)}`;
}

/** Removes trailing slashes and a trailing `/__api__`, which clients add themselves. */
function basePath(pathname: string): string {
  let path = pathname.replace(/\/+$/, '');
  if (path.endsWith('/__api__')) {
    path = path.slice(0, -'/__api__'.length).replace(/\/+$/, '');
  }
  return path;
}

function readApiKey(value: string | undefined, problems: string[]): string | undefined {
  const key = value?.trim() ?? '';
  if (key === '') {
    problems.push(
      'CONNECT_API_KEY: not set; set it to an API key of a Connect user with collaborator ' +
        'rights on the configured reports',
    );
    return undefined;
  }
  // The key goes into an HTTP header, where whitespace and control characters are invalid.
  if (/[\s\p{Cc}]/u.test(key)) {
    problems.push(
      'CONNECT_API_KEY: contains whitespace or control characters; copy the key again ' +
        'from Connect',
    );
    return undefined;
  }
  return key;
}
