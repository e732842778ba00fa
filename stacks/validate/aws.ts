// AWS (EKS) rules: region and AZs, the VPC layout, who may reach the API endpoint.

import { AWS_REGIONS } from "../catalog";
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
    const foreign = v.awsAvailabilityZones.filter((z) => !new RegExp(`^${v.awsRegion}[a-z]$`).test(z));
    if (foreign.length > 0) report("awsAvailabilityZones", `${foreign.join(", ")} not in ${v.awsRegion}: use ${v.awsRegion}a, ${v.awsRegion}b, ...`);
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
  if (v.awsRegion === "" || !(AWS_REGIONS as readonly string[]).includes(v.awsRegion)) return undefined;
  return {
    cloud: "aws",
    region: v.awsRegion,
    availabilityZones: azs,
    availabilityZoneCount: azCount,
    vpcCidr: v.awsVpcCidr,
    natGateways: env.natGateways,
    adminPrincipals: v.awsAdminPrincipals,
    publicAccessCidrs: v.awsPublicAccessCidrs,
    deletionProtection: env.deletionProtection && !v.allowDestroy,
    controlPlaneLogs: env.controlPlaneLogs,
  };
}

