import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneLog } from "../../stacks/presets";
import { viewAccessEntries } from "./access";
import { CLUSTER_ADMIN_POLICY_ARN } from "./iam";

export interface ControlPlaneArgs {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly adminPrincipals: readonly string[];
  /** Read-only principals (CI previews and drift checks): see viewAccessEntries. */
  readonly viewPrincipals: readonly string[];
  readonly publicAccessCidrs: readonly string[];
  readonly controlPlaneLogs: readonly ControlPlaneLog[];
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ControlPlane {
  readonly cluster: eks.Cluster;
  readonly secretsKey: aws.kms.Key;
}

export function createControlPlane(name: string, args: ControlPlaneArgs, vpc: awsx.ec2.Vpc, parent: pulumi.Resource, provider: aws.Provider): ControlPlane {
  const opts = { parent, provider };

  // Envelope encryption of Secrets in etcd. $1/month; rotation yearly.
  const secretsKey = new aws.kms.Key(
    `${name}-secrets`,
    {
      description: `EKS ${args.clusterName}: envelope encryption of Kubernetes Secrets`,
      enableKeyRotation: true,
      deletionWindowInDays: args.deletionProtection ? 30 : 7,
    },
    opts,
  );

  // EKS writes control-plane logs to this group; created by EKS itself it never expires (a cost trap).
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays },
    opts,
  );

  const accessEntries = Object.fromEntries(
    args.adminPrincipals.map((principalArn, i) => [
      `admin-${i}`,
      {
        principalArn,
        accessPolicies: { admin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: "cluster" } } },
      },
    ]),
  );

  const cluster = new eks.Cluster(
    `${name}-eks`,
    {
      name: args.clusterName,
      version: args.kubernetesVersion,
      vpcId: vpc.vpcId,
      publicSubnetIds: vpc.publicSubnetIds,
      privateSubnetIds: vpc.privateSubnetIds,
      nodeAssociatePublicIpAddress: false,
      // Access entries only: no aws-auth ConfigMap to drift or lock yourself out with.
      authenticationMode: "API",
      accessEntries: { ...accessEntries, ...viewAccessEntries(args.viewPrincipals) },
      createOidcProvider: true,
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
    { parent, providers: { aws: provider }, dependsOn: [logGroup] },
  );
  return { cluster, secretsKey };
}
