/** Helpers that validate config JSON and collect every problem with its path. */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Collects every problem found, so one run reports all of them. */
export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }

  rejectUnknownFields(object: Json, path: string, allowed: readonly string[]): void {
    for (const field of Object.keys(object)) {
      if (!allowed.includes(field)) {
        const fieldPath = path === '' ? field : `${path}.${field}`;
        this.add(fieldPath, `unknown field; expected one of ${allowed.join(', ')}`);
      }
    }
  }
}
