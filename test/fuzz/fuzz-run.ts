/**
 * Runs a fuzz campaign against the servers of fuzz-servers.ts. Each case's responses must pass
 * the checks of response-checks.ts. Over the whole run, no gateway may crash or log an error
 * or a secret, and the stand-in may start no render beyond the setup renders.
 */
import { generateCase, type CaseContext } from './cases.js';
import { exchange } from './exchange.js';
import { startFuzzServers, type FuzzServers } from './fuzz-servers.js';
import type { GatewayProcess } from './gateway-process.js';
import { describeBytes, serializeRequest, type FuzzRequest, type GatewayName } from './raw-request.js';
import { checkCase, type CaseCheck } from './response-checks.js';
import { SecretScanner } from './secret-scan.js';

export interface FuzzOptions {
  seed: number;
  /** Number of cases, numbered from 0 to count - 1. */
  count: number;
  /** Case numbers to run instead of the first `count`, to replay failures. */
  cases?: readonly number[];
  /** Maximum number of connections open at once, default 8. */
  concurrency?: number;
  /** Time in ms that a case may take before it counts as hanging, default CASE_TIMEOUT_MS. */
  caseTimeoutMs?: number;
  /** Called after every finished case. */
  onProgress?: (done: number, total: number) => void;
}

export type FailureCheck = CaseCheck | 'crash' | 'render' | 'error-log' | 'health';

export interface FuzzFailure {
  check: FailureCheck;
  message: string;
  /** The case that failed, or for run-wide checks every case in flight at the time. */
  cases: Array<{ index: number; request: FuzzRequest }>;
}

export interface FuzzResult {
  seed: number;
  casesRun: number;
  /** Number of responses per status code. `none` counts connections closed without one. */
  statusCounts: Record<string, number>;
  failures: FuzzFailure[];
  /** Failures beyond MAX_FAILURES_PER_CHECK that were counted but not kept. */
  droppedFailures: number;
  /** Renders the stand-in started during the fuzzing, after the setup renders. */
  rendersStarted: number;
  /** Progress requests that a gateway held and then released, by the reason of the release. */
  heldPolls: Record<string, number>;
  durationMs: number;
  /** Every kept failure formatted by formatFailure with secrets masked, or '' without failures. */
  report: string;
}

/**
 * Default time in ms before a case counts as hanging. It exceeds the longest hold of a progress
 * request, 30 s, because Node stops reading a connection whose request body or pipelined
 * requests wait behind a held response, so the gateway sees the client leave only once the
 * hold ends.
 */
const CASE_TIMEOUT_MS = 45_000;

/** Failures kept per check, so that one bug repeated a thousand times stays readable. */
const MAX_FAILURES_PER_CHECK = 20;

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = performance.now();
  const servers = await startFuzzServers(options.seed);
  const scanner = new SecretScanner(secretsToScan(servers));
  const failures: FuzzFailure[] = [];
  let droppedFailures = 0;
  const inFlight = new Map<number, FuzzRequest>();
  const snapshot = () => [...inFlight].map(([index, request]) => ({ index, request }));
  const fail = (failure: FuzzFailure) => {
    if (failures.filter((each) => each.check === failure.check).length >= MAX_FAILURES_PER_CHECK) {
      droppedFailures += 1;
      return;
    }
    failures.push(failure);
  };

  const rendersBefore = servers.rendersStarted;
  servers.onRenderStarted(() => fail({ check: 'render', message: 'the stand-in started a render', cases: snapshot() }));
  let crashed = false;
  const heldPolls: Record<string, number> = {};
  for (const [name, gateway] of Object.entries(servers.gateways)) {
    gateway.onLogLine((line) => {
      const entry = checkLogLine(name, line, scanner, (message, check) => fail({ check, message, cases: snapshot() }));
      if (entry?.msg === 'Released a held progress request') {
        heldPolls[String(entry.reason)] = (heldPolls[String(entry.reason)] ?? 0) + 1;
      }
    });
    gateway.onUnexpectedExit((exit) => {
      crashed = true;
      fail({
        check: 'crash',
        message: `the ${name} gateway exited with code ${exit.code}, signal ${exit.signal}; its last stderr lines:\n` +
          scanner.mask(gateway.stderrLines.slice(-20).join('\n')),
        cases: snapshot(),
      });
    });
  }

  const context: CaseContext = {
    ports: { credentials: servers.gateways.credentials.port, loopback: servers.gateways.loopback.port },
    handles: servers.handles,
    runningHandle: servers.runningHandle,
    credentials: servers.credentials,
    secrets: servers.secrets,
  };
  const indexes = options.cases ?? Array.from({ length: options.count }, (_, index) => index);
  const statusCounts: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (!crashed && next < indexes.length) {
      const index = indexes[next]!;
      next += 1;
      const request = generateCase(options.seed, index, context);
      inFlight.set(index, request);
      const result = await exchange(
        context.ports[request.gateway],
        serializeRequest(request),
        1 + request.pipelined.length,
        options.caseTimeoutMs ?? CASE_TIMEOUT_MS,
      );
      inFlight.delete(index);
      for (const problem of checkCase(request, result, scanner, statusCounts)) {
        fail({ ...problem, cases: [{ index, request }] });
      }
      done += 1;
      options.onProgress?.(done, indexes.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    if (!crashed) {
      for (const message of await checkStillServing(servers)) {
        fail({ check: 'health', message, cases: [] });
      }
    }
  } finally {
    const exits = await servers.close();
    for (const [name, exit] of Object.entries(exits)) {
      if (!crashed && exit !== null && exit.code !== 0) {
        fail({ check: 'crash', message: `the ${name} gateway stopped with code ${exit.code}, signal ${exit.signal}`, cases: [] });
      }
    }
  }
  for (const [name, gateway] of Object.entries(servers.gateways)) {
    const found = scanner.find(gateway.stderrLines.join('\n'));
    if (found !== undefined) {
      fail({ check: 'secret', message: `the ${name} gateway's stderr contains the ${found.name}: ${found.excerpt}`, cases: [] });
    }
    // The command line writes only its start and stop lines there; anything else, such as a
    // Node warning, is a problem that the JSON log does not show.
    const unexpected = gateway.stderrLines.filter((line) => !line.startsWith('connect-refresh: '));
    if (unexpected.length > 0) {
      fail({ check: 'error-log', message: `the ${name} gateway wrote to stderr:\n${scanner.mask(unexpected.slice(0, 20).join('\n'))}`, cases: [] });
    }
  }

  const report = failures.map((failure) => formatFailure(options.seed, failure, scanner));
  if (droppedFailures > 0) {
    report.push(`${droppedFailures} more failures of the same checks are not shown.`);
  }
  return {
    report: report.join('\n\n'),
    seed: options.seed,
    casesRun: done,
    statusCounts,
    failures,
    droppedFailures,
    rendersStarted: servers.rendersStarted - rendersBefore,
    heldPolls,
    durationMs: performance.now() - started,
  };
}

