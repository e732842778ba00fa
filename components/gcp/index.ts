import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { GcpPlatformSettings, NodeSettings } from "../../stacks/settings";
import type { Platform, ServiceExposure } from "../platform";
import { gkeKubeconfig } from "./kubeconfig";

export interface GkePlatformArgs {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly gcp: Omit<GcpPlatformSettings, "cloud">;
  readonly nodes: NodeSettings;
  /** Labels on every resource that takes them (through the provider's defaultLabels). */
  readonly labels: Readonly<Record<string, string>>;
  /** Reclaim policy Retain for volumes. @default false */
  readonly retainVolumes?: boolean;
  /** Cloud Logging: workload logs too (ingestion is billed past the free 50 GiB). @default false */
  readonly workloadLogs?: boolean;
}

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

export class GkePlatform extends pulumi.ComponentResource implements Platform {
  readonly clusterName: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;
  readonly storageClassName: pulumi.Output<string>;
  readonly exposure: ServiceExposure = { type: "LoadBalancer", annotations: {} };
  readonly managedControlPlane = true;

  constructor(name: string, args: GkePlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:gcp:GkePlatform", name, {}, opts);
    const g = args.gcp;
    const provider = new gcp.Provider(`${name}-gcp`, { project: g.project, region: g.region, defaultLabels: { ...args.labels } }, { parent: this });
    const o = { parent: this, provider };

    // Network: custom mode, one subnetwork with secondary ranges (VPC-native), Cloud NAT for the
    // private nodes' egress (image pulls from Docker Hub).
    const network = new gcp.compute.Network(`${name}-net`, { autoCreateSubnetworks: false, routingMode: "REGIONAL", description: `GKE ${args.clusterName}` }, o);
    const subnet = new gcp.compute.Subnetwork(
      `${name}-nodes`,
      {
        network: network.id,
        region: g.region,
        ipCidrRange: g.subnetCidr,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: "pods", ipCidrRange: g.podsCidr },
          { rangeName: "services", ipCidrRange: g.servicesCidr },
        ],
      },
      o,
    );
    const router = new gcp.compute.Router(`${name}-router`, { network: network.id, region: g.region }, o);
    const nat = new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        router: router.name,
        region: g.region,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      o,
    );

    const nodeAccount = new gcp.serviceaccount.Account(`${name}-nodes`, { accountId: serviceAccountId(args.clusterName), displayName: `GKE nodes of ${args.clusterName}` }, o);
    const grants = NODE_SERVICE_ACCOUNT_ROLES.map(
      (role) => new gcp.projects.IAMMember(`${name}-nodes-${role.split("/")[1]}`, { project: g.project, role, member: pulumi.interpolate`serviceAccount:${nodeAccount.email}` }, o),
    );

    // Secrets envelope encryption with Cloud KMS (prod). Key rings cannot be deleted in GCP: one
    // outlives `pulumi destroy`, so its name carries a random suffix, or a re-created stack would
    // collide with its predecessor's ring.
    let keyName: pulumi.Output<string> | undefined;
    const clusterDeps: pulumi.Resource[] = [nat, ...grants];
    if (g.secretsEncryption) {
      const suffix = new random.RandomId(`${name}-ring-suffix`, { byteLength: 3 }, { parent: this });
      const ring = new gcp.kms.KeyRing(`${name}-ring`, { name: pulumi.interpolate`${args.clusterName}-${suffix.hex}`, location: g.region }, { ...o, retainOnDelete: true });
      const key = new gcp.kms.CryptoKey(`${name}-secrets`, { name: `${args.clusterName}-secrets`, keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" }, o);
      const projectNumber = pulumi.output(gcp.organizations.getProject({ projectId: g.project }, { provider })).number;
      const agentGrant = new gcp.kms.CryptoKeyIAMMember(
        `${name}-gke-agent`,
        {
          cryptoKeyId: key.id,
          role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
          // The GKE service agent encrypts and decrypts Secrets; without this grant cluster creation fails.
          member: pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
        },
        o,
      );
      keyName = key.id;
      clusterDeps.push(agentGrant);
    }

    const location = g.regional ? g.region : g.zone;
    const cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        name: args.clusterName,
        location,
        // Replaced by our own pool. No nodeConfig here: on a cluster with removeDefaultNodePool,
        // changing it later would replace the whole cluster.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: g.deletionProtection,
        network: network.id,
        subnetwork: subnet.id,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: g.masterCidr },
        masterAuthorizedNetworksConfig: { cidrBlocks: g.authorizedNetworks.map((cidrBlock, i) => ({ cidrBlock, displayName: `authorized-${i}` })) },
        workloadIdentityConfig: { workloadPool: `${g.project}.svc.id.goog` },
        // Dataplane V2 enforces NetworkPolicy; it cannot be switched on in place later.
        datapathProvider: "ADVANCED_DATAPATH",
        releaseChannel: { channel: "REGULAR" },
        minMasterVersion: args.kubernetesVersion,
        enableShieldedNodes: true,
        ...(keyName ? { databaseEncryption: { state: "ENCRYPTED", keyName } } : {}),
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
      { ...o, dependsOn: clusterDeps },
    );

    const zones = g.regional ? 3 : 1;
    new gcp.container.NodePool(
      `${name}-pool`,
      {
        cluster: cluster.name,
        location,
        // Per zone; created at the minimum, then the autoscaler owns the count.
        initialNodeCount: Math.max(1, Math.ceil(args.nodes.minCount / zones)),
        autoscaling: { totalMinNodeCount: args.nodes.minCount, totalMaxNodeCount: args.nodes.maxCount, locationPolicy: "BALANCED" },
        ignoreNodeCountChanges: true,
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          machineType: args.nodes.instanceTypes[0]!,
          diskType: "pd-balanced",
          diskSizeGb: args.nodes.diskSizeGb,
          imageType: "COS_CONTAINERD",
          spot: args.nodes.capacityType === "spot",
          serviceAccount: nodeAccount.email,
          oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
          workloadMetadataConfig: { mode: "GKE_METADATA" },
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          metadata: { "disable-legacy-endpoints": "true" },
          resourceLabels: { ...args.labels },
        },
      },
      // A changed preset minimum must not replace the pool (initialNodeCount forces replacement).
      { ...o, ignoreChanges: ["initialNodeCount"] },
    );

    this.clusterName = cluster.name;
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, cluster.endpoint, cluster.masterAuth]).apply(([n, endpoint, auth]) => gkeKubeconfig(`gke_${g.project}_${location}_${n}`, endpoint, auth.clusterCaCertificate ?? "")),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // projects/<p>/locations/<l>/clusters/<name>: stable across credential and endpoint-IP rotations.
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
    this.registerOutputs({ clusterName: this.clusterName, storageClassName: this.storageClassName });
  }
}
