import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { NodeSettings } from "../../stacks/settings";

/**
 * The minimal role Google documents for a node service account (logs, metrics, metadata).
 * Never the default compute account, which has Editor on the project.
 */
export const NODE_SERVICE_ACCOUNT_ROLES = ["roles/container.defaultNodeServiceAccount"] as const;

/** A service account ID (6-30 of [a-z0-9-], starting with a letter, not ending with '-') for the nodes. */
export function serviceAccountId(clusterName: string): string {
  const id = `nodes-${clusterName}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 30).replace(/-+$/, "");
  return id.length >= 6 ? id : `${id}-nodes`;
}

export interface NodeIdentity {
  readonly account: gcp.serviceaccount.Account;
  readonly grants: readonly gcp.projects.IAMMember[];
}

/** The nodes' own service account with the least-privilege role. */
export function createNodeIdentity(name: string, args: { readonly clusterName: string; readonly project: string }, opts: pulumi.CustomResourceOptions): NodeIdentity {
  const account = new gcp.serviceaccount.Account(`${name}-nodes`, { accountId: serviceAccountId(args.clusterName), displayName: `GKE nodes of ${args.clusterName}` }, opts);
  const grants = NODE_SERVICE_ACCOUNT_ROLES.map(
    (role) => new gcp.projects.IAMMember(`${name}-nodes-${role.split("/")[1]}`, { project: args.project, role, member: pulumi.interpolate`serviceAccount:${account.email}` }, opts),
  );
  return { account, grants };
}

export interface NodePoolArgs {
  readonly nodes: NodeSettings;
  readonly location: string;
  /** Zones the pool spans: 3 on a regional cluster, 1 on a zonal one. */
  readonly zones: number;
  readonly labels: Readonly<Record<string, string>>;
}

export function createNodePool(name: string, args: NodePoolArgs, cluster: gcp.container.Cluster, account: gcp.serviceaccount.Account, opts: pulumi.CustomResourceOptions): gcp.container.NodePool {
  const n = args.nodes;
  return new gcp.container.NodePool(
    `${name}-pool`,
    {
      cluster: cluster.name,
      location: args.location,
      // Per zone; created at the minimum, then the autoscaler owns the count.
      initialNodeCount: Math.max(1, Math.ceil(n.minCount / args.zones)),
      autoscaling: { totalMinNodeCount: n.minCount, totalMaxNodeCount: n.maxCount, locationPolicy: "BALANCED" },
      ignoreNodeCountChanges: true,
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        machineType: n.instanceTypes[0]!,
        diskType: "pd-balanced",
        diskSizeGb: n.diskSizeGb,
        imageType: "COS_CONTAINERD",
        spot: n.capacityType === "spot",
        serviceAccount: account.email,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { "disable-legacy-endpoints": "true" },
        resourceLabels: { ...args.labels },
      },
    },
    // A changed preset minimum must not replace the pool (initialNodeCount forces replacement).
    { ...opts, ignoreChanges: ["initialNodeCount"] },
  );
}
