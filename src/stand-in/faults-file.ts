import { resolve } from 'node:path';
import { readJsonFile } from './config-file.js';
import { parseFaultSettings } from './fault-settings.js';
import type { FaultSettings } from './fault-types.js';

/**
 * Reads and validates a faults file: JSON in the shape of FaultSettings. Throws
 * StandInConfigError when the file is unreadable, is not JSON, or is invalid.
 */
export async function loadFaultSettings(path: string): Promise<FaultSettings> {
  const source = `stand-in faults file ${resolve(path)}`;
  return parseFaultSettings(await readJsonFile(resolve(path), source, 'faults'), source);
}
