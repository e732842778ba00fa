// AWS (EKS) rules: region and AZs, the VPC layout, who may reach the API endpoint.

import { AWS_REGIONS, AWS_ZONE_ID_PREFIX, EKS_UNSUPPORTED_ZONE_IDS } from "../catalog";
import { awsSubnetLayout } from "../network";
import type { PlatformSettings } from "../settings";
import type { ConfigKey } from "../schema";
import { oneOf } from "./fields";
import { checkCidrs, checkOpenToWorld, type EnvDefaults, type Report, type Typed } from "./common";

/** `warn` adds a warning (ConfigWarning) for a key: the stack still plans. */
export function checkAws(v: Typed, report: Report, bad: ReadonlySet<ConfigKey>, env: EnvDefaults, prod: boolean, _warn: Report): PlatformSettings | undefined {
  if (v.awsRegion === "") {
    report("awsRegion", `is required when cloud is aws: ${oneOf(AWS_REGIONS)}`);
  } else if (!(AWS_REGIONS as readonly string[]).includes(v.awsRegion)) {
    report("awsRegion", oneOf(AWS_REGIONS));
  } else {
    checkZones(v.awsAvailabilityZones, v.awsRegion as (typeof AWS_REGIONS)[number], report);
  }
  const azs = v.awsAvailabilityZones;
  if (new Set(azs).size !== azs.length) report("awsAvailabilityZones", "lists an AZ twice");
  if (azs.length === 1 || azs.length > 6) report("awsAvailabilityZones", "must list 2 to 6 AZs (EKS needs subnets in at least two)");
  const azCount = azs.length || env.availabilityZoneCount;
  const cidrs = checkCidrs(v, report, ["awsVpcCidr"], { awsVpcCidr: { min: 16, max: 24 } });
  if (cidrs.has("awsVpcCidr") && !bad.has("awsAvailabilityZones")) {
    const layout = awsSubnetLayout(v.awsVpcCidr, azCount);
    if ("problem" in layout) report("awsVpcCidr", layout.problem);
  }
  checkOpenToWorld("awsPublicAccessCidrs", v.awsPublicAccessCidrs, prod, report);
  checkAccessEntryPrincipals(v, report);
  if (v.awsRegion === "" || !(AWS_REGIONS as readonly string[]).includes(v.awsRegion)) return undefined;
  return {
    cloud: "aws",
    region: v.awsRegion,
    availabilityZones: azs,
    availabilityZoneCount: azCount,
    vpcCidr: v.awsVpcCidr,
    natGateways: env.natGateways,
    nodeGroupPerAz: env.nodeGroupPerAz,
    // allowDestroy lifts protection only: logs and the key's deletion window follow the environment.
    logRetentionDays: env.deletionProtection ? 90 : 7,
    keyDeletionWindowDays: env.deletionProtection ? 30 : 7,
    adminPrincipals: v.awsAdminPrincipals,
    viewPrincipals: v.awsViewPrincipals,
    publicAccessCidrs: v.awsPublicAccessCidrs,
    deletionProtection: env.deletionProtection && !v.allowDestroy,
    controlPlaneLogs: env.controlPlaneLogs,
  };
}


/**
 * EKS allows one access entry per principal: a second one for the same ARN fails the update with
 * `409 ResourceInUseException` (CreateAccessEntry, EKS API reference). So a principal is listed once,
 * as admin or as viewer.
 */
function checkAccessEntryPrincipals(v: Typed, report: Report): void {
  for (const key of ["awsAdminPrincipals", "awsViewPrincipals"] as const) {
    const twice = v[key].filter((p, i) => v[key].indexOf(p) !== i);
    if (twice.length > 0) report(key, `lists ${[...new Set(twice)].join(", ")} twice: EKS allows one access entry per principal`);
  }
  const both = v.awsViewPrincipals.filter((p) => v.awsAdminPrincipals.includes(p));
  if (both.length > 0) report("awsViewPrincipals", `${both.join(", ")} is also in awsAdminPrincipals: EKS allows one access entry per principal (409 ResourceInUseException); list it in one of them`);
}

/**
 * Pinned AZs: names (us-east-1a) or IDs (use1-az1) of the stack's region, not mixed, and no zone ID
 * EKS rejects (UnsupportedAvailabilityZoneException; EKS user guide, subnet requirements). Only IDs
 * can be checked here: which physical zone a name is differs per account, so a pinned name is
 * checked at preview time against the account's own mapping (components/aws/zones.ts).
 */
export function checkZones(zones: readonly string[], region: (typeof AWS_REGIONS)[number], report: Report): void {
  const prefix = AWS_ZONE_ID_PREFIX[region];
  const isName = (z: string) => new RegExp(`^${region}[a-z]$`).test(z);
  const isId = (z: string) => new RegExp(`^${prefix}-az\\d+$`).test(z);
  const foreign = zones.filter((z) => !isName(z) && !isId(z));
  if (foreign.length > 0) report("awsAvailabilityZones", `${foreign.join(", ")} not in ${region}: use names ${region}a, ${region}b, ... or IDs ${prefix}-az1, ${prefix}-az2, ...`);
  else if (zones.some(isName) && zones.some(isId)) report("awsAvailabilityZones", "mixes AZ names and AZ IDs: use one kind");
  const unsupported = zones.filter((z) => (EKS_UNSUPPORTED_ZONE_IDS as readonly string[]).includes(z));
  if (unsupported.length > 0) {
    report("awsAvailabilityZones", `${unsupported.join(", ")}: EKS does not accept subnets in this zone (UnsupportedAvailabilityZoneException; EKS user guide, subnet requirements): pick other zone IDs`);
  }
}
