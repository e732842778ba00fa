// Subnet layouts derived from the configured CIDRs (pure: validation and the AWS platform share it).

import { carve, formatCidr, parseCidr } from "./cidr";

export interface AwsSubnetLayout {
  readonly privateCidrs: readonly string[];
  readonly publicCidrs: readonly string[];
  readonly privateMask: number;
  readonly publicMask: number;
}

/**
 * Private subnets (nodes and pods: the VPC CNI gives every pod a VPC address) take the first half
 * of the VPC, one equal slice per AZ, rounded to a power of two; public subnets (NAT gateways and
 * load balancers only) take a quarter of a private subnet's size each from the second half.
 * A private subnet must be at least a /24: about ten t3.medium nodes with their warm IP pools.
 */
export function awsSubnetLayout(vpcCidr: string, azCount: number): AwsSubnetLayout | { readonly problem: string } {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) return { problem: `${vpcCidr} is not an IPv4 CIDR` };
  const bits = Math.ceil(Math.log2(Math.max(azCount, 1)));
  const privateMask = vpc.prefix + bits + 1;
  const publicMask = privateMask + 2;
  if (privateMask > 24) {
    return { problem: `is too small for ${azCount} AZs: each private subnet would be a /${privateMask}; a /${24 - bits - 1} or larger gives every AZ at least a /24` };
  }
  const privates = carve(vpc, privateMask, azCount, 0);
  const publics = carve(vpc, publicMask, azCount, 2 ** bits * 4);
  if (!privates || !publics) return { problem: `cannot fit ${azCount} AZs` };
  return { privateCidrs: privates.map(formatCidr), publicCidrs: publics.map(formatCidr), privateMask, publicMask };
}
