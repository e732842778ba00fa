import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneLog } from "../../stacks/presets";
import { adminAccessEntries, deployerCheck, noCreatorAdminEntry, viewAccessEntries } from "./access";
import type { Network } from "./network";

export interface ControlPlaneArgs {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly adminPrincipals: readonly string[];
  /** Read-only principals (CI previews and drift checks): see viewAccessEntries. */
  readonly viewPrincipals: readonly string[];
  readonly publicAccessCidrs: readonly string[];
  readonly controlPlaneLogs: readonly ControlPlaneLog[];
  readonly logRetentionDays: number;
  /** Waiting period before a scheduled deletion of the Secrets key completes (7-30 days, KMS). */
  readonly keyDeletionWindowDays: number;
  readonly deletionProtection: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ControlPlane {
  readonly cluster: eks.Cluster;
  readonly secretsKey: aws.kms.Key;
}

/** Admin entries, then read-only ones: every principal that gets an access entry, nothing implicit (see ./access). */
export function clusterAccessEntries(args: Pick<ControlPlaneArgs, "adminPrincipals" | "viewPrincipals">) {
  return { ...adminAccessEntries(args.adminPrincipals), ...viewAccessEntries(args.viewPrincipals) };
}

export function createControlPlane(name: string, args: ControlPlaneArgs, network: Pick<Network, "vpcId" | "publicSubnetIds" | "privateSubnetIds">, parent: pulumi.Resource, provider: aws.Provider): ControlPlane {
  const opts = { parent, provider };

  // Envelope encryption of Secrets in etcd. $1/month; rotation yearly.
  const secretsKey = new aws.kms.Key(
    `${name}-secrets`,
    {
      description: `EKS ${args.clusterName}: envelope encryption of Kubernetes Secrets`,
      enableKeyRotation: true,
      deletionWindowInDays: args.keyDeletionWindowDays,
    },
    opts,
  );

  // EKS writes control-plane logs to this group; created by EKS itself it never expires (a cost trap).
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays },
    opts,
  );

  // The identity running Pulumi must have an access entry of its own (the creator gets none):
  // checked before the cluster is created.
  const deployer = deployerCheck({ admin: args.adminPrincipals, view: args.viewPrincipals }, parent, provider);

  const cluster = new eks.Cluster(
    `${name}-eks`,
    {
      name: args.clusterName,
      version: args.kubernetesVersion,
      vpcId: network.vpcId,
      publicSubnetIds: [...network.publicSubnetIds],
      privateSubnetIds: [...network.privateSubnetIds],
      nodeAssociatePublicIpAddress: false,
      // Access entries only: no aws-auth ConfigMap to drift or lock yourself out with.
      authenticationMode: "API",
      accessEntries: clusterAccessEntries(args),
      // No IAM OIDC provider: add-ons get AWS credentials through EKS Pod Identity, nothing uses IRSA.
      createOidcProvider: false,
      // Managed node groups run with the security group EKS creates for the cluster; the
      // component's own cluster and node groups' security groups (and their rules) would be unused.
      skipDefaultSecurityGroups: true,
      // The API default is EXTENDED: $0.60/h instead of $0.10/h once the version leaves standard support.
      upgradePolicy: { supportType: "STANDARD" },
      endpointPrivateAccess: true,
      endpointPublicAccess: args.publicAccessCidrs.length > 0,
      ...(args.publicAccessCidrs.length > 0 ? { publicAccessCidrs: [...args.publicAccessCidrs] } : {}),
      encryptionConfigKeyArn: secretsKey.arn,
      enabledClusterLogTypes: [...args.controlPlaneLogs],
      deletionProtection: args.deletionProtection,
      skipDefaultNodeGroup: true,
      // vpc-cni as a managed add-on with NetworkPolicy enforcement (the eBPF agent): the voting
      // app's NetworkPolicies mean nothing without it.
      useDefaultVpcCni: false,
      vpcCniOptions: { enableNetworkPolicy: true },
      kubeProxyAddonOptions: { enabled: true },
      // CoreDNS is added by EksPlatform after the node group exists: created before any node,
      // the managed add-on sits DEGRADED for ~20 minutes.
      corednsAddonOptions: { enabled: false },
      tags: { ...args.tags },
    },
    {
      parent,
      providers: { aws: provider },
      // After the deployer check: a deployer without an entry stops the run here.
      dependsOn: deployer.apply(() => [logGroup]),
      transforms: [noCreatorAdminEntry],
    },
  );
  return { cluster, secretsKey };
}
