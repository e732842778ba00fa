// GCP (GKE) rules: project, region and zone, the subnet and its secondary ranges against the node
// counts they must hold, who may reach the control plane.

import { blockSize } from "../cidr";
import { GCP_MACHINE_TYPES, GCP_REGIONS, GKE_TEMPORARY_POOL, type GcpMachineType } from "../catalog";
import { SIZE_PRESETS } from "../presets";
import type { PlatformSettings } from "../settings";
import { oneOf } from "./fields";
import { checkCidrs, checkOpenToWorld, type EnvDefaults, type Report, type Typed } from "./common";

/** Extra nodes GKE adds per zone while upgrading the pool (components/gcp/nodes.ts upgradeSettings.maxSurge). */
export const GKE_MAX_SURGE_PER_ZONE = 1;

/** Nodes a pool can reach at once: its maximum plus one surge node per zone during an upgrade. */
export function peakNodes(maxNodes: number, zones: number): number {
  return maxNodes + GKE_MAX_SURGE_PER_ZONE * zones;
}

/**
 * Nodes a pods range can serve: GKE gives each node a /24 from it for the default 110 pods per node
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr), so a /21 holds 8.
 */
export function nodesInPodsRange(prefix: number): number {
  return prefix > 24 ? 0 : 2 ** (24 - prefix);
}

/** Node addresses in a subnet's primary range: GCP reserves 4 per subnet (https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet). */
export function nodesInSubnet(prefix: number): number {
  return Math.max(0, 2 ** (32 - prefix) - 4);
}

/** `warn` adds a warning (ConfigWarning) for a key: the stack still plans. */
export function checkGcp(v: Typed, report: Report, env: EnvDefaults, prod: boolean, warn: Report): PlatformSettings | undefined {
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
  const cidrs = checkCidrs(v, report, ["gcpSubnetCidr", "gcpPodsCidr", "gcpServicesCidr"], {
    gcpSubnetCidr: { min: 8, max: 26 },
    gcpPodsCidr: { min: 8, max: 21 },
    gcpServicesCidr: { min: 8, max: 24 },
  });
  const zones = env.regionalCluster ? 3 : 1;
  const peak = peakNodes(v.nodeMaxCount || SIZE_PRESETS[v.size].maxNodes, zones);
  const pods = cidrs.get("gcpPodsCidr");
  if (pods && nodesInPodsRange(pods.prefix) < peak) {
    report("gcpPodsCidr", `holds ${nodesInPodsRange(pods.prefix)} nodes (a /24 each) but the pool can reach ${peak} (maximum plus ${GKE_MAX_SURGE_PER_ZONE} upgrade surge node per zone): use a /${24 - Math.ceil(Math.log2(peak))} or larger`);
  }
  const subnet = cidrs.get("gcpSubnetCidr");
  if (subnet && nodesInSubnet(subnet.prefix) < peak) {
    report("gcpSubnetCidr", `has ${nodesInSubnet(subnet.prefix)} usable addresses (${blockSize(subnet)} less 4 reserved) but the pool can reach ${peak} nodes`);
  }
  const machineType = v.nodeInstanceTypes[0] || SIZE_PRESETS[v.size].gcp.machineTypes[0]!;
  if (machineType in GCP_MACHINE_TYPES) {
    const need = quotaNeeds(machineType as GcpMachineType, peak, v.nodeDiskSizeGb || SIZE_PRESETS[v.size].diskSizeGb, zones);
    warn(
      "nodeMaxCount",
      `at its peak (${peak} × ${machineType}: the maximum plus upgrade surge) the node pool needs ${need.pool.vcpus} vCPUs of ${v.gcpRegion || "the region"}'s CPUS quota and ${need.pool.ssdGb} GB of its SSD_TOTAL_GB quota (pd-balanced boot disks; volumes add to it); ` +
        `creating the cluster first runs a temporary default pool (${zones} × ${GKE_TEMPORARY_POOL.machineType}, ${need.temporary.vcpus} vCPUs and ${need.temporary.ssdGb} GB), removed before the node pool is made; so the stack needs ${need.vcpus} vCPUs and ${need.ssdGb} GB at most. ` +
        `New projects often have less, and GKE then stops scaling short of the maximum: compare with \`gcloud compute regions describe ${v.gcpRegion || "<region>"}\` and ask for more before you need it`,
    );
  }
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
    authorizedNetworks: v.gcpAuthorizedNetworks,
    deletionProtection: env.deletionProtection && !v.allowDestroy,
    secretsEncryption: env.gcpSecretsEncryption,
    dnsManagedZone: v.gcpDnsManagedZone === "" || v.domain === "" ? undefined : v.gcpDnsManagedZone,
  };
}

export interface QuotaUse {
  readonly vcpus: number;
  readonly ssdGb: number;
}

/** The most the stack uses at once (`vcpus`, `ssdGb`), and the two phases it is the larger of. */
export interface QuotaNeeds extends QuotaUse {
  readonly pool: QuotaUse;
  readonly temporary: QuotaUse;
}

/**
 * What the pool needs of the region's Compute Engine quotas at its peak (maximum plus surge):
 * `CPUS` (vCPUs; E2 counts there) and `SSD_TOTAL_GB`, which pd-balanced boot disks count against
 * (https://cloud.google.com/compute/resource-usage#disk_quota). New projects often have less
 * (https://cloud.google.com/compute/quotas-limits): GKE then stops scaling short of the maximum.
 */
export function quotaNeeds(machineType: GcpMachineType, peak: number, diskSizeGb: number, zones = 1): QuotaNeeds {
  const pool = { vcpus: GCP_MACHINE_TYPES[machineType].vcpu * peak, ssdGb: diskSizeGb * peak };
  // The cluster's temporary default pool (one node per zone) lives only while the cluster is
  // created: the provider removes it before the node pool (which depends on the cluster) exists.
  const temporary = { vcpus: GKE_TEMPORARY_POOL.vcpu * zones, ssdGb: GKE_TEMPORARY_POOL.diskSizeGb * zones };
  return { vcpus: Math.max(pool.vcpus, temporary.vcpus), ssdGb: Math.max(pool.ssdGb, temporary.ssdGb), pool, temporary };
}
