// Size presets and environment defaults: data, not code. Settings fall back to these when a
// stack file leaves a key at its neutral default (see stacks/schema.ts).

import type { AwsInstanceType, GcpMachineType } from "./catalog";

export const SIZES = ["small", "medium", "large"] as const;
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const CLOUDS = ["aws", "gcp", "existing"] as const;

export type Size = (typeof SIZES)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type Cloud = (typeof CLOUDS)[number];
export type CapacityType = "on-demand" | "spot";

export interface SizePreset {
  readonly aws: { readonly instanceTypes: readonly AwsInstanceType[] };
  readonly gcp: { readonly machineTypes: readonly GcpMachineType[] };
  /** Node counts in total (GKE: totalMin/totalMaxNodeCount across the zones of a regional cluster). */
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
  readonly replicas: { readonly vote: number; readonly result: number; readonly worker: number };
  /** Upper bound of vote's HorizontalPodAutoscaler. */
  readonly voteMaxReplicas: number;
  readonly databaseStorageGb: number;
  readonly prometheus: { readonly retentionDays: number; readonly storageGb: number };
  readonly grafana: { readonly persistence: boolean; readonly storageGb: number };
}

// Two same-shaped EC2 types per size: spot capacity is drawn from both pools (fewer
// interruptions), and the Cluster Autoscaler treats them as one shape. On-demand uses the first.
// small fits the voting app, the monitoring stack (~0.4 vCPU, 2.1 GiB requested) and the system
// add-ons on two 2-vCPU/4-GiB nodes (t3.medium: 17 pods each). GKE's own system pods are heavier,
// so small uses e2-standard-2 (8 GiB) there.
export const SIZE_PRESETS: Readonly<Record<Size, SizePreset>> = {
  small: {
    aws: { instanceTypes: ["t3.medium", "t3a.medium"] },
    gcp: { machineTypes: ["e2-standard-2"] },
    minNodes: 2,
    maxNodes: 4,
    diskSizeGb: 20,
    replicas: { vote: 1, result: 1, worker: 1 },
    voteMaxReplicas: 3,
    databaseStorageGb: 2,
    prometheus: { retentionDays: 3, storageGb: 10 },
    grafana: { persistence: false, storageGb: 1 },
  },
  medium: {
    aws: { instanceTypes: ["t3.large", "t3a.large"] },
    gcp: { machineTypes: ["e2-standard-4"] },
    minNodes: 2,
    maxNodes: 6,
    diskSizeGb: 30,
    replicas: { vote: 2, result: 2, worker: 1 },
    voteMaxReplicas: 6,
    databaseStorageGb: 5,
    prometheus: { retentionDays: 7, storageGb: 20 },
    grafana: { persistence: true, storageGb: 2 },
  },
  large: {
    aws: { instanceTypes: ["m7i.large", "m6i.large"] },
    gcp: { machineTypes: ["e2-standard-4"] },
    minNodes: 3,
    maxNodes: 9,
    diskSizeGb: 50,
    replicas: { vote: 3, result: 2, worker: 2 },
    voteMaxReplicas: 10,
    databaseStorageGb: 20,
    prometheus: { retentionDays: 15, storageGb: 50 },
    grafana: { persistence: true, storageGb: 5 },
  },
};

export type ControlPlaneLog = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";

export interface EnvironmentDefaults {
  readonly capacityType: CapacityType;
  /** AWS: one NAT gateway for the VPC, or one per AZ (survives the loss of an AZ). */
  readonly natGateways: "single" | "one-per-az";
  /**
   * AWS: one managed node group per AZ. Off in dev: its spot nodes are cheaper to find across all
   * AZs in one group, and its volumes are throwaway (a Pending pod is a nuisance there, not an outage).
   */
  readonly nodeGroupPerAz: boolean;
  /** AZs when awsAvailabilityZones is empty. */
  readonly availabilityZoneCount: number;
  readonly deletionProtection: boolean;
  readonly controlPlaneLogs: readonly ControlPlaneLog[];
  /** GCP: regional control plane and nodes in three zones, or one zone (free-tier credit). */
  readonly regionalCluster: boolean;
  /** GCP: Cloud KMS envelope encryption of Secrets (AWS always encrypts: a KMS key is $1/month). */
  readonly gcpSecretsEncryption: boolean;
  /** Keep data when the stack or a pod is deleted: Retain PVs, protect the database. */
  readonly retainData: boolean;
  /** Days a database backup is kept (backupRetentionDays 0). */
  readonly backupRetentionDays: number;
  /** Stateless workloads get at least this many replicas. */
  readonly minReplicas: number;
  readonly requireOwner: boolean;
}

export const ENVIRONMENT_DEFAULTS: Readonly<Record<Environment, EnvironmentDefaults>> = {
  dev: {
    capacityType: "spot",
    natGateways: "single",
    nodeGroupPerAz: false,
    availabilityZoneCount: 2,
    deletionProtection: false,
    controlPlaneLogs: ["audit", "authenticator"],
    regionalCluster: false,
    gcpSecretsEncryption: false,
    retainData: false,
    backupRetentionDays: 7,
    minReplicas: 1,
    requireOwner: false,
  },
  staging: {
    capacityType: "on-demand",
    natGateways: "single",
    nodeGroupPerAz: true,
    availabilityZoneCount: 2,
    deletionProtection: false,
    controlPlaneLogs: ["api", "audit", "authenticator"],
    regionalCluster: false,
    gcpSecretsEncryption: false,
    retainData: false,
    backupRetentionDays: 14,
    minReplicas: 1,
    requireOwner: true,
  },
  prod: {
    capacityType: "on-demand",
    natGateways: "one-per-az",
    nodeGroupPerAz: true,
    availabilityZoneCount: 3,
    deletionProtection: true,
    controlPlaneLogs: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    regionalCluster: true,
    gcpSecretsEncryption: true,
    retainData: true,
    backupRetentionDays: 30,
    minReplicas: 2,
    requireOwner: true,
  },
};

