import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { MAINTENANCE_WINDOW } from "../../stacks/maintenance";
import type { GcpPlatformSettings, NodeSettings } from "../../stacks/settings";
import type { BackupStore, BackupStoreRequest, Platform, ServiceExposure } from "../platform";
import { enableServices, requiredServices } from "./apis";
import { createGcsBackupStore } from "./backup";
import { createCluster } from "./cluster";
import { createGkeExposure, type GkeDomain } from "./exposure";
import { createSecretsKey } from "./kms";
import { gkeKubeconfig } from "./kubeconfig";
import { createNetwork } from "./network";
import { createNodeIdentity, createNodePool } from "./nodes";

export { NODE_SERVICE_ACCOUNT_ROLES, serviceAccountId } from "./nodes";

export interface GkePlatformArgs {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly gcp: Omit<GcpPlatformSettings, "cloud" | "dnsManagedZone">;
  readonly nodes: NodeSettings;
  /** Labels on every resource that takes them (through the provider's defaultLabels). */
  readonly labels: Readonly<Record<string, string>>;
  /** Reclaim policy Retain for volumes. @default false */
  readonly retainVolumes?: boolean;
  /** Cloud Logging: workload logs too (ingestion is billed past the free 50 GiB). @default false */
  readonly workloadLogs?: boolean;
  /** Client CIDRs the apps' load balancers admit (loadBalancerSourceRanges: GKE turns them into firewall rules). @default anywhere */
  readonly allowedCidrs?: readonly string[];
  /** HTTPS on vote.<domain> and result.<domain> through a GKE Ingress (see ./exposure). @default none: LoadBalancer Services */
  readonly domain?: GkeDomain;
}

/**
 * IAM changes usually take effect within 2 minutes, sometimes 7 or more
 * (https://cloud.google.com/iam/docs/access-change-propagation). GKE checks its service agent's
 * access to the KMS key while creating the cluster, so the cluster waits this long after the grant
 * (a time.Sleep waits at creation only, not on later updates). If it still fails with a KMS
 * permission error, run `pulumi up` again: everything else is in place by then.
 */
export const KMS_GRANT_PROPAGATION = "120s";

/** GKE Standard: the rooms are in ./apis, ./network, ./kms, ./cluster, ./nodes and ./kubeconfig; this class only wires them. */
export class GkePlatform extends pulumi.ComponentResource implements Platform {
  readonly clusterName: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;
  readonly storageClassName: pulumi.Output<string>;
  readonly exposure: ServiceExposure;
  readonly metricsTargets = { controlPlane: false, clusterDns: "kube-dns" } as const;
  readonly workloadsWaitFor: readonly pulumi.Resource[];
  readonly backupStore: (request: BackupStoreRequest) => BackupStore;
  readonly dnsRecordsToCreate?: pulumi.Output<string[]>;

  constructor(name: string, args: GkePlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:gcp:GkePlatform", name, {}, opts);
    const g = args.gcp;
    const provider = new gcp.Provider(`${name}-gcp`, { project: g.project, region: g.region, defaultLabels: { ...args.labels } }, { parent: this });
    // Every cloud resource waits for the APIs it needs (a fresh project has none enabled).
    const apis = enableServices(name, g.project, requiredServices(g.secretsEncryption, args.domain?.managedZone !== undefined), { parent: this, provider });
    const o = { parent: this, provider, dependsOn: apis };
    if (args.domain) {
      const https = createGkeExposure(name, args.clusterName, args.domain, o);
      this.exposure = https.exposure;
      if (https.dnsRecordsToCreate) this.dnsRecordsToCreate = https.dnsRecordsToCreate;
    } else {
      // External passthrough Network Load Balancers, whose CLIENT_IP session affinity GKE derives from
      // the Service's sessionAffinity: result's socket.io works with any replica count.
      this.exposure = { type: "LoadBalancer", annotations: {}, sourceRanges: args.allowedCidrs ?? [] };
    }

    const net = createNetwork(name, { clusterName: args.clusterName, region: g.region, subnetCidr: g.subnetCidr, podsCidr: g.podsCidr, servicesCidr: g.servicesCidr }, o);
    const identity = createNodeIdentity(name, { clusterName: args.clusterName, project: g.project }, o);
    const secrets = g.secretsEncryption ? createSecretsKey(name, { clusterName: args.clusterName, project: g.project, region: g.region }, this, provider, apis) : undefined;
    const grantsInEffect = secrets
      ? [new time.Sleep(`${name}-kms-grant-propagation`, { createDuration: KMS_GRANT_PROPAGATION }, { parent: this, dependsOn: [secrets.agentGrant] })]
      : [];

    const location = g.regional ? g.region : g.zone;
    const cluster = createCluster(
      name,
      {
        clusterName: args.clusterName,
        project: g.project,
        location,
        kubernetesVersion: args.kubernetesVersion,
        authorizedNetworks: g.authorizedNetworks,
        deletionProtection: g.deletionProtection,
        secretsKeyName: secrets?.key.id,
        workloadLogs: args.workloadLogs ?? false,
        nodeServiceAccount: identity.account.email,
        maintenanceWindow: MAINTENANCE_WINDOW,
      },
      net,
      { ...o, dependsOn: [...apis, net.nat, ...identity.grants, ...(secrets ? [secrets.agentGrant] : []), ...grantsInEffect] },
    );
    const pool = createNodePool(name, { nodes: args.nodes, location, zones: g.regional ? 3 : 1, labels: args.labels }, cluster, identity.account, o);

    // GKE runs kube-dns itself; the nodes are what workloads wait for.
    this.workloadsWaitFor = [pool];
    this.clusterName = cluster.name;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.controlPlaneEndpointsConfig])
        .apply(([n, endpoints]) => gkeKubeconfig(`gke_${g.project}_${location}_${n}`, endpoints.dnsEndpointConfig?.endpoint)),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // projects/<p>/locations/<l>/clusters/<name>: stable across credential and endpoint changes.
        clusterIdentifier: cluster.id,
        enableServerSideApply: true,
      },
      { parent: this },
    );
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-pd-balanced`,
      {
        metadata: { name: "pd-balanced" },
        provisioner: "pd.csi.storage.gke.io",
        parameters: { type: "pd-balanced" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: args.retainVolumes ? "Retain" : "Delete",
      },
      { parent: this, provider: this.provider },
    );
    this.storageClassName = storageClass.metadata.name;
    // A GCS bucket reached through Workload Identity Federation (the cluster's workload pool, the
    // pool's GKE_METADATA mode). The Cloud Storage API is on in new projects; enabled here all the same.
    this.backupStore = (request) => {
      // After the other APIs, Cloud Resource Manager's among them (see enableServices).
      const storageApi = enableServices(name, g.project, ["storage.googleapis.com"], { parent: this, provider, dependsOn: apis });
      return createGcsBackupStore(name, { ...request, project: g.project, region: g.region, workloadPoolOwner: cluster }, { parent: this, provider, dependsOn: [...apis, ...storageApi] });
    };
    this.registerOutputs({ clusterName: this.clusterName, storageClassName: this.storageClassName });
  }
}
