/**
 * Checks of each fuzz case's responses: no 5xx, no secret, valid HTTP/1.1, and the protocol's
 * rules for errors from the README's error table. An error response has the JSON body
 * `{"error": {"code", "message"}}` with a code listed for its status. Some statuses require
 * headers, and every response carries the gateway's common headers.
 */
import type { Exchange, ParsedResponse } from './exchange.js';
import { parseResponses } from './exchange.js';
import { describeBytes, type FuzzRequest } from './raw-request.js';
import type { SecretScanner } from './secret-scan.js';

export type CaseCheck = 'status' | 'secret' | 'timeout' | 'response' | 'protocol';

export interface CaseProblem {
  check: CaseCheck;
  message: string;
}

/** Error codes of the protocol by status. */
const ERROR_CODES: Readonly<Record<number, readonly string[]>> = {
  400: ['invalid_request'],
  401: ['unauthenticated', 'token_expired'],
  403: ['forbidden', 'origin_not_allowed', 'host_not_allowed', 'connect_forbidden'],
  404: ['not_found', 'unknown_report', 'unknown_render'],
  405: ['method_not_allowed'],
  415: ['unsupported_media_type'],
  429: ['rate_limited', 'cooldown'],
};

/** Headers that a response of that status must have. */
const REQUIRED_BY_STATUS: Readonly<Record<number, readonly string[]>> = {
  401: ['www-authenticate'],
  405: ['allow'],
  429: ['retry-after'],
};

/** Headers of every final response. */
const COMMON_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
];

/** Adds the statuses of the responses to `statusCounts` and returns every problem found. */
export function checkCase(
  request: FuzzRequest,
  result: Exchange,
  scanner: SecretScanner,
  statusCounts: Record<string, number>,
): CaseProblem[] {
  const problems: CaseProblem[] = [];

  if (result.timedOut) {
    problems.push({ check: 'timeout', message: `the connection was still open after ${Math.round(result.durationMs)} ms` });
  }
  const { responses, problem } = parseResponses(result.received);
  if (responses.length === 0 && !result.timedOut) {
    statusCounts.none = (statusCounts.none ?? 0) + 1;
  }
  for (const { status } of responses) {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
  }

  if (problem !== undefined) {
    problems.push({ check: 'response', message: `the response is not valid HTTP/1.1 (${problem}): ${describeBytes(result.received, 600)}` });
  }
  const serverErrors = responses.filter(({ status }) => status >= 500).map(({ status }) => status);
  if (serverErrors.length > 0) {
    problems.push({ check: 'status', message: `got status ${serverErrors.join(', ')}: ${describeBytes(result.received, 1200)}` });
  }
  const found = scanner.find(result.received.toString('latin1'));
  if (found !== undefined) {
    problems.push({ check: 'secret', message: `the response contains the ${found.name}: ${found.excerpt}` });
  }

  // The method of mangled bytes is unknown, so any of their responses may lack a body.
  const sentHead = [request, ...request.pipelined].some((each) => each.raw !== undefined || each.method === 'HEAD');
  for (const response of responses) {
    const broken = protocolProblem(response, sentHead);
    if (broken !== undefined) {
      problems.push({ check: 'protocol', message: `${broken}: ${describeBytes(Buffer.from(responseText(response), 'latin1'), 800)}` });
    }
  }
  return problems;
}

/** Returns how a final response breaks the protocol, or undefined. */
function protocolProblem(response: ParsedResponse, sentHead: boolean): string | undefined {
  const { status, headers, body } = response;
  if (status < 200) {
    return undefined;
  }
  for (const [name, value] of COMMON_HEADERS) {
    if (headers.get(name) !== value) {
      return `a ${status} response lacks "${name}: ${value}"`;
    }
  }
  if (status < 400) {
    return undefined;
  }
  for (const name of REQUIRED_BY_STATUS[status] ?? []) {
    if (!headers.has(name)) {
      return `a ${status} response lacks the ${name} header`;
    }
  }
  if (!headers.get('content-type')?.startsWith('application/json')) {
    return `a ${status} response is not JSON`;
  }
  if (body === '' && sentHead) {
    return undefined;
  }
  let code: unknown;
  try {
    const parsed = JSON.parse(Buffer.from(body, 'latin1').toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.message !== 'string' || parsed.error.message === '') {
      return `a ${status} response has no error message`;
    }
    code = parsed.error.code;
  } catch {
    return `a ${status} response body is not JSON`;
  }
  if (!(ERROR_CODES[status] ?? []).includes(code as string)) {
    return `a ${status} response has the error code ${JSON.stringify(code)}, which the protocol does not list for it`;
  }
  return undefined;
}

function responseText(response: ParsedResponse): string {
  const head = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\r\n');
  return `HTTP/1.1 ${response.status}\r\n${head}\r\n\r\n${response.body}`;
}
