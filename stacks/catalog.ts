// The one dated data file for figures that come from outside: machine shapes and list prices.
// Cost, capacity and validation all read from here, so an update happens in one place.
//
// Prices: on-demand list prices, USD per hour, us-east-1 (AWS) and us-central1 (GCP), as of 2026-11.
// Shapes: vCPU and memory as sold; `maxPods` is the EKS limit with the VPC CNI without prefix
// delegation ((ENIs × (IPs per ENI − 1)) + 2), from amazon-eks-ami's eni-max-pods.txt.

export const CATALOG_DATE = "2026-11-01";
export const CATALOG_REGIONS = { aws: "us-east-1", gcp: "us-central1" } as const;

export interface MachineType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Pods per node; for GKE the default of 110 with a /24 per node. */
  readonly maxPods: number;
  /** On-demand USD per hour. */
  readonly hourlyUsd: number;
  readonly arch: "amd64" | "arm64";
}

/**
 * EC2 instance types this program accepts for node groups. An allow-list on purpose: every type
 * here has a price for the cost estimate and a pod limit for the capacity check. arm64 (Graviton)
 * types need every image to publish an arm64 variant; the presets use amd64 only.
 */
export const AWS_INSTANCE_TYPES = {
  "t3.medium": { vcpu: 2, memoryGiB: 4, maxPods: 17, hourlyUsd: 0.0416, arch: "amd64" },
  "t3.large": { vcpu: 2, memoryGiB: 8, maxPods: 35, hourlyUsd: 0.0832, arch: "amd64" },
  "t3.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, hourlyUsd: 0.1664, arch: "amd64" },
  "t3a.medium": { vcpu: 2, memoryGiB: 4, maxPods: 17, hourlyUsd: 0.0376, arch: "amd64" },
  "t3a.large": { vcpu: 2, memoryGiB: 8, maxPods: 35, hourlyUsd: 0.0752, arch: "amd64" },
  "t4g.medium": { vcpu: 2, memoryGiB: 4, maxPods: 17, hourlyUsd: 0.0336, arch: "arm64" },
  "m6i.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, hourlyUsd: 0.096, arch: "amd64" },
  "m7i.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, hourlyUsd: 0.1008, arch: "amd64" },
  "m7i.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, hourlyUsd: 0.2016, arch: "amd64" },
} as const satisfies Record<string, MachineType>;

/** GCE machine types accepted for GKE node pools (spot is about 70% cheaper: see SPOT_DISCOUNT). */
export const GCP_MACHINE_TYPES = {
  "e2-medium": { vcpu: 2, memoryGiB: 4, maxPods: 110, hourlyUsd: 0.03351, arch: "amd64" },
  "e2-standard-2": { vcpu: 2, memoryGiB: 8, maxPods: 110, hourlyUsd: 0.06701, arch: "amd64" },
  "e2-standard-4": { vcpu: 4, memoryGiB: 16, maxPods: 110, hourlyUsd: 0.13402, arch: "amd64" },
} as const satisfies Record<string, MachineType>;

/**
 * The temporary default pool GKE creates with a cluster that has `removeDefaultNodePool` (one node
 * per zone, removed right after creation), set in the cluster's nodeConfig so that it is not the
 * API's default e2-medium with a 100 GB disk. The disk is above the API's minimum (12 GB, 15 GB from
 * GKE 1.36.3-gke.1480000: NodeConfig.diskSizeGb in the container v1 API reference).
 */
export const GKE_TEMPORARY_POOL = { machineType: "e2-small", vcpu: 2, memoryGiB: 2, diskSizeGb: 20, hourlyUsd: 0.01675 } as const;

export type AwsInstanceType = keyof typeof AWS_INSTANCE_TYPES;
export type GcpMachineType = keyof typeof GCP_MACHINE_TYPES;

/** AWS regions with EKS that this program has been reviewed for (prices above are us-east-1). */
export const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
  "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
  "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-south-1", "sa-east-1",
] as const;

