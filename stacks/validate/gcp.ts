// GCP (GKE) rules: project, region and zone, the subnet and its secondary ranges, who may reach
// the control plane.

import { GCP_REGIONS } from "../catalog";
import type { PlatformSettings } from "../settings";
import { oneOf } from "./fields";
import { checkCidrs, checkOpenToWorld, type EnvDefaults, type Report, type Typed } from "./common";

/** `warn` adds a warning (ConfigWarning) for a key: the stack still plans. */
export function checkGcp(v: Typed, report: Report, env: EnvDefaults, prod: boolean, _warn: Report): PlatformSettings | undefined {
  if (v.gcpProject === "") report("gcpProject", "is required when cloud is gcp: the project ID (not its name or number)");
  let zone = v.gcpZone;
  if (v.gcpRegion === "") {
    report("gcpRegion", `is required when cloud is gcp: ${oneOf(GCP_REGIONS)}`);
  } else if (!(GCP_REGIONS as readonly string[]).includes(v.gcpRegion)) {
    report("gcpRegion", oneOf(GCP_REGIONS));
  } else if (zone !== "" && !new RegExp(`^${v.gcpRegion}-[a-z]$`).test(zone)) {
    report("gcpZone", `must be a zone of ${v.gcpRegion}, such as ${v.gcpRegion}-b`);
  }
  if (zone === "") zone = `${v.gcpRegion}-b`;
  checkCidrs(v, report, ["gcpSubnetCidr", "gcpPodsCidr", "gcpServicesCidr", "gcpMasterCidr"], {
    gcpSubnetCidr: { min: 8, max: 26 },
    gcpPodsCidr: { min: 8, max: 21 },
    gcpServicesCidr: { min: 8, max: 24 },
    gcpMasterCidr: { min: 28, max: 28 },
  });
  checkOpenToWorld("gcpAuthorizedNetworks", v.gcpAuthorizedNetworks, prod, report);
  if (v.gcpProject === "" || !(GCP_REGIONS as readonly string[]).includes(v.gcpRegion)) return undefined;
  return {
    cloud: "gcp",
    project: v.gcpProject,
    region: v.gcpRegion,
    zone,
    regional: env.regionalCluster,
    subnetCidr: v.gcpSubnetCidr,
    podsCidr: v.gcpPodsCidr,
    servicesCidr: v.gcpServicesCidr,
    masterCidr: v.gcpMasterCidr,
    authorizedNetworks: v.gcpAuthorizedNetworks,
    deletionProtection: env.deletionProtection && !v.allowDestroy,
    secretsEncryption: env.gcpSecretsEncryption,
  };
}

