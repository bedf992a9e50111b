import { randomBytes } from 'node:crypto';

const HANDLE_BYTES = 24;
/** 24 bytes in unpadded base64url are exactly 32 characters. */
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** Creates an opaque, unguessable render handle that reveals nothing about the Connect task. */
export function createHandle(): string {
  return randomBytes(HANDLE_BYTES).toString('base64url');
}

export function isWellFormedHandle(value: string): boolean {
  return HANDLE_PATTERN.test(value);
}