/**
 * Zone IDs where EKS does not accept cluster subnets (CreateCluster fails with
 * UnsupportedAvailabilityZoneException): EKS user guide, "View Amazon EKS networking requirements
 * for VPC and subnets", subnet requirements (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#network-requirements-subnets).
 * By ID: the AZ name that maps to one differs per account.
 */
/** The prefix of each reviewed region's AZ IDs (`use1-az1`): EC2 user guide, "AZ IDs". */
export const AWS_ZONE_ID_PREFIX: Readonly<Record<(typeof AWS_REGIONS)[number], string>> = {
  "us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2", "ca-central-1": "cac1",
  "eu-west-1": "euw1", "eu-west-2": "euw2", "eu-west-3": "euw3", "eu-central-1": "euc1", "eu-north-1": "eun1",
  "ap-southeast-1": "apse1", "ap-southeast-2": "apse2", "ap-northeast-1": "apne1", "ap-south-1": "aps1", "sa-east-1": "sae1",
};

export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"] as const;

/** GCP regions reviewed for GKE (prices above are us-central1). */
export const GCP_REGIONS = [
  "us-central1", "us-east1", "us-east4", "us-west1", "us-west2",
  "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-north1",
  "asia-east1", "asia-northeast1", "asia-southeast1", "australia-southeast1", "southamerica-east1",
] as const;

/**
 * Kubernetes minor versions accepted for managed clusters. 1.35 reached EKS on 2026-01-28 with
 * standard support to 2027-03-27; 1.34's ends on 2026-12-02, after which EKS bills extended
 * support, so it is not offered for new EKS/GKE stacks. Add a minor here once it is verified
 * on both EKS and GKE's release channels.
 */
export const MANAGED_KUBERNETES_VERSIONS = ["1.35"] as const;
/** An existing cluster (kind, minikube, kubeadm) may be older; the version picks the schemas to validate against. */
export const EXISTING_KUBERNETES_VERSIONS = ["1.33", "1.34", "1.35"] as const;
export const DEFAULT_KUBERNETES_VERSION = "1.35";

/**
 * Other list prices (USD, 730 h/month), same date and regions as above. Spot discounts are
 * typical, not promised: spot prices move with demand, by hour and AZ.
 */
