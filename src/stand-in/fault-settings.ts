import { isNonEmptyString, isObject, oneOf, Problems, type Json } from './config-checks.js';
import { StandInConfigError } from './config-types.js';
import {
  FAULT_ERROR_STATUSES,
  REQUEST_FAULT_KINDS,
  type FaultSettings,
  type RequestFault,
  type RequestFaultKind,
} from './fault-types.js';

/** Maximum latency of one fault, in ms; longer waits outlast every client timeout anyway. */
export const MAX_FAULT_LATENCY_MS = 10 * 60 * 1000;
/** Maximum `Retry-After` of a fault, in seconds (one day). */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

const SETTINGS_FIELDS = ['requests', 'stickyCookie', 'hangingRenders'];
const SCOPE_FIELDS = ['kind', 'method', 'path', 'times', 'when'];

/** Fields that each kind takes besides the scope fields. */
const KIND_FIELDS: Record<RequestFaultKind, readonly string[]> = {
  latency: ['ms'],
  error: ['status', 'retryAfterSeconds'],
  'rate-limit': ['retryAfterSeconds'],
  reset: [],
  drop: [],
};

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

function checkScope(raw: Json, path: string, problems: Problems): void {
  if (raw.method !== undefined && (typeof raw.method !== 'string' || !/^[A-Z]+$/.test(raw.method))) {
    problems.add(`${path}.method`, 'expected an upper-case HTTP method such as GET or POST');
  }
  if (raw.path !== undefined && (typeof raw.path !== 'string' || !raw.path.startsWith('/'))) {
    problems.add(`${path}.path`, 'expected a path pattern that starts with /');
  }
  if (raw.times !== undefined && !isIntegerIn(raw.times, 1, Number.MAX_SAFE_INTEGER)) {
    problems.add(`${path}.times`, 'expected a positive integer');
  }
  if (raw.when !== undefined && !oneOf(raw.when, ['before', 'after'])) {
    problems.add(`${path}.when`, 'expected before or after');
  }
  if (raw.kind === 'reset' && raw.when === 'before') {
    problems.add(`${path}.when`,
      'a reset always acts after the route answered; use kind drop to close the connection '
      + 'before the route runs');
  }
}

function checkKindFields(raw: Json, kind: RequestFaultKind, path: string, problems: Problems) {
  if (kind === 'latency' && !isIntegerIn(raw.ms, 0, MAX_FAULT_LATENCY_MS)) {
    problems.add(`${path}.ms`, `expected an integer from 0 to ${MAX_FAULT_LATENCY_MS}`);
  }
  if (kind === 'error' && !(FAULT_ERROR_STATUSES as readonly unknown[]).includes(raw.status)) {
    problems.add(`${path}.status`, `expected one of ${FAULT_ERROR_STATUSES.join(', ')}`);
  }
  const retryAfterRequired = kind === 'rate-limit';
  if ((retryAfterRequired || raw.retryAfterSeconds !== undefined)
    && !isIntegerIn(raw.retryAfterSeconds, 0, MAX_RETRY_AFTER_SECONDS)) {
    problems.add(`${path}.retryAfterSeconds`,
      `expected an integer from 0 to ${MAX_RETRY_AFTER_SECONDS}`);
  }
}

function parseRequestFault(raw: unknown, path: string, problems: Problems): RequestFault | null {
  if (!isObject(raw)) {
    problems.add(path, 'expected an object with a kind');
    return null;
  }
  if (!oneOf(raw.kind, REQUEST_FAULT_KINDS)) {
    problems.add(`${path}.kind`, `expected one of ${REQUEST_FAULT_KINDS.join(', ')}`);
    return null;
  }
  const before = problems.list.length;
  problems.rejectUnknownFields(raw, path, [...SCOPE_FIELDS, ...KIND_FIELDS[raw.kind]]);
  checkScope(raw, path, problems);
  checkKindFields(raw, raw.kind, path, problems);
  return problems.list.length === before ? { ...raw } as unknown as RequestFault : null;
}

function parseHangingRenders(raw: unknown, problems: Problems): string[] {
  if (!Array.isArray(raw) || !raw.every(isNonEmptyString)) {
    problems.add('hangingRenders', 'expected an array of content GUIDs');
    return [];
  }
  return [...raw];
}

/**
 * Validates fault settings from a faults file or a caller and returns a copy. Throws
 * StandInConfigError listing every problem; `source` names the input in its message.
 */
export function parseFaultSettings(json: unknown, source = 'stand-in faults'): FaultSettings {
  if (!isObject(json)) {
    throw new StandInConfigError(
      ['faults: expected a JSON object with requests, stickyCookie or hangingRenders'], source);
  }
  const problems = new Problems();
  problems.rejectUnknownFields(json, '', SETTINGS_FIELDS);
  const settings: FaultSettings = {};

  if (json.requests !== undefined) {
    if (Array.isArray(json.requests)) {
      const faults = json.requests.map((raw, index) =>
        parseRequestFault(raw, `requests[${index}]`, problems));
      settings.requests = faults.filter((fault): fault is RequestFault => fault !== null);
    } else {
      problems.add('requests', 'expected an array of request faults');
    }
  }
  if (json.stickyCookie !== undefined) {
    if (typeof json.stickyCookie === 'boolean') {
      settings.stickyCookie = json.stickyCookie;
    } else {
      problems.add('stickyCookie', 'expected true or false');
    }
  }
  if (json.hangingRenders !== undefined) {
    settings.hangingRenders = parseHangingRenders(json.hangingRenders, problems);
  }
  if (problems.list.length > 0) {
    throw new StandInConfigError(problems.list, source);
  }
  return settings;
}
