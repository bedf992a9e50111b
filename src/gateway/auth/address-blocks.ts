import { BlockList, isIP } from 'node:net';

/** An IP address or CIDR block, parsed from text such as `10.0.0.0/8` or `::1`. */
export interface AddressBlock {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses an IP address or CIDR block, or returns undefined when the text is neither. */
export function parseAddressBlock(text: string): AddressBlock | undefined {
  const parts = text.split('/');
  if (parts.length > 2) {
    return undefined;
  }
  const [address = '', prefixText] = parts;
  const version = isIP(address);
  if (version === 0) {
    return undefined;
  }
  const maxPrefix = version === 4 ? 32 : 128;
  if (prefixText === undefined) {
    return { address, prefix: maxPrefix, family: version === 4 ? 'ipv4' : 'ipv6' };
  }
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return undefined;
  }
  return { address, prefix: Number(prefixText), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Returns the address a socket reports in its plain form: an IPv4-mapped IPv6 address such
 * as `::ffff:10.1.2.3` becomes `10.1.2.3`, so IPv4 blocks match it.
 */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** Returns true for an address of the loopback interface, or the name `localhost`. */
export function isLoopbackAddress(host: string): boolean {
  const address = normalizeAddress(host.replace(/^\[(.*)\]$/, '$1'));
  if (address.toLowerCase() === 'localhost') {
    return true;
  }
  if (isIP(address) === 4) {
    return address.startsWith('127.');
  }
  return isIP(address) === 6 && LOOPBACK_V6.check(address, 'ipv6');
}

const LOOPBACK_V6 = new BlockList();
LOOPBACK_V6.addAddress('::1', 'ipv6');

/** A set of address blocks, for checking whether a client address is in one of them. */
export class AddressSet {
  private readonly blocks = new BlockList();

  /** Throws when a text is not an address or block; validate the config first. */
  constructor(texts: readonly string[]) {
    for (const text of texts) {
      const block = parseAddressBlock(text);
      if (block === undefined) {
        throw new Error(`"${text}" is not an IP address or CIDR block.`);
      }
      this.blocks.addSubnet(block.address, block.prefix, block.family);
    }
  }

  has(address: string | undefined): boolean {
    if (address === undefined) {
      return false;
    }
    const plain = normalizeAddress(address);
    const version = isIP(plain);
    if (version === 0) {
      return false;
    }
    if (this.blocks.check(plain, version === 4 ? 'ipv4' : 'ipv6')) {
      return true;
    }
    // A block written in the mapped form, such as ::ffff:10.0.0.0/104, matches the raw address.
    return plain !== address && this.blocks.check(address, 'ipv6');
  }
}
