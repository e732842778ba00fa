import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { awsSubnetLayout } from "../../stacks/network";

export interface NetworkArgs {
  readonly clusterName: string;
  readonly vpcCidr: string;
  /** Explicit AZs, or empty to let awsx take the region's first `availabilityZoneCount`. */
  readonly availabilityZones: readonly string[];
  readonly availabilityZoneCount: number;
  readonly natGateways: "single" | "one-per-az";
}

/**
 * VPC with a public and a private subnet per AZ. Nodes live only in private subnets; public
 * subnets hold the NAT gateway(s) and internet-facing load balancers.
 */
export function createNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource, provider: aws.Provider): awsx.ec2.Vpc {
  const azCount = args.availabilityZones.length || args.availabilityZoneCount;
  const layout = awsSubnetLayout(args.vpcCidr, azCount);
  // Settings validation runs the same layout; reaching this is a bug, not a user mistake.
  if ("problem" in layout) throw new Error(`VPC layout: ${args.vpcCidr} ${layout.problem}`);
  // Load-balancer discovery tags: awsx does not add them. The cluster tag lets the cloud
  // controller tell this cluster's subnets from another cluster's in a shared VPC.
  const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
  return new awsx.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: args.vpcCidr,
      ...(args.availabilityZones.length > 0 ? { availabilityZoneNames: [...args.availabilityZones] } : { numberOfAvailabilityZones: azCount }),
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // awsx's default is a NAT gateway per AZ (~$33/month each): one is enough outside prod.
      natGateways: { strategy: args.natGateways === "single" ? "Single" : "OnePerAz" },
      subnetStrategy: "Auto",
      subnetSpecs: [
        { type: "Private", name: "private", cidrBlocks: [...layout.privateCidrs], tags: { ...clusterTag, "kubernetes.io/role/internal-elb": "1" } },
        { type: "Public", name: "public", cidrBlocks: [...layout.publicCidrs], tags: { ...clusterTag, "kubernetes.io/role/elb": "1" } },
      ],
    },
    { parent, providers: { aws: provider } },
  );
}
