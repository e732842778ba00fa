// Itemised monthly cost estimate from a plan's resources (pure). Works on what the offline plan
// records and on what the policy analyzer sees in a real preview: where a component and its
// provider-level children both appear (eks:index:Cluster and aws:eks/cluster:Cluster...), the
// children are counted and the component is not (a real run gives the component empty props or
// outputs; the offline plan has no children).

import { arr, dig, obj } from "../lib/json";
import { runsPerDay } from "../stacks/cron";
import { AWS_INSTANCE_TYPES, CATALOG_DATE, CATALOG_REGIONS, GCP_MACHINE_TYPES, PRICES, type MachineType } from "../stacks/catalog";

export interface CostResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly monthly: number;
  /** Load balancers are listed but kept apart, like traffic: they depend on what is exposed. */
  readonly category: "compute" | "control-plane" | "network" | "storage" | "security" | "load-balancer" | "credit";
}

export interface CostEstimate {
  readonly currency: "USD";
  readonly monthly: number;
  readonly monthlyBeforeLoadBalancers: number;
  readonly lines: readonly CostLine[];
  readonly basis: string;
  readonly notes: readonly string[];
}

const H = PRICES.hoursPerMonth;
const round = (n: number) => Math.round(n * 100) / 100;
/** "20Gi" / "20G" / "20" -> GB (binary and decimal treated alike for pricing, as the clouds bill per GiB). */
function gb(size: unknown): number {
  const m = /^(\d+(?:\.\d+)?)\s*(Gi|G|Ti|T|Mi|M)?$/.exec(String(size ?? ""));
  if (!m) return 0;
  const n = Number(m[1]);
  switch (m[2]) {
    case "Ti":
    case "T":
      return n * 1024;
    case "Mi":
    case "M":
      return n / 1024;
    default:
      return n;
  }
}

