// Do the stack's workloads fit its minimum nodes? Requests of everything deployed (the app from its
// manifests, the Helm releases from their values, the cloud's system add-ons from a dated table)
// against the allocatable capacity of the preset's minimum node count, and pods against the
// per-node pod limit (EKS: ENI-bound, e.g. 17 on a t3.medium).

import { arr, dig, obj } from "../lib/json";
import { AWS_INSTANCE_TYPES, CATALOG_DATE, GCP_MACHINE_TYPES, type MachineType } from "../stacks/catalog";
import type { CostResource } from "./cost";


export interface Amount {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  readonly pods: number;
}

/**
 * System pods the clouds and this program's add-ons run, as of the catalog date (their own
 * manifests' requests, rounded up). perNode: DaemonSets; cluster: Deployments.
 */
export const SYSTEM_PODS = {
  aws: {
    perNode: { cpuMillis: 25 + 100 + 30, memoryMiB: 120 + 50, pods: 4 }, // aws-node, kube-proxy, ebs-csi-node, eks-pod-identity-agent
    // metrics-server ×2: the EKS add-on runs two replicas (its default configuration), not the chart's one.
    cluster: { cpuMillis: 2 * 100 + 2 * 60 + 2 * 100, memoryMiB: 2 * 70 + 2 * 240 + 2 * 200, pods: 6 }, // coredns ×2, ebs-csi-controller ×2, metrics-server ×2
  },
  gcp: {
    perNode: { cpuMillis: 200, memoryMiB: 300, pods: 5 }, // anetd (Dataplane V2), fluentbit-gke, gke-metrics-agent, pdcsi-node, netd
    cluster: { cpuMillis: 350, memoryMiB: 450, pods: 6 }, // kube-dns ×2, konnectivity-agent, metrics-server, event-exporter, l7 default backend
  },
} as const;

/** Containers the Prometheus operator adds (config-reloader) to Prometheus and Alertmanager. */
const OPERATOR_SIDECARS: Amount = { cpuMillis: 2 * 10, memoryMiB: 2 * 50, pods: 0 };

export function parseCpu(v: unknown): number {
  const s = String(v ?? "0");
  return s.endsWith("m") ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

export function parseMemory(v: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(v ?? "0"));
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const mib = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, K: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576, T: 1e12 / 1048576, "": 1 / 1048576 }[unit] ?? 0;
  return n * mib;
}

function requestsOf(resources: unknown): Amount {
  const r = obj(dig(resources, "requests"));
  return { cpuMillis: parseCpu(r["cpu"]), memoryMiB: parseMemory(r["memory"]), pods: 0 };
}

const sum = (xs: Amount[]): Amount => xs.reduce((a, b) => ({ cpuMillis: a.cpuMillis + b.cpuMillis, memoryMiB: a.memoryMiB + b.memoryMiB, pods: a.pods + b.pods }), { cpuMillis: 0, memoryMiB: 0, pods: 0 });
const times = (a: Amount, n: number): Amount => ({ cpuMillis: a.cpuMillis * n, memoryMiB: a.memoryMiB * n, pods: a.pods * n });

/** Requests of the program's own workloads: manifests and Helm values. */
export function workloadRequests(resources: readonly CostResource[]): { name: string; amount: Amount }[] {
  const out: { name: string; amount: Amount }[] = [];
  for (const r of resources) {
    if (r.type === "kubernetes:apps/v1:Deployment" || r.type === "kubernetes:apps/v1:StatefulSet") {
      const spec = obj(r.inputs["spec"]);
      const replicas = Number(spec["replicas"] ?? 1);
      const containers = arr(dig(spec, "template", "spec", "containers"));
      const pod = sum(containers.map((c) => requestsOf(obj(c)["resources"])));
      out.push({ name: String(dig(r.inputs, "metadata", "name") ?? r.name), amount: times({ ...pod, pods: 1 }, replicas) });
    }
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const values = obj(typeof r.inputs["values"] === "string" ? JSON.parse(r.inputs["values"]) : r.inputs["values"]);
      const chart = String(r.inputs["chart"]);
      if (chart === "kube-prometheus-stack") {
        out.push({ name: "prometheus", amount: { ...sum([requestsOf(dig(values, "prometheus", "prometheusSpec", "resources")), OPERATOR_SIDECARS]), pods: 1 } });
        out.push({ name: "prometheus-operator", amount: { ...requestsOf(dig(values, "prometheusOperator", "resources")), pods: 1 } });
        out.push({ name: "kube-state-metrics", amount: { ...requestsOf(dig(values, "kube-state-metrics", "resources")), pods: 1 } });
        if (dig(values, "alertmanager", "enabled") !== false) out.push({ name: "alertmanager", amount: { ...requestsOf(dig(values, "alertmanager", "alertmanagerSpec", "resources")), pods: 1 } });
      } else {
        out.push({ name: chart, amount: { ...requestsOf(values["resources"]), pods: 1 } });
      }
    }
  }
  return out;
}

