import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";

export interface NetworkArgs {
  readonly clusterName: string;
  readonly region: string;
  readonly subnetCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
}

export interface Network {
  readonly network: gcp.compute.Network;
  readonly subnet: gcp.compute.Subnetwork;
  readonly nat: gcp.compute.RouterNat;
}

/** Secondary range names on the node subnetwork, referenced by the cluster's ipAllocationPolicy. */
export const PODS_RANGE = "pods";
export const SERVICES_RANGE = "services";

/**
 * Custom-mode network, one subnetwork with secondary ranges (VPC-native), Cloud NAT for the private
 * nodes' egress (image pulls from Docker Hub and other registries).
 */
export function createNetwork(name: string, args: NetworkArgs, opts: pulumi.CustomResourceOptions): Network {
  const network = new gcp.compute.Network(`${name}-net`, { autoCreateSubnetworks: false, routingMode: "REGIONAL", description: `GKE ${args.clusterName}` }, opts);
  const subnet = new gcp.compute.Subnetwork(
    `${name}-nodes`,
    {
      network: network.id,
      region: args.region,
      ipCidrRange: args.subnetCidr,
      privateIpGoogleAccess: true,
      secondaryIpRanges: [
        { rangeName: PODS_RANGE, ipCidrRange: args.podsCidr },
        { rangeName: SERVICES_RANGE, ipCidrRange: args.servicesCidr },
      ],
    },
    opts,
  );
  const router = new gcp.compute.Router(`${name}-router`, { network: network.id, region: args.region }, opts);
  const nat = new gcp.compute.RouterNat(
    `${name}-nat`,
    {
      router: router.name,
      region: args.region,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    opts,
  );
  return { network, subnet, nat };
}