export const PRICES = {
  hoursPerMonth: 730,
  eksControlPlaneHourly: 0.1,
  gkeClusterFeeHourly: 0.1,
  /** One zonal (or Autopilot) cluster per billing account: $74.40/month of credit. */
  gkeFreeTierCreditMonthly: 74.4,
  natGatewayHourly: 0.045,
  elasticIpHourly: 0.005,
  /** Cloud NAT gateway, per VM using it (https://cloud.google.com/nat/pricing). */
  cloudNatPerVmHourly: 0.0014,
  /**
   * An external IPv4 address in use, here the one Cloud NAT allocates with AUTO_ONLY (a gateway
   * needs one address per 64,512 ports; at GKE's 64 ports per VM that is one for up to 1,008 VMs).
   * https://cloud.google.com/vpc/network-pricing#ipaddress, https://cloud.google.com/nat/docs/ports-and-addresses
   * The same table lists addresses attached to forwarding rules (static or ephemeral) at no charge,
   * so neither the LoadBalancer Services' addresses nor the GKE Ingress's reserved global address is
   * priced. That row was read on 2026-12-07 through transcriptions of the page (review 15), not from
   * the page itself at this catalog's date.
   */
  gcpExternalIpHourly: 0.005,
  nlbHourly: 0.0225,
  /**
   * Forwarding rules (one per LoadBalancer Service on GKE) are billed per project and region: the
   * first five together $0.025/h, each one after that $0.01/h. https://cloud.google.com/vpc/network-pricing#lb
   */
  gcpForwardingRulesFirstFiveHourly: 0.025,
  gcpForwardingRuleExtraHourly: 0.01,
  /**
   * Global forwarding rules (a GKE Ingress's load balancer: one for :80, one for :443) have SKUs of
   * their own ("Cloud Load Balancer Forwarding Rule ... Global"), at the same figures: the first five
   * together $0.025/h, each one after $0.01/h. https://cloud.google.com/load-balancing/pricing
   */
  gcpGlobalForwardingRulesFirstFiveHourly: 0.025,
  gcpGlobalForwardingRuleExtraHourly: 0.01,
  /**
   * Application Load Balancer: $0.0225 per ALB-hour plus $0.008 per LCU-hour of use (no minimum
   * LCU without a capacity reservation), https://aws.amazon.com/elasticloadbalancing/pricing/
   * (us-east-1, checked 2026-11). LCUs are traffic: left out like data transfer.
   */
  albHourly: 0.0225,
  albLcuHourly: 0.008,
  /** Every public IPv4 address, an internet-facing load balancer's one per AZ included (since 2024-02-01). */
  publicIpv4Hourly: 0.005,
  gp3PerGbMonth: 0.08,
  pdBalancedPerGbMonth: 0.1,
  awsKmsKeyMonthly: 1.0,
  gcpKmsKeyVersionMonthly: 0.06,
  /**
   * Object storage for the database backups: S3 Standard $0.023/GB-month and PUT $0.005 per 1,000
   * (https://aws.amazon.com/s3/pricing/, us-east-1); GCS Standard regional $0.020/GB-month
   * (us-central1) and Class A operations $0.005 per 1,000 (https://cloud.google.com/storage/pricing).
   */
  s3StandardPerGbMonth: 0.023,
  s3PutPer1000: 0.005,
  gcsStandardPerGbMonth: 0.02,
  gcsClassAPer1000: 0.005,
  awsSpotDiscount: 0.7,
  gcpSpotDiscount: 0.7,
} as const;

/**
 * Reported creation times in minutes (schedule estimate), same date. Kubernetes objects without
 * volumes or load balancers take seconds.
 */
export const CREATION_MINUTES = {
  "eks:index:Cluster": 10,
  "eks:index:ManagedNodeGroup": 3,
  "awsx:ec2:Vpc": 2.5,
  "aws:ec2/natGateway:NatGateway": 2,
  "aws:eks/addon:Addon": 1,
  "gcp:container/cluster:Cluster:zonal": 5,
  "gcp:container/cluster:Cluster:regional": 12,
  "gcp:container/nodePool:NodePool": 1.5,
  "gcp:compute/routerNat:RouterNat": 1,
  /** Enabling an API; container.googleapis.com is the slowest of ours, ~1-2 min on a fresh project. */
  "gcp:projects/service:Service": 1,
  "kubernetes:helm.sh/v3:Release:kube-prometheus-stack": 2.5,
  "kubernetes:helm.sh/v3:Release": 1,
  // The controller's two pods and its webhook; atomic waits for them.
  "kubernetes:helm.sh/v3:Release:aws-load-balancer-controller": 1.5,
  // The controller creates the ALB and writes its name into the Ingress status, which Pulumi awaits.
  "kubernetes:networking.k8s.io/v1:Ingress": 2,
  // GKE's Ingress controller builds a global load balancer (URL maps, proxies, forwarding rules,
  // NEGs, health checks) before it writes the IP into the status: several minutes. The managed
  // certificate provisions after that, outside `pulumi up` (nothing waits for it).
  "kubernetes:networking.k8s.io/v1:Ingress:gce": 5,
  // A global address is reserved in seconds; an SSL policy too.
  "gcp:compute/globalAddress:GlobalAddress": 0.2,
  // ACM DNS validation: usually minutes once the records exist (up to 30 min when DNS is slow).
  "aws:acm/certificateValidation:CertificateValidation": 5,
  "kubernetes:apps/v1:StatefulSet": 1,
  "kubernetes:core/v1:Service:LoadBalancer": 1,
  default: 0.1,
} as const;