function parseJsonish(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export function estimateCost(resources: readonly CostResource[]): CostEstimate {
  const lines: CostLine[] = [];
  const notes: string[] = [];
  const of = (type: string) => resources.filter((r) => r.type === type);
  const add = (line: Omit<CostLine, "monthly"> & { monthly: number }) => lines.push({ ...line, monthly: round(line.monthly) });

  const isAws = resources.some((r) => r.type.startsWith("aws:") || r.type.startsWith("eks:") || r.type.startsWith("awsx:"));
  const isGcp = resources.some((r) => r.type.startsWith("gcp:"));
  let nodes = 0;

  // --- AWS
  // The provider resources count where present (a real run), the remote components otherwise (the
  // offline plan). In a real run the budget policy gets OUTPUTS: eks:index:Cluster's lack
  // upgradePolicy, ManagedNodeGroup's are only { nodeGroup, placementGroupName }, awsx:ec2:Vpc's
  // lack the NAT strategy; their provider children carry the real values.
  const eksClusters = of("aws:eks/cluster:Cluster").length ? of("aws:eks/cluster:Cluster") : of("eks:index:Cluster");
  for (const c of eksClusters) {
    const support = obj(c.inputs["upgradePolicy"])["supportType"];
    add({ item: `EKS control plane (${support === "STANDARD" ? "standard support" : "support type unset: EXTENDED bills $0.60/h once the version ages"})`, quantity: 1, unit: "cluster", monthly: PRICES.eksControlPlaneHourly * H, category: "control-plane" });
  }
  const vpcs = of("aws:ec2/natGateway:NatGateway").length ? [] : of("awsx:ec2:Vpc");
  if (vpcs.length) {
    for (const v of vpcs) {
      const strategy = obj(v.inputs["natGateways"])["strategy"] ?? "OnePerAz";
      const azs = arr(v.inputs["availabilityZoneNames"]).length || Number(v.inputs["numberOfAvailabilityZones"] ?? 3);
      const count = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
      if (count) add({ item: `NAT gateway + Elastic IP (${String(strategy)})`, quantity: count, unit: "gateway", monthly: count * (PRICES.natGatewayHourly + PRICES.elasticIpHourly) * H, category: "network" });
    }
  } else {
    const nats = of("aws:ec2/natGateway:NatGateway").length;
    if (nats) add({ item: "NAT gateway + Elastic IP", quantity: nats, unit: "gateway", monthly: nats * (PRICES.natGatewayHourly + PRICES.elasticIpHourly) * H, category: "network" });
  }
  const launchTemplates = of("aws:ec2/launchTemplate:LaunchTemplate");
  const rootGb = launchTemplates.length
    ? Number(dig(arr(launchTemplates[0]!.inputs["blockDeviceMappings"])[0], "ebs", "volumeSize") ?? 20)
    : 20;
  const groups = of("aws:eks/nodeGroup:NodeGroup").length ? of("aws:eks/nodeGroup:NodeGroup") : of("eks:index:ManagedNodeGroup");
  // One line per instance type and capacity type: per-AZ groups of the same shape add up.
  const nodeLines = new Map<string, { type: string; spot: boolean; count: number }>();
  for (const g of groups) {
    const type = String(arr(g.inputs["instanceTypes"])[0] ?? "t3.medium");
    const count = Number(obj(g.inputs["scalingConfig"])["minSize"] ?? obj(g.inputs["scalingConfig"])["desiredSize"] ?? 1);
    const spot = g.inputs["capacityType"] === "SPOT";
    const key = `${type}/${spot}`;
    nodeLines.set(key, { type, spot, count: (nodeLines.get(key)?.count ?? 0) + count });
  }
  for (const { type, spot, count } of nodeLines.values()) {
    const shape: MachineType | undefined = (AWS_INSTANCE_TYPES as Record<string, MachineType>)[type];
    nodes += count;
    if (!shape) notes.push(`No price for instance type ${type}.`);
    const hourly = (shape?.hourlyUsd ?? 0) * (spot ? 1 - PRICES.awsSpotDiscount : 1);
    const where = groups.length > 1 ? ` in ${groups.length} node groups` : "";
    add({ item: `${type} nodes, ${spot ? `spot (~${PRICES.awsSpotDiscount * 100}% off on-demand)` : "on-demand"}, at the minimum count${where}`, quantity: count, unit: "node", monthly: count * hourly * H, category: "compute" });
    add({ item: `gp3 node root volumes (${rootGb} GB each)`, quantity: count * rootGb, unit: "GB", monthly: count * rootGb * PRICES.gp3PerGbMonth, category: "storage" });
  }
  const kmsKeys = of("aws:kms/key:Key").length;
  if (kmsKeys) add({ item: "KMS customer-managed key", quantity: kmsKeys, unit: "key", monthly: kmsKeys * PRICES.awsKmsKeyMonthly, category: "security" });

  // --- GCP
  for (const c of of("gcp:container/cluster:Cluster")) {
    const location = String(c.inputs["location"] ?? "");
    const zonal = /-[a-z]$/.test(location);
    const fee = PRICES.gkeClusterFeeHourly * H;
    add({ item: `GKE cluster management fee (${zonal ? "zonal" : "regional"})`, quantity: 1, unit: "cluster", monthly: fee, category: "control-plane" });
    if (zonal) add({ item: "GKE free tier: one zonal cluster per billing account ($74.40 credit, up to the fee)", quantity: 1, unit: "credit", monthly: -Math.min(fee, PRICES.gkeFreeTierCreditMonthly), category: "credit" });
  }
  for (const p of of("gcp:container/nodePool:NodePool")) {
    const nc = obj(p.inputs["nodeConfig"]);
    const type = String(nc["machineType"] ?? "e2-medium");
    const shape: MachineType | undefined = (GCP_MACHINE_TYPES as Record<string, MachineType>)[type];
    const count = Number(obj(p.inputs["autoscaling"])["totalMinNodeCount"] ?? p.inputs["nodeCount"] ?? p.inputs["initialNodeCount"] ?? 1);
    const spot = nc["spot"] === true;
    nodes += count;
    if (!shape) notes.push(`No price for machine type ${type}.`);
    const hourly = (shape?.hourlyUsd ?? 0) * (spot ? 1 - PRICES.gcpSpotDiscount : 1);
    add({ item: `${type} nodes, ${spot ? `spot (~${PRICES.gcpSpotDiscount * 100}% off)` : "on-demand"}, at the minimum count`, quantity: count, unit: "node", monthly: count * hourly * H, category: "compute" });
    const disk = Number(nc["diskSizeGb"] ?? 100);
    add({ item: `pd-balanced node boot disks (${disk} GB each)`, quantity: count * disk, unit: "GB", monthly: count * disk * PRICES.pdBalancedPerGbMonth, category: "storage" });
  }
  const nats = of("gcp:compute/routerNat:RouterNat");
  if (nats.length && nodes) {
    add({ item: "Cloud NAT (per VM using it)", quantity: nodes, unit: "VM", monthly: nodes * PRICES.cloudNatPerVmHourly * H, category: "network" });
  }
  // AUTO_ONLY: Google allocates the external address(es); one covers this pool's size. MANUAL_ONLY lists them.
  const natIps = nats.reduce((n, r) => n + (r.inputs["natIpAllocateOption"] === "MANUAL_ONLY" ? arr(r.inputs["natIps"]).length : 1), 0);
  if (natIps) add({ item: "Cloud NAT external IPv4 address", quantity: natIps, unit: "address", monthly: natIps * PRICES.gcpExternalIpHourly * H, category: "network" });
  const gcpKeys = of("gcp:kms/cryptoKey:CryptoKey").length;
  if (gcpKeys) add({ item: "Cloud KMS key version", quantity: gcpKeys, unit: "key", monthly: gcpKeys * PRICES.gcpKmsKeyVersionMonthly, category: "security" });

  // --- Kubernetes volumes and load balancers, priced by the platform's disk type
  const volumeGb = volumeClaims(resources);
  if (volumeGb > 0 && (isAws || isGcp)) {
    const price = isAws ? PRICES.gp3PerGbMonth : PRICES.pdBalancedPerGbMonth;
    add({ item: `Persistent volumes (${isAws ? "gp3" : "pd-balanced"}: database, Prometheus, Grafana)`, quantity: volumeGb, unit: "GB", monthly: volumeGb * price, category: "storage" });
  }
  const lbs = of("kubernetes:core/v1:Service").filter((s) => obj(s.inputs["spec"])["type"] === "LoadBalancer").length;
  const azs = awsZones(resources);
  if (lbs && isAws) {
    add({ item: "Network Load Balancer per LoadBalancer Service (plus traffic)", quantity: lbs, unit: "load balancer", monthly: lbs * PRICES.nlbHourly * H, category: "load-balancer" });
    add({ item: `Public IPv4 addresses of the NLBs (one per AZ, ${azs} AZs)`, quantity: lbs * azs, unit: "address", monthly: lbs * azs * PRICES.publicIpv4Hourly * H, category: "load-balancer" });
  }
  if (lbs && isGcp) {
    add({ item: "Forwarding rules, one per LoadBalancer Service: the first five billed together (plus traffic)", quantity: lbs, unit: "forwarding rule", monthly: gcpForwardingRulesHourly(lbs) * H, category: "load-balancer" });
    notes.push("GCP bills forwarding rules per project and region: rules that other workloads in the project already have count towards the first five.");
  }
  const globalRules = isGcp ? gceIngressForwardingRules(resources) : 0;
  if (globalRules) {
    add({ item: "Global forwarding rules of the GKE Ingress's load balancer (:80 redirect, :443), the first five billed together (plus traffic)", quantity: globalRules, unit: "forwarding rule", monthly: gcpForwardingRulesHourly(globalRules, PRICES.gcpGlobalForwardingRulesFirstFiveHourly, PRICES.gcpGlobalForwardingRuleExtraHourly) * H, category: "load-balancer" });
    notes.push("Google-managed certificates (ManagedCertificate) and SSL policies are free; Cloud DNS bills the zone you already have and its queries.");
    // GCP bills no address attached to a forwarding rule (PRICES.gcpExternalIpHourly): the
    // Ingress's reserved global IPv4 is free while its load balancer exists, like the Services'.
    notes.push("The reserved global IPv4 address is free while the load balancer's forwarding rules use it; unattached (before the Ingress's first sync, or if the Ingress is deleted outside Pulumi) it is billed by the hour.");
  }
  const albs = isAws ? albGroups(resources) : { internet: 0, internal: 0 };
  if (albs.internet + albs.internal) {
    const n = albs.internet + albs.internal;
    add({ item: "Application Load Balancer per IngressGroup (plus LCUs: $0.008 per LCU-hour of traffic)", quantity: n, unit: "load balancer", monthly: n * PRICES.albHourly * H, category: "load-balancer" });
    if (albs.internet) add({ item: `Public IPv4 addresses of internet-facing ALBs (one per AZ, ${azs} AZs)`, quantity: albs.internet * azs, unit: "address", monthly: albs.internet * azs * PRICES.publicIpv4Hourly * H, category: "load-balancer" });
  }
  // --- Database backups: dumps kept for the bucket's lifecycle, at the CronJob's rate.
  const backups = backupBuckets(resources);
  if (backups) {
    const perDay = backups.perDay;
    // Plus latest.dump, and its replaced versions kept a day.
    const kept = perDay * backups.days + 1 + perDay;
    const [storage, requests, store] = backups.cloud === "aws" ? [PRICES.s3StandardPerGbMonth, PRICES.s3PutPer1000, "S3 Standard"] : [PRICES.gcsStandardPerGbMonth, PRICES.gcsClassAPer1000, "GCS Standard"];
    const gbKept = kept * ASSUMED_DUMP_GB;
    add({ item: `Database backups, ${store}: ${round(kept)} dumps kept (${backups.days} days, and the latest), assumed ${ASSUMED_DUMP_MB} MB each`, quantity: Math.round(gbKept * 1000) / 1000, unit: "GB", monthly: gbKept * storage, category: "storage" });
    // Two uploads per run: the named dump and latest.dump.
    const puts = 2 * perDay * DAYS_PER_MONTH;
    add({ item: `Database backup uploads (${store} write requests)`, quantity: Math.round(puts), unit: "request", monthly: (puts / 1000) * requests, category: "storage" });
  }
  if (!isAws && !isGcp) notes.push("An existing cluster: its nodes, disks and load balancers are billed wherever it runs; nothing here adds to them.");
  notes.push("Usage-based charges are not included: data transfer, NAT data processing, CloudWatch/Cloud Logging ingestion.");

  const monthly = round(lines.reduce((s, l) => s + l.monthly, 0));
  const monthlyBeforeLoadBalancers = round(lines.filter((l) => l.category !== "load-balancer").reduce((s, l) => s + l.monthly, 0));
  return {
    currency: "USD",
    monthly,
    monthlyBeforeLoadBalancers,
    lines,
    basis: `list prices of ${CATALOG_DATE}, ${CATALOG_REGIONS.aws} / ${CATALOG_REGIONS.gcp}, ${H} h/month, nodes at the autoscaler's minimum`,
    notes,
  };
}

/**
 * What one compressed dump of the votes is assumed to weigh: the votes table holds one short row
 * per voter, and pg_dump's custom format compresses it (measured: 100,000 votes, 254 KB; see
 * test/components/backup-roundtrip.test.ts), so 50 MB is an upper bound for some 20 million votes.
 */
export const ASSUMED_DUMP_MB = 50;
const ASSUMED_DUMP_GB = ASSUMED_DUMP_MB / 1024;
const DAYS_PER_MONTH = 30.4;

/**
 * The backup bucket's retention (its lifecycle's expiration, in days) and the backup CronJob's
 * runs per day; undefined without a backup bucket.
 */
export function backupBuckets(resources: readonly CostResource[]): { cloud: "aws" | "gcp"; days: number; perDay: number } | undefined {
  const cron = resources.find((r) => r.type === "kubernetes:batch/v1:CronJob" && obj(obj(r.inputs["metadata"])["labels"])["app.kubernetes.io/name"] === "postgres-backup");
  const perDay = cron ? runsPerDay(String(obj(cron.inputs["spec"])["schedule"] ?? "@daily")) : 1;
  const s3 = resources.find((r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
  if (s3) {
    const days = Number(dig(arr(s3.inputs["rules"])[0], "expiration", "days") ?? 0);
    return days ? { cloud: "aws", days, perDay } : undefined;
  }
  const gcs = resources.find((r) => r.type === "gcp:storage/bucket:Bucket" && arr(r.inputs["lifecycleRules"]).length > 0);
  if (gcs) {
    const days = Number(dig(arr(gcs.inputs["lifecycleRules"])[0], "condition", "age") ?? 0);
    return days ? { cloud: "gcp", days, perDay } : undefined;
  }
  return undefined;
}

/**
 * Hourly price of `n` forwarding rules in one project and region (the first five are one price);
 * global rules (a GKE Ingress's) have SKUs of their own, billed the same way: pass their prices.
 */
export function gcpForwardingRulesHourly(n: number, firstFive = PRICES.gcpForwardingRulesFirstFiveHourly, extra = PRICES.gcpForwardingRuleExtraHourly): number {
  return n <= 0 ? 0 : firstFive + Math.max(0, n - 5) * extra;
}

/**
 * Global forwarding rules the GKE Ingress controller creates: per external GCE Ingress (class
 * annotation gce, or no class at all), one for HTTP unless `kubernetes.io/ingress.allow-http` is
 * "false" and one for HTTPS where it has a certificate (managed, pre-shared or spec.tls).
 */
export function gceIngressForwardingRules(resources: readonly CostResource[]): number {
  let rules = 0;
  for (const r of resources) {
    if (r.type !== "kubernetes:networking.k8s.io/v1:Ingress") continue;
    const annotations = obj(obj(r.inputs["metadata"])["annotations"]);
    const spec = obj(r.inputs["spec"]);
    const cls = annotations["kubernetes.io/ingress.class"];
    if (!(cls === "gce" || (cls === undefined && spec["ingressClassName"] === undefined))) continue;
    if (annotations["kubernetes.io/ingress.allow-http"] !== "false") rules++;
    if (annotations["networking.gke.io/managed-certificates"] !== undefined || annotations["ingress.gcp.kubernetes.io/pre-shared-cert"] !== undefined || arr(spec["tls"]).length > 0) rules++;
  }
  return rules;
}

/** AZs of the stack's VPC: where an internet-facing load balancer takes a public address each. */
function awsZones(resources: readonly CostResource[]): number {
  // Public subnets tagged for internet-facing load balancers, where the VPC's subnets are explicit.
  const elb = resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && obj(r.inputs["tags"])["kubernetes.io/role/elb"] === "1").length;
  if (elb) return elb;
  const vpc = resources.find((r) => r.type === "awsx:ec2:Vpc");
  if (!vpc) return 2;
  return arr(vpc.inputs["availabilityZoneNames"]).length || Number(vpc.inputs["numberOfAvailabilityZones"] ?? 3);
}

const ALB = "alb.ingress.kubernetes.io";

/**
 * ALBs the AWS Load Balancer Controller creates: one per IngressGroup (annotation group.name),
 * an Ingress without a group being a group of its own; internet-facing or internal by its scheme.
 */
export function albGroups(resources: readonly CostResource[]): { internet: number; internal: number } {
  const groups = new Map<string, boolean>();
  for (const r of resources) {
    if (r.type !== "kubernetes:networking.k8s.io/v1:Ingress") continue;
    const annotations = obj(obj(r.inputs["metadata"])["annotations"]);
    const group = typeof annotations[`${ALB}/group.name`] === "string" ? `group/${String(annotations[`${ALB}/group.name`])}` : `ingress/${r.name}`;
    const internet = annotations[`${ALB}/scheme`] === "internet-facing";
    groups.set(group, (groups.get(group) ?? false) || internet);
  }
  const values = [...groups.values()];
  return { internet: values.filter(Boolean).length, internal: values.filter((v) => !v).length };
}

/** GB requested by PersistentVolumeClaims: StatefulSet claim templates and the Helm releases' volumes. */
export function volumeClaims(resources: readonly CostResource[]): number {
  let total = 0;
  for (const r of resources) {
    if (r.type === "kubernetes:apps/v1:StatefulSet") {
      const spec = obj(r.inputs["spec"]);
      const replicas = Number(spec["replicas"] ?? 1);
      for (const t of arr(spec["volumeClaimTemplates"])) total += replicas * gb(dig(t, "spec", "resources", "requests", "storage"));
    }
    if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") total += gb(dig(r.inputs, "spec", "resources", "requests", "storage"));
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const values = obj(parseJsonish(r.inputs["values"]));
      total += gb(dig(values, "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources", "requests", "storage"));
      const persistence = obj(values["persistence"]);
      if (persistence["enabled"] === true) total += gb(persistence["size"]);
    }
  }
  return total;
}
