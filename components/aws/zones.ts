// Availability Zones by ID. AZ names (us-east-1a) are shuffled per account; IDs (use1-az1) name
// the same physical zone everywhere, and EKS's list of zones it does not support is by ID. The
// account's name→ID mapping exists only at deploy time (ec2:DescribeAvailabilityZones), so it is
// read through aws.getAvailabilityZones and the subnets are placed by ID.

import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../../stacks/catalog";

/** What ec2:DescribeAvailabilityZones reports for the region (names[i] is zoneIds[i] in this account). */
export interface RegionZones {
  readonly names: readonly string[];
  readonly zoneIds: readonly string[];
}

/**
 * The zone IDs to build subnets in: the pinned ones (names or IDs) after checking each exists and
 * EKS supports it, or else the region's first `count` supported zones in ID order (stable across
 * accounts). A problem names the config key, the value and what is allowed.
 */
export function pickZones(region: RegionZones, pinned: readonly string[], count: number): { zoneIds: string[] } | { problem: string } {
  const unsupported = new Set<string>(EKS_UNSUPPORTED_ZONE_IDS);
  const idOf = new Map(region.names.map((n, i) => [n, region.zoneIds[i]!]));
  // Numeric order of the zone number (use1-az2 before use1-az10), so the choice never depends on
  // text order; and from every zone, not only those reported "available" right now: an impaired
  // zone must not shift the choice (a changed zone replaces its subnet with the same CIDR).
  const supported = [...region.zoneIds].filter((id) => !unsupported.has(id)).sort(byZoneNumber);
  if (pinned.length === 0) {
    if (supported.length < count) return { problem: `the region has ${supported.length} zones EKS supports (${supported.join(", ")}), fewer than the ${count} this environment uses: pin voting-platform:awsAvailabilityZones` };
    return { zoneIds: supported.slice(0, count) };
  }
  const ids = pinned.map((z) => (idOf.has(z) ? idOf.get(z)! : z));
  const unknown = pinned.filter((_, i) => !region.zoneIds.includes(ids[i]!));
  if (unknown.length) return { problem: `voting-platform:awsAvailabilityZones: ${unknown.join(", ")} not available in this account (available: ${region.names.map((n, i) => `${n}=${region.zoneIds[i]}`).join(", ")})` };
  const rejected = pinned.filter((_, i) => unsupported.has(ids[i]!));
  if (rejected.length) {
    return {
      problem: `voting-platform:awsAvailabilityZones: ${rejected.map((z) => `${z} (${idOf.get(z) ?? z})`).join(", ")} is a zone EKS does not support in this account ` +
        `(UnsupportedAvailabilityZoneException): pick from ${supported.join(", ")}`,
    };
  }
  return { zoneIds: ids };
}

/** The account's zones for the provider's region, whatever their current state (not Local or Wavelength zones). */
export function regionZones(opts: pulumi.InvokeOutputOptions): pulumi.Output<RegionZones> {
  return aws.getAvailabilityZonesOutput({ filters: [{ name: "zone-type", values: ["availability-zone"] }] }, opts);
}

/** Orders zone IDs by their prefix, then their zone number as a number. */
export function byZoneNumber(a: string, b: string): number {
  const [pa, na] = splitZoneId(a);
  const [pb, nb] = splitZoneId(b);
  return pa === pb ? na - nb : pa < pb ? -1 : 1;
}

function splitZoneId(id: string): [string, number] {
  const m = /^(.*-az)(\d+)$/.exec(id);
  return m ? [m[1]!, Number(m[2])] : [id, 0];
}
