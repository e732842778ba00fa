import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { CapacityType } from "../../stacks/presets";
import { NODE_POLICY_ARNS, ec2TrustPolicy } from "./iam";

export interface NodeGroupArgs {
  readonly instanceTypes: readonly string[];
  readonly minCount: number;
  readonly maxCount: number;
  readonly diskSizeGb: number;
  readonly capacityType: CapacityType;
  readonly tags: Readonly<Record<string, string>>;
}

export function createNodeGroup(
  name: string,
  args: NodeGroupArgs,
  cluster: eks.Cluster,
  vpc: awsx.ec2.Vpc,
  parent: pulumi.Resource,
  provider: aws.Provider,
): eks.ManagedNodeGroup {
  const opts = { parent, provider };
  const role = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: ec2TrustPolicy(), description: "EKS managed node group: kubelet, VPC CNI, image pulls" }, opts);
  const attachments = NODE_POLICY_ARNS.map(
    (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-node-${policyArn.split("/").pop()}`, { role: role.name, policyArn }, opts),
  );

  // Our own launch template: IMDSv2 required (managed node groups allow IMDSv1 by default), hop
  // limit 1 so pods cannot reach the node role's credentials (add-ons use Pod Identity), and an
  // encrypted gp3 root volume.
  const launchTemplate = new aws.ec2.LaunchTemplate(
    `${name}-nodes`,
    {
      description: "EKS nodes: IMDSv2 only, encrypted gp3 root volume",
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: args.diskSizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: { ...args.tags } },
        { resourceType: "volume", tags: { ...args.tags } },
      ],
    },
    opts,
  );

  return new eks.ManagedNodeGroup(
    `${name}-nodes`,
    {
      cluster,
      nodeRole: role,
      subnetIds: vpc.privateSubnetIds,
      amiType: "AL2023_x86_64_STANDARD",
      instanceTypes: [...args.instanceTypes],
      capacityType: args.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
      launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
      scalingConfig: { minSize: args.minCount, maxSize: args.maxCount, desiredSize: args.minCount },
      // The Cluster Autoscaler owns desiredSize between min and max; `pulumi up` must not reset it.
      ignoreScalingChanges: true,
      labels: { "voting-platform/capacity-type": args.capacityType },
      tags: { ...args.tags },
    },
    // Resource-typed inputs (cluster, role) carry no dependency of their own: say it.
    { parent, providers: { aws: provider }, dependsOn: [cluster, role, ...attachments] },
  );
}
