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

const IPV4_SPACE = 2 ** 32;

/**
 * The share (0..1) of the IPv4 address space the ranges cover together, overlaps counted once:
 * `0.0.0.0/1` + `128.0.0.0/1` cover 1, exactly like `0.0.0.0/0`.
 */
export function addressShare(cidrs: readonly Cidr[]): number {
  const spans = cidrs.map((c) => networkOf(c)).map((c) => [c.base, c.base + blockSize(c)] as const).sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let end = -1;
  for (const [start, stop] of spans) {
    if (stop <= end) continue;
    covered += stop - Math.max(start, end);
    end = stop;
  }
  return covered / IPV4_SPACE;
}

/** Limits on who may reach an endpoint, judged on coverage, not on spelling. */
export interface ExposureLimits {
  /** No single range shorter than this prefix. @default 8 */
  readonly minPrefix: number;
  /** The ranges together cover at most this share of the IPv4 space. @default 0.5 */
  readonly maxShare: number;
}

export const DEFAULT_EXPOSURE_LIMITS: ExposureLimits = { minPrefix: 8, maxShare: 0.5 };

/**
 * Why a set of CIDRs admits too much of the internet, or [] when it does not. An IPv6 range is
 * judged by its prefix only (`::/0` is the world).
 */
export function exposureProblems(cidrs: readonly string[], limits: ExposureLimits = DEFAULT_EXPOSURE_LIMITS): string[] {
  const problems: string[] = [];
  const v4: Cidr[] = [];
  for (const text of cidrs) {
    const c = parseCidr(text);
    const prefix = c?.prefix ?? (/^[0-9a-f:]+\/(\d{1,3})$/i.exec(text) ? Number(text.split("/")[1]) : undefined);
    if (prefix !== undefined && prefix < limits.minPrefix) problems.push(`${text} is wider than a /${limits.minPrefix}`);
    if (c) v4.push(c);
  }
  const share = addressShare(v4);
  if (share >= 1) problems.push(`together the ranges cover the whole IPv4 internet (${cidrs.join(", ")}), the same as 0.0.0.0/0`);
  else if (share > limits.maxShare) problems.push(`together the ranges cover ${(share * 100).toFixed(1)}% of the IPv4 internet (at most ${(limits.maxShare * 100).toFixed(1)}% allowed)`);
  return problems;
}
