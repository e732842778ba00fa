import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsSubnetLayout } from "../../stacks/network";
import { pickZones, regionZones } from "./zones";

export interface NetworkArgs {
  readonly clusterName: string;
  readonly vpcCidr: string;
  /** Pinned AZs (names such as us-east-1a, or IDs such as use1-az1), or empty for the region's first supported ones. */
  readonly availabilityZones: readonly string[];
  readonly availabilityZoneCount: number;
  readonly natGateways: "single" | "one-per-az";
}

export interface Network {
  readonly vpcId: pulumi.Output<string>;
  /** The zone ID of each AZ index (subnets `i` of both lists are in zone `zoneIds[i]`). */
  readonly zoneIds: pulumi.Output<string[]>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** The private subnets' default routes through NAT: nodes wait for them (they pull images through NAT). */
  readonly egress: pulumi.Resource[];
}

/**
 * VPC with a public and a private subnet per AZ, placed by zone ID. Nodes live only in private
 * subnets; public subnets hold the NAT gateway(s) and internet-facing load balancers. Plain
 * resources rather than awsx.ec2.Vpc, for two reasons: awsx takes AZ names as a plain list
 * (chosen before any lookup can run, and names differ per account), and its subnet IDs resolve only
 * when the whole component is done, NAT gateways included (~2 min), which the control plane
 * does not need: here it waits for the subnets only.
 */
export function createNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource, provider: aws.Provider): Network {
  const opts = { parent, provider };
  const count = args.availabilityZones.length || args.availabilityZoneCount;
  const layout = awsSubnetLayout(args.vpcCidr, count);
  // Settings validation runs the same layout; reaching this is a bug, not a user mistake.
  if ("problem" in layout) throw new Error(`VPC layout: ${args.vpcCidr} ${layout.problem}`);

  const zoneIds = regionZones(opts).apply((region) => {
    const picked = pickZones(region, args.availabilityZones, count);
    if ("problem" in picked) throw new pulumi.RunError(picked.problem);
    return picked.zoneIds;
  });

  const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: args.clusterName } }, opts);
  const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: args.clusterName } }, opts);

  // Load-balancer discovery tags (the in-tree controller and the AWS Load Balancer Controller read
  // them); the cluster tag tells this cluster's subnets from another's in a shared VPC.
  const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
  const subnet = (kind: "public" | "private", i: number, cidrBlock: string) =>
    new aws.ec2.Subnet(
      `${name}-${kind}-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock,
        availabilityZoneId: zoneIds.apply((ids) => ids[i]!),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${args.clusterName}-${kind}-${i}`, ...clusterTag, [kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1" },
      },
      opts,
    );
  const publicSubnets = layout.publicCidrs.map((cidr, i) => subnet("public", i, cidr));
  const privateSubnets = layout.privateCidrs.map((cidr, i) => subnet("private", i, cidr));

  const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: { Name: `${args.clusterName}-public` } }, opts);
  new aws.ec2.Route(`${name}-public-internet`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, opts);
  publicSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: s.id, routeTableId: publicRoutes.id }, opts));

  // One NAT gateway outside prod (~$33/month each); one per AZ in prod, so an AZ outage does not cut
  // the others' egress.
  const natCount = args.natGateways === "single" ? 1 : count;
  const nats = Array.from({ length: natCount }, (_, i) => {
    const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${args.clusterName}-nat-${i}` } }, opts);
    // A public NAT gateway needs the internet gateway attached to pass traffic (EC2 user guide, NAT gateways).
    return new aws.ec2.NatGateway(`${name}-nat-${i}`, { subnetId: publicSubnets[i]!.id, allocationId: eip.id, tags: { Name: `${args.clusterName}-nat-${i}` } }, { ...opts, dependsOn: [igw] });
  });
  const egress = privateSubnets.flatMap((s, i) => {
    const table = new aws.ec2.RouteTable(`${name}-private-${i}`, { vpcId: vpc.id, tags: { Name: `${args.clusterName}-private-${i}` } }, opts);
    const association = new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: s.id, routeTableId: table.id }, opts);
    return [association, new aws.ec2.Route(`${name}-private-${i}-nat`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, natCount - 1)]!.id }, opts)];
  });

  return { vpcId: vpc.id, zoneIds, publicSubnetIds: publicSubnets.map((s) => s.id), privateSubnetIds: privateSubnets.map((s) => s.id), egress };
}
