import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { CapacityType } from "../../stacks/presets";
import { NODE_POLICY_ARNS, ec2TrustPolicy } from "./iam";
import type { Network } from "./network";

export interface NodeGroupArgs {
  readonly instanceTypes: readonly string[];
  readonly minCount: number;
  readonly maxCount: number;
  readonly diskSizeGb: number;
  readonly capacityType: CapacityType;
  /**
   * One managed node group per AZ (each in one private subnet) instead of one across all AZs. Pods
   * with EBS volumes need it: a volume lives in one AZ, and the Cluster Autoscaler can only start a
   * node in that AZ if a group is confined to it (its AWS guide, "Common Notes and Gotchas"; with
   * `--balance-similar-node-groups` it keeps the groups even). @default false
   */
  readonly perAz?: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The preset's node counts split over `groups` groups: the minimum spread as evenly as possible
 * (a group may start at 0: the autoscaler scales managed node groups from zero), the maximum
 * rounded up so the total never drops below the preset's.
 */
export function splitScaling(minCount: number, maxCount: number, groups: number): { minSize: number; maxSize: number }[] {
  const maxSize = Math.max(1, Math.ceil(maxCount / groups));
  return Array.from({ length: groups }, (_, i) => {
    const minSize = Math.floor(minCount / groups) + (i < minCount % groups ? 1 : 0);
    return { minSize, maxSize: Math.max(maxSize, minSize) };
  });
}

export function createNodeGroups(
  name: string,
  args: NodeGroupArgs,
  cluster: eks.Cluster,
  network: Pick<Network, "privateSubnetIds" | "egress">,
  parent: pulumi.Resource,
  provider: aws.Provider,
): eks.ManagedNodeGroup[] {
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

  const subnets = network.privateSubnetIds;
  const groups = args.perAz ? subnets.map((id, i) => ({ name: `${name}-nodes-${i}`, subnetIds: [id] })) : [{ name: `${name}-nodes`, subnetIds: [...subnets] }];
  const scaling = splitScaling(args.minCount, args.maxCount, groups.length);
  return groups.map(
    (g, i) =>
      new eks.ManagedNodeGroup(
        g.name,
        {
          cluster,
          nodeRole: role,
          subnetIds: g.subnetIds,
          amiType: "AL2023_x86_64_STANDARD",
          // pulumi-eks 4.3 (nodegroup.ts) defaults the version only without a launch template, and
          // this group has one (with no AMI): without this the nodes stay behind a control-plane
          // upgrade.
          version: cluster.eksCluster.version,
          instanceTypes: [...args.instanceTypes],
          capacityType: args.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
          launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
          scalingConfig: { ...scaling[i]!, desiredSize: scaling[i]!.minSize },
          // The Cluster Autoscaler owns desiredSize between min and max; `pulumi up` must not reset it.
          ignoreScalingChanges: true,
          labels: { "voting-platform/capacity-type": args.capacityType },
          tags: { ...args.tags },
        },
        // Resource-typed inputs (cluster, role) carry no dependency of their own: say it. Nodes
        // pull images through NAT from their first minute: they wait for the private routes.
        { parent, providers: { aws: provider }, dependsOn: [cluster, role, ...attachments, ...network.egress] },
      ),
  );
}
