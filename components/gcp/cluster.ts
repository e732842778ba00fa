import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { Network } from "./network";
import { PODS_RANGE, SERVICES_RANGE } from "./network";

export interface ClusterArgs {
  readonly clusterName: string;
  readonly project: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly masterCidr: string;
  readonly authorizedNetworks: readonly string[];
  readonly deletionProtection: boolean;
  /** Cloud KMS key for envelope encryption of Secrets; undefined: Google-managed encryption only. */
  readonly secretsKeyName?: pulumi.Input<string>;
  readonly workloadLogs: boolean;
}

export function createCluster(name: string, args: ClusterArgs, net: Network, opts: pulumi.CustomResourceOptions): gcp.container.Cluster {
  return new gcp.container.Cluster(
    `${name}-gke`,
    {
      name: args.clusterName,
      location: args.location,
      // Replaced by our own pool. No nodeConfig here: on a cluster with removeDefaultNodePool,
      // changing it later would replace the whole cluster.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      deletionProtection: args.deletionProtection,
      network: net.network.id,
      subnetwork: net.subnet.id,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: PODS_RANGE, servicesSecondaryRangeName: SERVICES_RANGE },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: args.masterCidr },
      masterAuthorizedNetworksConfig: { cidrBlocks: args.authorizedNetworks.map((cidrBlock, i) => ({ cidrBlock, displayName: `authorized-${i}` })) },
      workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
      // Dataplane V2 enforces NetworkPolicy; it cannot be switched on in place later.
      datapathProvider: "ADVANCED_DATAPATH",
      releaseChannel: { channel: "REGULAR" },
      minMasterVersion: args.kubernetesVersion,
      enableShieldedNodes: true,
      ...(args.secretsKeyName ? { databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKeyName } } : {}),
      loggingConfig: { enableComponents: args.workloadLogs ? ["SYSTEM_COMPONENTS", "WORKLOADS"] : ["SYSTEM_COMPONENTS"] },
      // This stack runs its own Prometheus: Google's managed collection would bill twice.
      monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: false } },
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        // Calico network policy is for the legacy dataplane; Dataplane V2 does it.
        networkPolicyConfig: { disabled: true },
      },
      maintenancePolicy: { recurringWindow: { startTime: "2026-01-03T02:00:00Z", endTime: "2026-01-03T06:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" } },
    },
    opts,
  );
}
