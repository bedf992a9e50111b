import { ConnectResponseError } from './errors.js';

/** RFC 3339 date-time as Connect sends it, e.g. `2024-07-17T18:33:49.284709Z`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Names the JSON type of a value for error messages, without showing the value itself. */
function describeType(value: unknown): string {
  if (value === undefined) {
    return 'missing';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Raises the error that every decoder raises for a field in the wrong form. */
export function invalidField(
  subject: string,
  field: string | null,
  expected: string,
  value: unknown,
): never {
  const where = field === null ? 'the body' : `field "${field}"`;
  throw new ConnectResponseError(
    `Invalid Connect ${subject}: ${where} must be ${expected}, but it is ${describeType(value)}.`,
    { field },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that `json` is an array and returns it. */
export function expectArray(json: unknown, subject: string): unknown[] {
  if (!Array.isArray(json)) {
    invalidField(subject, null, 'an array', json);
  }
  return json;
}

/**
 * Typed access to the fields of one JSON object. Field names in errors carry `prefix`, so an
 * error inside a list names the entry (`[3].status`). Fields that no reader asks for are
 * ignored, which lets newer Connect versions add fields.
 */
export class FieldReader {
  private readonly object: Record<string, unknown>;

  constructor(
    private readonly subject: string,
    json: unknown,
    private readonly prefix = '',
  ) {
    if (!isPlainObject(json)) {
      const field = prefix === '' ? null : prefix.replace(/\.$/, '');
      invalidField(subject, field, 'an object', json);
    }
    this.object = json;
  }

  /** Raises a ConnectResponseError for `field`. */
  fail(field: string, expected: string): never {
    return invalidField(this.subject, this.prefix + field, expected, this.object[field]);
  }

  has(field: string): boolean {
    return this.object[field] !== undefined;
  }

  raw(field: string): unknown {
    return this.object[field];
  }

  string(field: string): string {
    const value = this.object[field];
    return typeof value === 'string' ? value : this.fail(field, 'a string');
  }

  /** Reads a string, or null when the field is null or missing. */
  optionalString(field: string): string | null {
    return this.isAbsent(field) ? null : this.string(field);
  }

  boolean(field: string): boolean {
    const value = this.object[field];
    return typeof value === 'boolean' ? value : this.fail(field, 'a boolean');
  }

  integer(field: string): number {
    const value = this.object[field];
    return Number.isSafeInteger(value) ? (value as number) : this.fail(field, 'an integer');
  }

  /** Reads an integer, or null when the field is null or missing. */
  optionalInteger(field: string): number | null {
    return this.isAbsent(field) ? null : this.integer(field);
  }

  /** Reads an id as a string. v1 routes send ids as strings and legacy routes as integers. */
  id(field: string): string {
    const value = this.object[field];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
    if (Number.isSafeInteger(value)) {
      return String(value);
    }
    return this.fail(field, 'a non-empty string or an integer id');
  }

  /** Reads an id, or null when the field is null or missing. */
  optionalId(field: string): string | null {
    return this.isAbsent(field) ? null : this.id(field);
  }

  /** Reads an RFC 3339 timestamp as Connect sent it, or null when it is null or missing. */
  optionalTimestamp(field: string): string | null {
    if (this.isAbsent(field)) {
      return null;
    }
    const value = this.object[field];
    if (typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value))) {
      return value;
    }
    return this.fail(field, 'an RFC 3339 timestamp or null');
  }

  /** Reads an array of strings. */
  strings(field: string): string[] {
    const value = this.object[field];
    if (!Array.isArray(value)) {
      return this.fail(field, 'an array of strings');
    }
    value.forEach((item, index) => {
      if (typeof item !== 'string') {
        invalidField(this.subject, `${this.prefix}${field}[${index}]`, 'a string', item);
      }
    });
    return value as string[];
  }

  private isAbsent(field: string): boolean {
    const value = this.object[field];
    return value === undefined || value === null;
  }
}