function secretsToScan(servers: FuzzServers): Record<string, string> {
  const { secrets, credentials } = servers;
  const scanned: Record<string, string> = {
    'API key': secrets.apiKey,
    'handle secret': secrets.handleSecret,
    'JWT secret': secrets.jwtSecret,
    'bearer token': secrets.bearerToken,
    'Redis password': secrets.redisPassword,
  };
  credentials.jwts.forEach((token, index) => {
    scanned[`user token ${index + 1}`] = token;
    scanned[`user token ${index + 1} signature`] = token.split('.')[2]!;
  });
  return scanned;
}

interface LogEntry {
  level?: number;
  msg?: string;
  reason?: unknown;
}

/** Reports a secret, a line that is not JSON or an error in a log line; returns the entry. */
function checkLogLine(
  gatewayName: string,
  line: string,
  scanner: SecretScanner,
  report: (message: string, check: FailureCheck) => void,
): LogEntry | undefined {
  const found = scanner.find(line);
  if (found !== undefined) {
    report(`a ${gatewayName} gateway log line contains the ${found.name}: ${found.excerpt}`, 'secret');
  }
  let entry: LogEntry;
  try {
    entry = JSON.parse(line) as LogEntry;
  } catch {
    report(`the ${gatewayName} gateway wrote a log line that is not JSON: ${JSON.stringify(line.slice(0, 300))}`, 'error-log');
    return undefined;
  }
  if ((entry.level ?? 0) >= 50) {
    report(`the ${gatewayName} gateway logged an error: ${scanner.mask(JSON.stringify(line.slice(0, 1500)))}`, 'error-log');
  }
  return entry;
}

/** Checks that each gateway still responds to a health check and a valid status request. */
async function checkStillServing(servers: FuzzServers): Promise<string[]> {
  const problems: string[] = [];
  const gateways: Array<[GatewayName, GatewayProcess]> = Object.entries(servers.gateways) as Array<[GatewayName, GatewayProcess]>;
  for (const [name, gateway] of gateways) {
    const health = await fetch(`${gateway.url}/healthz`);
    if (health.status !== 200) {
      problems.push(`the ${name} gateway responds to /healthz with ${health.status} after the run`);
    }
    const status = await fetch(`${gateway.url}/v1/reports/sales`, {
      headers: { authorization: `Bearer ${servers.credentials.bearerToken}` },
    });
    if (status.status !== 200) {
      problems.push(`the ${name} gateway responds to a valid status request with ${status.status} after the run`);
    }
  }
  return problems;
}

/**
 * Formats a failure with the seed, the case numbers and the requests that reproduce it. The
 * secrets in the requests are masked; the replay command sends them again.
 */
function formatFailure(seed: number, failure: FuzzFailure, scanner: SecretScanner): string {
  const lines = [`[${failure.check}] seed ${seed}: ${failure.message}`];
  for (const { index, request } of failure.cases.slice(0, 16)) {
    const bytes = describeBytes(serializeRequest(request));
    lines.push(
      `  case ${index} to the ${request.gateway} gateway (${request.labels.join(', ')})`,
      `    request: ${scanner.mask(bytes)}`,
      `    replay:  npm run fuzz -- --seed ${seed} --case ${index}`,
    );
  }
  if (failure.cases.length > 16) {
    lines.push(`  and ${failure.cases.length - 16} more cases in flight`);
  }
  return lines.join('\n');
}
