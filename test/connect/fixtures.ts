/** Recorded Connect responses, read from the fixtures folder beside the repository. */
import { readdirSync, readFileSync } from 'node:fs';

export const FIXTURES_DIR = new URL('../../../shared/connect-fixtures/', import.meta.url);

/** Names of every `.json` file in the fixtures folder, sorted. */
export function listFixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** Parses one fixture file. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES_DIR), 'utf8')) as unknown;
}