/** Allocatable of one node, after the kubelet's reservations (EKS AL2023 and GKE formulas). */
export function allocatable(cloud: "aws" | "gcp", m: MachineType): Amount {
  const cores = m.vcpu;
  const cpuReserved = 60 + (cores > 1 ? 10 : 0) + Math.max(0, Math.min(cores, 4) - 2) * 5 + Math.max(0, cores - 4) * 2.5;
  const memMiB = m.memoryGiB * 1024;
  let memReserved: number;
  if (cloud === "aws") {
    memReserved = 255 + 11 * m.maxPods + 100; // kube-reserved + eviction threshold
  } else {
    const tiers: [number, number][] = [[4, 0.25], [4, 0.2], [8, 0.1], [112, 0.06], [Infinity, 0.02]];
    let left = m.memoryGiB;
    memReserved = 100;
    for (const [size, share] of tiers) {
      const part = Math.min(left, size);
      memReserved += part * 1024 * share;
      left -= part;
      if (left <= 0) break;
    }
  }
  return { cpuMillis: cores * 1000 - cpuReserved, memoryMiB: memMiB - memReserved, pods: m.maxPods };
}

export interface CapacityReport {
  readonly applicable: boolean;
  readonly nodes: number;
  readonly machineType: string;
  readonly allocatable: Amount;
  readonly requested: Amount;
  readonly breakdown: readonly { name: string; amount: Amount }[];
  readonly fits: boolean;
  readonly warnings: readonly string[];
  readonly basis: string;
}

export function checkCapacity(resources: readonly CostResource[]): CapacityReport {
  const group = resources.find((r) => r.type === "eks:index:ManagedNodeGroup");
  const pool = resources.find((r) => r.type === "gcp:container/nodePool:NodePool");
  const breakdown = workloadRequests(resources);
  const basis = `requests from the manifests and Helm values; system pods and kubelet reservations as of ${CATALOG_DATE}`;
  if (!group && !pool) {
    return { applicable: false, nodes: 0, machineType: "", allocatable: { cpuMillis: 0, memoryMiB: 0, pods: 0 }, requested: sum(breakdown.map((b) => b.amount)), breakdown, fits: true, warnings: [], basis: "an existing cluster: its nodes are unknown here" };
  }
  const cloud = group ? "aws" : "gcp";
  const machineType = group ? String(arr(group.inputs["instanceTypes"])[0]) : String(dig(pool!.inputs, "nodeConfig", "machineType"));
  // Staging and prod run one managed node group per AZ: the minimum is their sum.
  const nodes = group
    ? resources.filter((r) => r.type === "eks:index:ManagedNodeGroup").reduce((n, g) => n + Number(dig(g.inputs, "scalingConfig", "minSize") ?? 1), 0)
    : Number(dig(pool!.inputs, "autoscaling", "totalMinNodeCount") ?? 1);
  const shape: MachineType | undefined = (cloud === "aws" ? (AWS_INSTANCE_TYPES as Record<string, MachineType>) : (GCP_MACHINE_TYPES as Record<string, MachineType>))[machineType];
  const warnings: string[] = [];
  if (!shape) warnings.push(`No shape known for ${machineType}: capacity not checked.`);
  const perNode = shape ? allocatable(cloud, shape) : { cpuMillis: 0, memoryMiB: 0, pods: 0 };
  const system = SYSTEM_PODS[cloud];
  const all = [...breakdown, { name: "system pods (per node)", amount: times(system.perNode, nodes) }, { name: "system pods (cluster)", amount: system.cluster }];
  const requested = sum(all.map((b) => b.amount));
  const total = times(perNode, nodes);
  if (shape) {
    if (requested.cpuMillis > total.cpuMillis) warnings.push(`CPU requests ${Math.round(requested.cpuMillis)}m exceed the ${nodes} × ${machineType} allocatable ${Math.round(total.cpuMillis)}m.`);
    if (requested.memoryMiB > total.memoryMiB) warnings.push(`Memory requests ${Math.round(requested.memoryMiB)} MiB exceed the ${nodes} × ${machineType} allocatable ${Math.round(total.memoryMiB)} MiB.`);
    if (requested.pods > total.pods) warnings.push(`${requested.pods} pods exceed ${nodes} × ${shape.maxPods} pods per ${machineType}.`);
  }
  return { applicable: true, nodes, machineType, allocatable: total, requested, breakdown: all, fits: warnings.length === 0, warnings, basis };
}
