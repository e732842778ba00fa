import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { GKE_TEMPORARY_POOL } from "../../stacks/catalog";
import type { RecurringWindow } from "../../stacks/maintenance";
import type { Network } from "./network";
import { PODS_RANGE, SERVICES_RANGE } from "./network";

export interface ClusterArgs {
  readonly clusterName: string;
  readonly project: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  /**
   * CIDRs allowed on the IP-based endpoint. Empty: the IP-based endpoints are off and the control
   * plane is reached only through its DNS-based endpoint (IAM-authorised).
   */
  readonly authorizedNetworks: readonly string[];
  readonly deletionProtection: boolean;
  /** Cloud KMS key for envelope encryption of Secrets; undefined: Google-managed encryption only. */
  readonly secretsKeyName?: pulumi.Input<string>;
  readonly workloadLogs: boolean;
  /** The nodes' service account, also for the temporary default pool GKE creates and removes. */
  readonly nodeServiceAccount: pulumi.Input<string>;
  readonly maintenanceWindow: RecurringWindow;
}

/**
 * How the control plane is reached (terraform-provider-google v7.45, resource_container_cluster.go,
 * expandControlPlaneEndpointsConfig; the API's ControlPlaneEndpointsConfig):
 * - the DNS-based endpoint (`<id>.<location>.gke.goog`) is always on; `allowExternalTraffic` must be
 *   set, since the provider always sends it and unset means false. Access is checked by IAM
 *   (`container.clusters.connect`), from any network that reaches Google APIs: CI included.
 *   Kubernetes ServiceAccount tokens and client certificates stay refused on it (the provider sends
 *   false for both unless set).
 * - the IP-based endpoints are off (`ipEndpointsConfig.enabled: false`) unless authorized networks
 *   are given; then the public endpoint admits exactly those, and not Google Cloud's public IPs.
 * - `enablePrivateEndpoint` mirrors the read-back state (`!ipEndpointsConfig.enablePublicEndpoint`),
 *   so that the next preview shows no diff; no `masterIpv4CidrBlock`: that makes a legacy VPC-peering
 *   cluster and is ForceNew, while without it GKE uses Private Service Connect.
 * All of these fields update in place; only masterIpv4CidrBlock and privateEndpointSubnetwork are ForceNew.
 */
export function controlPlaneAccess(authorizedNetworks: readonly string[]): Pick<gcp.container.ClusterArgs, "controlPlaneEndpointsConfig" | "privateClusterConfig" | "masterAuthorizedNetworksConfig"> {
  const dnsEndpointConfig = { allowExternalTraffic: true, enableK8sTokensViaDns: false, enableK8sCertsViaDns: false };
  if (authorizedNetworks.length === 0) {
    return {
      controlPlaneEndpointsConfig: { dnsEndpointConfig, ipEndpointsConfig: { enabled: false } },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true },
    };
  }
  return {
    controlPlaneEndpointsConfig: { dnsEndpointConfig, ipEndpointsConfig: { enabled: true } },
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false },
    masterAuthorizedNetworksConfig: {
      cidrBlocks: authorizedNetworks.map((cidrBlock, i) => ({ cidrBlock, displayName: `authorized-${i}` })),
      gcpPublicCidrsAccessEnabled: false,
    },
  };
}

export function createCluster(name: string, args: ClusterArgs, net: Network, opts: pulumi.CustomResourceOptions): gcp.container.Cluster {
  return new gcp.container.Cluster(
    `${name}-gke`,
    {
      name: args.clusterName,
      location: args.location,
      // GKE creates a default pool first, then removes it for our own pool. That temporary pool runs
      // as the cluster's nodeConfig.serviceAccount, else as the default compute account, which
      // hardened organisations disable or delete (hashicorp/terraform-provider-google#4435). Later
      // changes to nodeConfig are ignored (below): on this cluster they would replace it. The
      // temporary pool gets a small machine and disk too (the API's defaults are e2-medium and
      // 100 GB of pd-balanced per node, counted against SSD_TOTAL_GB while it lives).
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: {
        machineType: GKE_TEMPORARY_POOL.machineType,
        diskSizeGb: GKE_TEMPORARY_POOL.diskSizeGb,
        serviceAccount: args.nodeServiceAccount,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
      deletionProtection: args.deletionProtection,
      network: net.network.id,
      subnetwork: net.subnet.id,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: PODS_RANGE, servicesSecondaryRangeName: SERVICES_RANGE },
      ...controlPlaneAccess(args.authorizedNetworks),
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
      // Checked by the gke-maintenance-window policy (stacks/maintenance.ts): GKE rejects windows
      // with less than 48 h of availability in any 32 days.
      maintenancePolicy: { recurringWindow: { ...args.maintenanceWindow } },
    },
    { ...opts, ignoreChanges: ["nodeConfig"] },
  );
}
