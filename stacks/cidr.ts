// IPv4 CIDR arithmetic for validation and subnet planning. Format checking is zod's (z.cidrv4);
// this only does the math zod does not: alignment, size, overlap and splitting.

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base, prefix };
}

export function blockSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when no host bits are set (10.0.0.0/16, not 10.0.1.0/16). */
export function isAligned(c: Cidr): boolean {
  return c.base % blockSize(c) === 0;
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
  return `${o.join(".")}/${c.prefix}`;
}

/** The aligned network that contains the address: 10.0.1.0/16 -> 10.0.0.0/16. */
export function networkOf(c: Cidr): Cidr {
  return { base: c.base - (c.base % blockSize(c)), prefix: c.prefix };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + blockSize(a);
  const bEnd = b.base + blockSize(b);
  return a.base < bEnd && b.base < aEnd;
}

/** `count` consecutive subnets of `/newPrefix` carved from the start of `c`, or undefined if they don't fit. */
export function carve(c: Cidr, newPrefix: number, count: number, offset = 0): Cidr[] | undefined {
  if (newPrefix < c.prefix || newPrefix > 32) return undefined;
  const size = 2 ** (32 - newPrefix);
  if ((offset + count) * size > blockSize(c)) return undefined;
  return Array.from({ length: count }, (_, i) => ({ base: c.base + (offset + i) * size, prefix: newPrefix }));
}
