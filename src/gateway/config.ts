import { readFile } from 'node:fs/promises';
import { GatewayConfigError } from './errors.js';

/** Reports the gateway may render, by the name the browser element uses. */
export interface GatewayConfig {
  reports: Record<string, ReportConfig>;
}

/** One report the gateway may render. */
export interface ReportConfig {
  /** GUID of the content item on Connect. */
  guid: string;
  /** Whether render progress shows the render's log lines (`full`) or none of them. */
  log: 'none' | 'full';
}

/** Report names are safe in a URL path segment and in an HTML attribute without escaping. */
export const REPORT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_MODES: readonly string[] = ['none', 'full'];
const CONFIG_FIELDS: readonly string[] = ['reports'];
const REPORT_FIELDS: readonly string[] = ['guid', 'log'];

/**
 * Validates a parsed config file and returns the gateway config, with `log` defaulted to
 * `none` and GUIDs in lower case. Throws a GatewayConfigError that lists every problem.
 */
export function parseGatewayConfig(json: unknown): GatewayConfig {
  const problems: string[] = [];
  const reports: Record<string, ReportConfig> = {};

  if (!isPlainObject(json)) {
    problems.push(
      `(top level): expected an object such as {"reports": {...}}, got ${describe(json)}`,
    );
    throw configError(problems);
  }
  problems.push(...unknownFields(json, CONFIG_FIELDS, ''));

  const reportsValue = json.reports;
  if (reportsValue === undefined) {
    problems.push('reports: missing; add an object that maps report names to {"guid": "..."}');
  } else if (!isPlainObject(reportsValue)) {
    problems.push(`reports: expected an object of report names, got ${describe(reportsValue)}`);
  } else if (Object.keys(reportsValue).length === 0) {
    problems.push('reports: empty; configure at least one report');
  } else {
    for (const [name, value] of Object.entries(reportsValue)) {
      const report = parseReport(name, value, problems);
      if (report !== undefined) {
        reports[name] = report;
      }
    }
  }

  if (problems.length > 0) {
    throw configError(problems);
  }
  return { reports };
}

/** Reads and validates a JSON config file. */
export async function loadGatewayConfig(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'the file does not exist'
      : String((error as Error).message);
    throw new GatewayConfigError(`Cannot read gateway config ${path}: ${reason}.`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GatewayConfigError(
      `Gateway config ${path} is not valid JSON: ${(error as Error).message}.`,
    );
  }

  try {
    return parseGatewayConfig(json);
  } catch (error) {
    if (error instanceof GatewayConfigError) {
      throw new GatewayConfigError(`Gateway config ${path} is invalid:`, error.problems);
    }
    throw error;
  }
}

function parseReport(name: string, value: unknown, problems: string[]): ReportConfig | undefined {
  const path = `reports${propertyPath(name)}`;
  const before = problems.length;

  if (!REPORT_NAME_PATTERN.test(name)) {
    problems.push(
      `${path}: invalid report name; use 1 to 64 letters, digits, "_" or "-", ` +
        'starting with a letter or digit',
    );
  }
  if (!isPlainObject(value)) {
    problems.push(`${path}: expected an object such as {"guid": "..."}, got ${describe(value)}`);
    return undefined;
  }
  problems.push(...unknownFields(value, REPORT_FIELDS, path));

  const guid = value.guid;
  if (guid === undefined) {
    problems.push(`${path}.guid: missing; set it to the content GUID shown in Connect`);
  } else if (typeof guid !== 'string' || !GUID_PATTERN.test(guid)) {
    problems.push(
      `${path}.guid: expected a Connect content GUID such as ` +
        `"6a3b4c5d-0000-4000-8000-00000000beef", got ${describe(guid)}`,
    );
  }

  const log = value.log ?? 'none';
  if (typeof log !== 'string' || !LOG_MODES.includes(log)) {
    problems.push(`${path}.log: expected "none" or "full", got ${describe(value.log)}`);
  }

  if (problems.length > before) {
    return undefined;
  }
  return { guid: (guid as string).toLowerCase(), log: log as ReportConfig['log'] };
}

function unknownFields(object: Record<string, unknown>, known: readonly string[], path: string) {
  return Object.keys(object)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const fieldPath = path === '' ? key : `${path}${propertyPath(key)}`;
      return `${fieldPath}: unknown field; allowed fields are ${known.join(', ')}`;
    });
}

function configError(problems: string[]): GatewayConfigError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new GatewayConfigError(`Invalid gateway config (${count}):`, problems);
}

function propertyPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Describes a config value briefly for an error message. */
function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    const excerpt = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return JSON.stringify(excerpt);
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return String(value);
}
