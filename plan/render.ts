// Human-readable plan: settings that matter, the resource tree grouped by component, outputs, policies.

import { formatProblem, type Settings } from "../stacks/settings";
import type { PlanDocument, ResourceRecord } from "./record";

/** Per resource type, the inputs worth showing in the tree (dotted paths into inputs). */
const KEY_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "pulumi:providers:kubernetes": ["clusterIdentifier", "context"],
  "pulumi:providers:aws": ["region"],
  "pulumi:providers:gcp": ["project", "region"],
  "kubernetes:helm.sh/v3:Release": ["chart", "version"],
  "awsx:ec2:Vpc": ["cidrBlock", "natGateways.strategy"],
  "eks:index:Cluster": ["version", "authenticationMode", "endpointPublicAccess", "upgradePolicy.supportType"],
  "eks:index:ManagedNodeGroup": ["instanceTypes", "capacityType", "scalingConfig.minSize", "scalingConfig.maxSize"],
  "aws:eks/addon:Addon": ["addonName"],
  "gcp:container/cluster:Cluster": ["location", "datapathProvider", "releaseChannel.channel", "deletionProtection", "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic", "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled"],
  "gcp:container/nodePool:NodePool": ["nodeConfig.machineType", "nodeConfig.spot", "autoscaling.totalMinNodeCount", "autoscaling.totalMaxNodeCount"],
  "gcp:projects/service:Service": ["service"],
  "time:index/sleep:Sleep": ["createDuration"],
  "kubernetes:apps/v1:Deployment": ["spec.replicas"],
  "kubernetes:core/v1:Service": ["metadata.name", "spec.type"],
  "kubernetes:storage.k8s.io/v1:StorageClass": ["metadata.name", "reclaimPolicy"],
};

function get(obj: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function inputSummary(r: ResourceRecord): string {
  const parts = (KEY_INPUTS[r.type] ?? [])
    .map((p) => [p, get(r.inputs, p)] as const)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([p, v]) => `${p}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const flags = [r.options.protect ? "protected" : "", r.options.retainOnDelete ? "retained on delete" : "", r.options.remote ? "remote component: children in a real preview only" : ""].filter(Boolean);
  return [...parts, ...flags.map((f) => `[${f}]`)].join("  ");
}

export function settingsSummary(s: Settings): string[] {
  const p = s.platform;
  const platform =
    p.cloud === "aws"
      ? `EKS in ${p.region} (${p.availabilityZones.length || p.availabilityZoneCount} AZs), VPC ${p.vpcCidr}, NAT ${p.natGateways}, public API ${p.publicAccessCidrs.length ? p.publicAccessCidrs.join(", ") : "off"}`
      : p.cloud === "gcp"
        ? `GKE ${p.regional ? `regional in ${p.region}` : `zonal in ${p.zone}`} (project ${p.project}), control plane through its DNS endpoint (IAM)${p.authorizedNetworks.length ? ` and IP endpoint for ${p.authorizedNetworks.join(", ")}` : ", IP endpoints off"}`
        : `existing cluster, context ${p.context}, ${p.serviceType} services, StorageClass ${p.storageClass}`;
  const n = s.nodes;
  const nodes = p.cloud === "existing" ? "(the existing cluster's own)" : `${n.instanceTypes.join("/")} × ${n.minCount}–${n.maxCount}, ${n.capacityType}, ${n.diskSizeGb} GB disk`;
  const r = s.app.replicas;
  const m = s.monitoring;
  return [
    `platform    ${platform}`,
    `nodes       ${nodes}`,
    `app         vote ×${r.vote}, result ×${r.result}, worker ×${r.worker}; options ${s.app.optionA} / ${s.app.optionB}; data ${s.app.retainData ? "retained" : "deleted with the stack"}`,
    `monitoring  ${m.enabled ? `on; Prometheus ${m.retentionDays} d retention, ${m.storageGb} GB` : "off"}`,
    `tags        ${Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(", ")}`,
  ];
}

export function renderTree(resources: readonly ResourceRecord[]): string[] {
  const children = new Map<string | null, ResourceRecord[]>();
  for (const r of resources) {
    const key = r.parent !== null && resources.some((x) => x.urn === r.parent) ? r.parent : null;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      const summary = inputSummary(r);
      lines.push(`${prefix}${branch}${r.type}  ${r.name}${summary ? `   ${summary}` : ""}`);
      walk(r.urn, parent === null ? prefix : prefix + (last ? "   " : "│  "));
    });
  };
  walk(null, "  ");
  return lines;
}

export function renderPlan(doc: PlanDocument): string {
  const s = doc.settings as Settings;
  const lines = [
    `${doc.project} / ${doc.stack}: cloud ${s.platform.cloud}, environment ${s.environment}, size ${s.size}, Kubernetes ${s.kubernetesVersion}`,
    "",
    ...(doc.warnings.length > 0 ? [`Warnings (${doc.warnings.length})`, ...doc.warnings.map((w) => `  - ${formatProblem(w)}`), ""] : []),
    "Settings",
    ...settingsSummary(s).map((l) => `  ${l}`),
    "",
    `Resources (${doc.resources.length})`,
    ...renderTree(doc.resources),
    "",
    "Outputs",
    // Like Pulumi: an output that is undefined is not a stack output.
    ...Object.entries(doc.outputs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`),
    "",
  ];
  const c = doc.cost;
  lines.push(`Cost estimate: $${c.monthly.toFixed(2)}/month ($${c.monthlyBeforeLoadBalancers.toFixed(2)} before load balancers and traffic); ${c.basis}`);
  for (const l of c.lines) lines.push(`  ${l.monthly.toFixed(2).padStart(9)}  ${l.item}${l.quantity !== 1 ? ` × ${l.quantity} ${l.unit}` : ""}`);
  for (const n of c.notes) lines.push(`  note: ${n}`);
  lines.push("");
  const cap = doc.capacity;
  if (cap.applicable) {
    const r = cap.requested;
    const a = cap.allocatable;
    lines.push(`Capacity at the minimum ${cap.nodes} × ${cap.machineType}: CPU ${Math.round(r.cpuMillis)}m of ${Math.round(a.cpuMillis)}m, memory ${Math.round(r.memoryMiB)} of ${Math.round(a.memoryMiB)} MiB, pods ${r.pods} of ${a.pods}: ${cap.fits ? "fits" : "DOES NOT FIT"}`);
    for (const w of cap.warnings) lines.push(`  warning: ${w}`);
  } else {
    lines.push(`Capacity: ${cap.basis}; the stack requests CPU ${Math.round(cap.requested.cpuMillis)}m, memory ${Math.round(cap.requested.memoryMiB)} MiB, ${cap.requested.pods} pods`);
  }
  lines.push("");
  lines.push(`Deploy time estimate: ${doc.schedule.criticalPathMinutes} min on the critical path (${doc.schedule.basis})`);
  for (const u of doc.schedule.path) lines.push(`  → ${u.split("::").slice(-2).join(" ")}`);
  lines.push("");
  const v = doc.policies.violations;
  lines.push(`Policies (pack ${doc.policies.pack}, config ${doc.policies.config ?? "none: pack defaults"}): ${v.length === 0 ? "no violations" : `${v.length} violation${v.length === 1 ? "" : "s"}`}`);
  for (const x of v) lines.push(`  [${x.enforcementLevel}] ${x.policy}: ${x.message}${x.urn ? `\n      at ${x.urn}` : ""}`);
  return lines.join("\n");
}
