// GKE policies, over gcp:container/cluster:Cluster and gcp:container/nodePool:NodePool (the same
// provider resources offline and in a real preview) and the gcp provider's default labels.

import type { ResourceValidationPolicy } from "@pulumi/policy";
import { arr, obj, type Obj } from "../lib/json";
import { DEFAULT_EXPOSURE_LIMITS, exposureProblems, type ExposureLimits } from "../stacks/cidr";
import { maintenanceWindowProblem } from "../stacks/maintenance";
import { exposureSchema } from "./aws";


const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";

/** Node settings of a pool, or of a cluster's inline default pool / node pools. */
function nodeConfigs(type: string, props: Obj): Obj[] {
  if (type === POOL) return [obj(props["nodeConfig"])];
  if (type === CLUSTER) return [...(props["nodeConfig"] ? [obj(props["nodeConfig"])] : []), ...arr(props["nodePools"]).map((p) => obj(obj(p)["nodeConfig"]))];
  return [];
}

/** True when the control plane's IP endpoint is reachable from the internet at all. */
function publicIpEndpoint(props: Obj): boolean {
  const endpoints = obj(props["controlPlaneEndpointsConfig"]);
  // DNS-endpoint-only access: IAM-authorised, no IP allow-list needed (GKE "About network isolation", DNS-based endpoint).
  if (obj(endpoints["ipEndpointsConfig"])["enabled"] === false) return false;
  return obj(props["privateClusterConfig"])["enablePrivateEndpoint"] !== true;
}

export const gkePrivateNodes: ResourceValidationPolicy = {
  name: "gke-private-nodes",
  description: "GKE nodes have no public IPs (private nodes, not overridden per pool) and the control plane's public IP endpoint admits only listed ranges that together are a small part of the internet (or is off: DNS endpoint only).",
  configSchema: { properties: exposureSchema },
  validateResource: (args, report) => {
    if (args.type === POOL) {
      if (obj(args.props["networkConfig"])["enablePrivateNodes"] === false) report("networkConfig.enablePrivateNodes: false gives this pool's nodes public IPs, overriding the cluster.");
      return;
    }
    if (args.type !== CLUSTER) return;
    if (obj(args.props["privateClusterConfig"])["enablePrivateNodes"] !== true) report("Set privateClusterConfig.enablePrivateNodes: true.");
    if (!publicIpEndpoint(args.props)) return;
    const man = args.props["masterAuthorizedNetworksConfig"];
    if (man === undefined || man === null) {
      report("The public IP endpoint has no masterAuthorizedNetworksConfig: anyone can reach the API server. List the ranges, or use the DNS endpoint only (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false).");
      return;
    }
    if (obj(man)["gcpPublicCidrsAccessEnabled"] === true) report("masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled admits every Google Cloud VM's address.");
    const blocks = arr(obj(man)["cidrBlocks"]).map((b) => String(obj(b)["cidrBlock"]));
    const problems = exposureProblems(blocks, { ...DEFAULT_EXPOSURE_LIMITS, ...args.getConfig<Partial<ExposureLimits>>() });
    if (problems.length) report(`masterAuthorizedNetworksConfig admits the world: ${problems.join("; ")}.`);
  },
};

export const gkeWorkloadIdentity: ResourceValidationPolicy = {
  name: "gke-workload-identity",
  description: "Workload Identity on the cluster and the GKE metadata server on its nodes.",
  validateResource: (args, report) => {
    if (args.type === CLUSTER && !obj(args.props["workloadIdentityConfig"])["workloadPool"]) report("Set workloadIdentityConfig.workloadPool (<project>.svc.id.goog).");
    for (const nc of nodeConfigs(args.type, args.props)) {
      if (args.type === POOL && obj(nc["workloadMetadataConfig"])["mode"] !== "GKE_METADATA") report("Set nodeConfig.workloadMetadataConfig.mode: GKE_METADATA.");
    }
  },
};