// Images pinned by digest. The voting-app images publish only moving tags (latest, before, after),
// so a tag alone would change under a running stack. These digests are the multi-arch index
// digests that `latest` / the named tags resolved to when recorded (containerd "Image ID",
// 2025-09); update them deliberately, together, after testing.
export const DEFAULT_IMAGES = {
  vote: "docker.io/dockersamples/examplevotingapp_vote@sha256:7102d3b952ec84e3541ee12e7217e320c52aed60b13501c3158f46376a907466",
  result: "docker.io/dockersamples/examplevotingapp_result@sha256:06c50992ab258e1d83406784040842bb920f6938eabac19261e7ec634f878935",
  worker: "docker.io/dockersamples/examplevotingapp_worker@sha256:c8a8571065479c12567e8e440836e543d185c678cd4781a32b100f71e8f39c86",
  redis: "docker.io/library/redis:alpine@sha256:987c376c727652f99625c7d205a1cba3cb2c53b92b0b62aade2bd48ee1593232",
  postgres: "docker.io/library/postgres:15-alpine@sha256:dfcf0459185089e88a43197975780f5a3078acd5ece84824a14c9d6fbbab02d0",
} as const;

export type AppImage = keyof typeof DEFAULT_IMAGES;

// Exporters (Deployments of their own beside Redis and Postgres). Digests as published for these tags; both
// images run as fixed non-root users (redis_exporter 59000, postgres_exporter nobody/65534).
export const EXPORTER_IMAGES = {
  redis: "docker.io/oliver006/redis_exporter:v1.73.0@sha256:1a8f5e48b2af0fb02d182be3ddd623e7e39881b6464bdb5bf843b1f6d45ed050",
  postgres: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0@sha256:6999a7657e2f2fb0ca6ebf417213eebf6dc7d21b30708c622f6fcb11183a2bb0",
} as const;

// The tools that copy database dumps to and from object storage (components/*/backup.ts), from
// their vendors' registries (no Docker Hub pull limit). Digests as pinned in public repositories
// for these tags (found by search: a Helm chart's aws-sts init container, a Dockerfile's gcloud
// stage); not pulled here (no registry access), so a real deploy is what confirms them (README).
// - AWS CLI v2 (public.ecr.aws/aws-cli/aws-cli): reads EKS Pod Identity credentials from the
//   container credential provider (AWS_CONTAINER_CREDENTIALS_FULL_URI + token file) since 2.15.
// - Google Cloud CLI, alpine variant (gcr.io/google.com/cloudsdktool/google-cloud-cli): the
//   smallest official image with `gcloud storage`; uses the GKE metadata server's credentials.
export const BACKUP_TOOL_IMAGES = {
  awsCli: "public.ecr.aws/aws-cli/aws-cli:2.36.49@sha256:f42bf088cb1456ba9e179ce71fdeb22cc46ff64ea1e3aeae8251ff81391f5bb1",
  googleCloudCli: "gcr.io/google.com/cloudsdktool/google-cloud-cli:543.0.0-alpine@sha256:86c6ed837f252dcd7eca2d4bc68907f48a9558d4b8a0f30bb008faea36665eee",
} as const;

// Images inside the charts that the charts leave on a moving tag. busybox (the CRD upgrade job's
// init container, which only runs bzcat) defaults to docker.io busybox:latest in
// kube-prometheus-stack 88.5.3's values.yaml (crds.upgradeJob.image.busybox).
export const CHART_IMAGES = {
  busybox: "docker.io/library/busybox:1.37.0",
} as const;

/**
 * Where a Docker Official Image ("docker.io/library/...") is pulled from, per cloud. Docker Hub
 * limits anonymous pulls to 10 per hour per IPv4 address (since April 2025), shared by every node
 * behind one NAT address. ECR Public hosts the Docker Official Images as copies of Docker Hub's
 * (gallery.ecr.aws/docker/library; the same manifests, so the same digests) with no such limit for
 * pulls from AWS. GKE nodes already pull docker.io images through mirror.gcr.io (containerd's
 * registry mirror on GKE nodes, cloud.google.com/kubernetes-engine/docs/how-to/image-streaming and
 * /container-registry/docs/pulling-cached-images), falling back to Docker Hub for what it has not
 * cached, so docker.io references stay as they are there.
 */
export const DOCKER_LIBRARY_REGISTRY: Readonly<Record<Cloud, string>> = {
  aws: "public.ecr.aws/docker/library",
  gcp: "docker.io/library",
  existing: "docker.io/library",
};

/**
 * The reference a node pulls for a default image: a private mirror of Docker Hub when one is set
 * (e.g. an ECR pull-through cache `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub`, an Artifact
 * Registry remote repository `<region>-docker.pkg.dev/<project>/<repo>`, Harbor), else the cloud's
 * registry for Docker Official Images. The digest is kept: a mirror serves the same manifest.
 */
export function imageFor(ref: string, cloud: Cloud, mirror: string): string {
  if (!ref.startsWith("docker.io/")) return ref;
  if (mirror !== "") return `${mirror}/${ref.slice("docker.io/".length)}`;
  return ref.startsWith("docker.io/library/") ? `${DOCKER_LIBRARY_REGISTRY[cloud]}/${ref.slice("docker.io/library/".length)}` : ref;
}
