import { createHash, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Returns a random string of letters and digits, the form of Connect's task ids and keys. */
export function randomAlphanumeric(length: number): string {
  let id = '';
  for (let index = 0; index < length; index += 1) {
    id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return id;
}

/** Derives a stable UUID-shaped guid from a name, so guids survive a stand-in restart. */
export function stableGuid(namespace: string, name: string): string {
  const hex = createHash('sha256').update(`${namespace}:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
