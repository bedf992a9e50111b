import { parseFaultSettings, StandInConfigError, type FaultSettings } from '../stand-in/index.js';
import { UsageError } from './options.js';

/** Fields of a `--fault` value whose text is a number in the faults file. */
const NUMBER_FIELDS = new Set(['status', 'ms', 'retryAfterSeconds', 'times']);

/**
 * Parses one `--fault` value, a comma-separated list of `field=value` pairs with the field
 * names of the faults file, such as `kind=error,status=503,path=/__api__/v1/tasks/*,times=2`.
 * The result is checked later, with the other faults.
 */
function parseFaultSpec(spec: string, index: number): Record<string, unknown> {
  const fault: Record<string, unknown> = {};
  for (const pair of spec.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`Invalid --fault "${spec}" (fault ${index + 1}): expected `
        + 'field=value pairs separated by commas, such as kind=error,status=503.');
    }
    const field = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    fault[field] = NUMBER_FIELDS.has(field) && /^\d+$/.test(value) ? Number(value) : value;
  }
  return fault;
}

/** Flag values of `connect-refresh stand-in` that set faults. */
export interface FaultFlags {
  fault?: string[];
  'sticky-cookie'?: boolean;
  hang?: string[];
}

/**
 * Builds the stand-in's first fault settings from `--fault`, `--sticky-cookie` and `--hang`.
 * Throws UsageError listing every problem. Its messages name the request faults
 * `requests[i]`, in the order of the `--fault` options.
 */
export function faultSettingsFromFlags(flags: FaultFlags): FaultSettings {
  const raw = {
    requests: (flags.fault ?? []).map(parseFaultSpec),
    stickyCookie: flags['sticky-cookie'] ?? false,
    hangingRenders: flags.hang ?? [],
  };
  try {
    return parseFaultSettings(raw, '--fault options');
  } catch (error) {
    if (error instanceof StandInConfigError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/** Returns true when any flag that sets a fault was given. */
export function hasFaultFlags(flags: FaultFlags): boolean {
  return (flags.fault?.length ?? 0) > 0 || flags['sticky-cookie'] === true
    || (flags.hang?.length ?? 0) > 0;
}
