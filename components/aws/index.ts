import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsPlatformSettings, NodeSettings } from "../../stacks/settings";
import type { BackupStore, BackupStoreRequest, Platform, ServiceExposure } from "../platform";
import { createAddons } from "./addons";
import { createS3BackupStore } from "./backup";
import { createControlPlane } from "./cluster";
import { albExposure, createAppRecords, createCertificate, type AlbExposureArgs } from "./exposure";
import { createLoadBalancerController } from "./load-balancer-controller";
import { createNetwork } from "./network";
import { createNodeGroups } from "./nodes";

export interface EksPlatformArgs {
  /** EKS cluster name; also names the log group and tags subnets, so it is fixed up front. */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly aws: Omit<AwsPlatformSettings, "cloud">;
  readonly nodes: NodeSettings;
  /** Tags on every taggable AWS resource (through the provider's defaultTags). */
  readonly tags: Readonly<Record<string, string>>;
  /** Keep EBS volumes when their claims are deleted. @default false */
  readonly retainVolumes?: boolean;
  /** How vote and result are reached: client CIDRs and, optionally, a domain with its hosted zone. @default anywhere, no domain */
  readonly exposure?: Omit<AlbExposureArgs, "groupName">;
}

export class EksPlatform extends pulumi.ComponentResource implements Platform {
  readonly clusterName: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;
  readonly storageClassName: pulumi.Output<string>;
  readonly exposure: ServiceExposure;
  readonly metricsTargets = { controlPlane: false, clusterDns: "coredns" } as const;
  readonly workloadsWaitFor: readonly pulumi.Resource[];
  readonly publishAddress?: (address: pulumi.Output<string>) => void;
  readonly backupStore: (request: BackupStoreRequest) => BackupStore;

  constructor(name: string, args: EksPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:EksPlatform", name, {}, opts);
    const a = args.aws;
    // One explicit provider: region from settings (not ambient AWS_REGION), tags on everything.
    const awsProvider = new aws.Provider(`${name}-aws`, { region: a.region as aws.Region, defaultTags: { tags: { ...args.tags } } }, { parent: this });

    const network = createNetwork(name, { clusterName: args.clusterName, vpcCidr: a.vpcCidr, availabilityZones: a.availabilityZones, availabilityZoneCount: a.availabilityZoneCount, natGateways: a.natGateways }, this, awsProvider);
    const { cluster } = createControlPlane(
      name,
      {
        clusterName: args.clusterName,
        kubernetesVersion: args.kubernetesVersion,
        adminPrincipals: a.adminPrincipals,
        viewPrincipals: a.viewPrincipals,
        publicAccessCidrs: a.publicAccessCidrs,
        controlPlaneLogs: a.controlPlaneLogs,
        logRetentionDays: a.logRetentionDays,
        keyDeletionWindowDays: a.keyDeletionWindowDays,
        deletionProtection: a.deletionProtection,
        tags: args.tags,
      },
      network,
      this,
      awsProvider,
    );
    const nodeGroups = createNodeGroups(name, { ...args.nodes, perAz: a.nodeGroupPerAz, tags: args.tags }, cluster, network, this, awsProvider);

    this.clusterName = cluster.eksCluster.name;
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // The endpoint changes only when the cluster is replaced; a refreshed token or kubeconfig
        // format must not replace the provider and everything deployed through it.
        clusterIdentifier: cluster.eksCluster.endpoint,
        enableServerSideApply: true,
      },
      { parent: this },
    );
    const addons = createAddons(name, { clusterName: args.clusterName, region: a.region, retainVolumes: args.retainVolumes ?? false }, cluster, nodeGroups, this.provider, this, awsProvider);
    this.storageClassName = addons.storageClass.metadata.name;
    // Nodes to run on, CoreDNS (the app resolves its peers, `redis` and `db`, by name) and the EBS
    // CSI driver (claims bind and attach through it). Destroy runs in reverse: the namespaces, and
    // with them the claims, are deleted before the driver that deletes their volumes. That narrows
    // the race, it does not remove it: a namespace is gone once its claim objects are, while the
    // PersistentVolumes' deletion (detach, DeleteVolume) by the CSI controller runs asynchronously
    // after that, so with reclaimPolicy Delete (retainData off) an EBS volume can still be left when
    // the add-on goes first (README "A volume left after destroy").
    this.workloadsWaitFor = [...nodeGroups, addons.coredns, addons.ebsCsi];

    // One ALB for vote and result, through the AWS Load Balancer Controller.
    const lbController = createLoadBalancerController(
      name,
      { clusterName: args.clusterName, region: a.region, vpcId: network.vpcId, replicas: args.nodes.minCount > 1 ? 2 : 1, tags: args.tags, waitFor: [...this.workloadsWaitFor, addons.podIdentityAgent] },
      cluster,
      this.provider,
      this,
      awsProvider,
    );
    const exposure: AlbExposureArgs = { groupName: args.clusterName, allowedCidrs: args.exposure?.allowedCidrs ?? [], ...(args.exposure?.domain ? { domain: args.exposure.domain } : {}) };
    const domain = exposure.domain;
    const certificateArn = domain ? createCertificate(name, domain, this, awsProvider) : undefined;
    this.exposure = albExposure(exposure, certificateArn, [lbController]);
    if (domain) this.publishAddress = (address) => void createAppRecords(name, domain, address, this, awsProvider);
    // An S3 bucket reached through EKS Pod Identity (the agent add-on above).
    this.backupStore = (request) => createS3BackupStore(name, { ...request, region: a.region, podIdentityAgent: addons.podIdentityAgent }, cluster, this, awsProvider);

    this.registerOutputs({ clusterName: this.clusterName, storageClassName: this.storageClassName });
  }
}