export const gkeShieldedNodes: ResourceValidationPolicy = {
  name: "gke-shielded-nodes",
  description: "Shielded GKE nodes with secure boot.",
  validateResource: (args, report) => {
    if (args.type === CLUSTER && args.props["enableShieldedNodes"] === false) report("enableShieldedNodes must not be false.");
    if (args.type === POOL && obj(obj(args.props["nodeConfig"])["shieldedInstanceConfig"])["enableSecureBoot"] !== true) {
      report("Set nodeConfig.shieldedInstanceConfig.enableSecureBoot: true.");
    }
  },
};

export const gkeNoDefaultServiceAccount: ResourceValidationPolicy = {
  name: "gke-no-default-service-account",
  description: "Node pools run as a dedicated service account, never the default compute account (project Editor).",
  validateResource: (args, report) => {
    if (args.type !== POOL) return;
    const sa = obj(args.props["nodeConfig"])["serviceAccount"];
    if (typeof sa !== "string" || sa === "" || sa === "default" || sa.endsWith("-compute@developer.gserviceaccount.com")) {
      report("The node pool uses the default compute service account; give it a dedicated, least-privilege one.");
    }
  },
};

export const gkeReleaseChannel: ResourceValidationPolicy = {
  name: "gke-release-channel",
  description: "GKE clusters are enrolled in a release channel (patches arrive without manual upgrades).",
  validateResource: (args, report) => {
    if (args.type !== CLUSTER) return;
    const channel = obj(args.props["releaseChannel"])["channel"];
    if (!["RAPID", "REGULAR", "STABLE", "EXTENDED"].includes(String(channel))) report(`releaseChannel is ${String(channel)}; choose REGULAR or STABLE.`);
  },
};

export const gkeNetworkPolicy: ResourceValidationPolicy = {
  name: "gke-network-policy",
  description: "NetworkPolicies are enforced: Dataplane V2, or the network-policy add-on.",
  validateResource: (args, report) => {
    if (args.type !== CLUSTER) return;
    const dpv2 = args.props["datapathProvider"] === "ADVANCED_DATAPATH";
    const calico = obj(args.props["networkPolicy"])["enabled"] === true;
    if (!dpv2 && !calico) report("NetworkPolicies would not be enforced: set datapathProvider: ADVANCED_DATAPATH (at creation).");
  },
};

export const gkeMaintenanceWindow: ResourceValidationPolicy = {
  name: "gke-maintenance-window",
  description: "A GKE maintenance window gives at least 48 h of availability in any 32 days (GKE rejects the cluster otherwise).",
  validateResource: (args, report) => {
    if (args.type !== CLUSTER) return;
    const w = obj(obj(args.props["maintenancePolicy"])["recurringWindow"]);
    if (Object.keys(w).length === 0) return; // none, or a daily window: GKE's own defaults pass
    const problem = maintenanceWindowProblem({ startTime: String(w["startTime"] ?? ""), endTime: String(w["endTime"] ?? ""), recurrence: String(w["recurrence"] ?? "") });
    if (problem) report(`maintenancePolicy.recurringWindow: ${problem}.`);
  },
};

export const requiredLabels: ResourceValidationPolicy = {
  name: "gcp-required-labels",
  description: "GCP resources carry the required labels, through the provider's defaultLabels.",
  configSchema: { properties: { labels: { type: "array", items: { type: "string" }, default: ["project", "environment", "owner"] } } },
  validateResource: (args, report) => {
    const { labels = ["project", "environment", "owner"] } = args.getConfig<{ labels?: string[] }>();
    const parse = (v: unknown): Obj => (typeof v === "string" ? (JSON.parse(v) as Obj) : obj(v));
    if (args.type === "pulumi:providers:gcp") {
      const have = parse(args.props["defaultLabels"]);
      const missing = labels.filter((l) => !have[l]);
      if (missing.length) report(`The GCP provider's defaultLabels lack ${missing.join(", ")}.`);
      return;
    }
    if (args.type.startsWith("gcp:") && args.provider === undefined) report("Uses the default GCP provider, which sets no labels.");
  },
};

export const gcpPolicies = [gkePrivateNodes, gkeWorkloadIdentity, gkeShieldedNodes, gkeNoDefaultServiceAccount, gkeReleaseChannel, gkeNetworkPolicy, gkeMaintenanceWindow, requiredLabels];
