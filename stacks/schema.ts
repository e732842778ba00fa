// Every config key this program reads, in one table: its Pulumi type, default and meaning.
// Pulumi.yaml's `config:` block and the README's config reference are checked against it by tests.
//
// Why flat keys: Pulumi's project config block can only declare string, integer, boolean and
// array types, and once a project declares any key, every `voting-platform:` key a stack uses
// must be declared. Why neutral defaults ("" / 0 / []): a declared key without a default is
// mandatory in every stack, and many of our defaults depend on the size or environment, so the
// neutral value means "take it from the size preset or environment defaults" (stacks/presets.ts).

import { DEFAULT_KUBERNETES_VERSION } from "./catalog";

export const PROJECT = "voting-platform";

export type ConfigType = "string" | "integer" | "boolean" | "array";
export type ConfigGroup = "core" | "aws" | "gcp" | "existing" | "nodes" | "app" | "backup" | "monitoring";

export interface ConfigKeySpec {
  readonly type: ConfigType;
  readonly group: ConfigGroup;
  readonly description: string;
  /** Absent: the key is required in every stack file. */
  readonly default?: string | number | boolean | readonly string[];
}

export const CONFIG_KEYS = {
  // core
  cloud: { type: "string", group: "core", description: "Where the cluster comes from: aws (EKS), gcp (GKE) or existing (a kubeconfig)." },
  environment: { type: "string", group: "core", description: "dev, staging or prod: picks NAT strategy, spot, deletion protection, replicas and policy levels." },
  size: { type: "string", group: "core", description: "small, medium or large: node shapes and counts, replicas, Prometheus retention and storage." },
  kubernetesVersion: { type: "string", group: "core", default: DEFAULT_KUBERNETES_VERSION, description: "Kubernetes minor version of the cluster (pinned; upgrades are deliberate)." },
  owner: { type: "string", group: "core", default: "", description: "Owner tag/label on every resource; required in staging and prod." },
  costCenter: { type: "string", group: "core", default: "", description: "Cost-center tag/label on every resource (empty: not set)." },
  allowDestroy: { type: "boolean", group: "core", default: false, description: "Turn off cluster deletion protection and resource protection, so that `pulumi destroy` can run (prod). Data volumes are still retained." },
  // aws
  awsRegion: { type: "string", group: "aws", default: "", description: "AWS region (required when cloud is aws)." },
  awsAvailabilityZones: { type: "array", group: "aws", default: [], description: "AZs for subnets, as names (us-east-1a) or IDs (use1-az1); empty: the region's first 2 (3 in prod) zone IDs that EKS supports." },
  awsVpcCidr: { type: "string", group: "aws", default: "10.0.0.0/16", description: "VPC CIDR, /16 to /24: private subnets (half the VPC) and public ones per AZ; each private subnet at least a /24." },
  awsAdminPrincipals: { type: "array", group: "aws", default: [], description: "IAM role/user ARNs given cluster-admin through EKS access entries." },
  awsViewPrincipals: { type: "array", group: "aws", default: [], description: "IAM role/user ARNs given read access to every Kubernetes object, Secrets included (AmazonEKSAdminViewPolicy), through EKS access entries: the CI identity of previews and drift checks." },
  awsPublicAccessCidrs: { type: "array", group: "aws", default: [], description: "CIDRs allowed to reach the public API endpoint; empty: public endpoint off (private only). Never 0.0.0.0/0 in prod." },
  awsHostedZoneId: { type: "string", group: "aws", default: "", description: "Route 53 hosted zone (Z...) holding `domain`: ACM validation records and the vote/result records go there. Required with `domain` on aws." },
  // gcp
  gcpProject: { type: "string", group: "gcp", default: "", description: "GCP project ID (required when cloud is gcp)." },
  gcpRegion: { type: "string", group: "gcp", default: "", description: "GCP region (required when cloud is gcp)." },
  gcpZone: { type: "string", group: "gcp", default: "", description: "Zone of a zonal (non-prod) cluster, in gcpRegion; empty: <region>-b." },
  gcpSubnetCidr: { type: "string", group: "gcp", default: "10.10.0.0/20", description: "Primary range of the node subnetwork." },
  gcpPodsCidr: { type: "string", group: "gcp", default: "10.16.0.0/14", description: "Secondary range for pods (at least /21): a /24 per node, for the maximum node count plus upgrade surge." },
  gcpServicesCidr: { type: "string", group: "gcp", default: "10.20.0.0/20", description: "Secondary range for Services (at least /24)." },
  gcpAuthorizedNetworks: { type: "array", group: "gcp", default: [], description: "CIDRs allowed on the control plane's IP-based endpoint; empty: that endpoint is off and the control plane is reached through its DNS-based endpoint only (IAM: container.clusters.connect). Never 0.0.0.0/0 in prod." },
  gcpDnsManagedZone: { type: "string", group: "gcp", default: "", description: "Cloud DNS managed zone (its name, e.g. apps-example-com) in gcpProject holding `domain`: the vote/result A records go there. Empty with `domain` on gcp: the stack outputs the records (dnsRecordsToCreate) for you to create wherever the domain's DNS is." },
  // existing
  kubeconfig: { type: "string", group: "existing", default: "", description: "Path to the kubeconfig of an existing cluster; empty: $KUBECONFIG or ~/.kube/config." },
  kubeContext: { type: "string", group: "existing", default: "", description: "Context in that kubeconfig (required when cloud is existing)." },
  existingServiceType: { type: "string", group: "existing", default: "NodePort", description: "How vote and result are exposed on an existing cluster: NodePort or LoadBalancer." },
  existingStorageClass: { type: "string", group: "existing", default: "standard", description: "StorageClass for volumes on an existing cluster (kind and minikube ship 'standard')." },
  existingScrapeControlPlane: { type: "boolean", group: "existing", default: false, description: "Scrape the controller-manager, scheduler, etcd and kube-proxy of an existing cluster. Only for clusters that expose them to pods: kind and kubeadm bind them to 127.0.0.1, where scraping only raises false alerts." },
  // nodes
  nodeInstanceTypes: { type: "array", group: "nodes", default: [], description: "Node machine types; empty: the size preset's. On AWS one shape (same vCPU, memory and architecture: the autoscaler sizes scale-ups from it); GKE: one type." },
  nodeMinCount: { type: "integer", group: "nodes", default: 0, description: "Minimum nodes in total (across zones on a regional GKE cluster); 0: the size preset's." },
  nodeMaxCount: { type: "integer", group: "nodes", default: 0, description: "Maximum nodes in total the autoscaler may reach; 0: the size preset's." },
  nodeDiskSizeGb: { type: "integer", group: "nodes", default: 0, description: "Node root disk in GB (20 to 500); 0: the size preset's." },
  nodeCapacityType: { type: "string", group: "nodes", default: "", description: "on-demand or spot; empty: spot in dev, on-demand elsewhere." },
  // app
  domain: { type: "string", group: "app", default: "", description: "Your domain: vote.<domain> and result.<domain> over HTTPS with a managed certificate (aws: ACM, needs awsHostedZoneId; gcp: a Google-managed certificate on a GKE Ingress, DNS in gcpDnsManagedZone or by you). Empty: plain HTTP on the load balancer's name." },
  appAllowedCidrs: { type: "array", group: "app", default: [], description: "Client CIDRs allowed to reach vote and result through the load balancer; empty: anywhere. Not with NodePort." },
  voteOptionA: { type: "string", group: "app", default: "Cats", description: "First choice shown by vote (OPTION_A)." },
  voteOptionB: { type: "string", group: "app", default: "Dogs", description: "Second choice shown by vote (OPTION_B)." },
  voteImage: { type: "string", group: "app", default: "", description: "vote image; empty: the pinned digest in stacks/presets.ts." },
  resultImage: { type: "string", group: "app", default: "", description: "result image; empty: the pinned digest." },
  workerImage: { type: "string", group: "app", default: "", description: "worker image; empty: the pinned digest." },
  redisImage: { type: "string", group: "app", default: "", description: "Redis image; empty: the pinned digest." },
  postgresImage: { type: "string", group: "app", default: "", description: "Postgres image; empty: the pinned digest." },
  databaseStorageGb: { type: "integer", group: "app", default: 0, description: "Postgres volume in GB (1 to 1000); 0: the size preset's (2/5/20). Raising it grows the claim in place; volumes never shrink." },
  imageRegistryMirror: { type: "string", group: "app", default: "", description: "A private mirror of Docker Hub (registry host and path prefix, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub): every default docker.io image is pulled from it, same digests. Empty: ECR Public for Docker Official Images on AWS, docker.io elsewhere." },
  // backup
  backupEnabled: { type: "boolean", group: "backup", default: true, description: "Scheduled logical backups of Postgres (pg_dump, compressed): to an encrypted, versioned bucket the stack creates on aws (S3) and gcp (GCS), written through workload identity; to a volume in the app's namespace on existing." },
  backupSchedule: { type: "string", group: "backup", default: "17 3 * * *", description: "When the backup runs: a cron expression (five fields: minute hour day-of-month month day-of-week, or @daily/@hourly/@weekly/@monthly/@yearly), in UTC." },
  backupRetentionDays: { type: "integer", group: "backup", default: 0, description: "Days a backup is kept (1 to 365); 0: the environment's default (dev 7, staging 14, prod 30). Buckets keep a replaced or deleted backup as an older version that many days more." },
  // monitoring
  monitoringEnabled: { type: "boolean", group: "monitoring", default: true, description: "Deploy kube-prometheus-stack and Grafana." },
  prometheusRetentionDays: { type: "integer", group: "monitoring", default: 0, description: "Prometheus retention in days (1 to 90); 0: the size preset's." },
  alertWebhookUrl: { type: "string", group: "monitoring", default: "", description: "Generic webhook that receives alerts (Alertmanager's JSON, POST). Set it as a secret: pulumi config set --secret voting-platform:alertWebhookUrl https://..." },
  alertSlackWebhookUrl: { type: "string", group: "monitoring", default: "", description: "Slack incoming-webhook URL for alerts (https://hooks.slack.com/services/...). Set it as a secret." },
  alertSlackChannel: { type: "string", group: "monitoring", default: "", description: "Slack channel (#name) overriding the webhook's own; empty: the webhook's channel." },
  alertMinSeverity: { type: "string", group: "monitoring", default: "warning", description: "Lowest severity sent to the receivers: warning (warnings every 4 h, critical every hour) or critical (critical only)." },
  prometheusStorageGb: { type: "integer", group: "monitoring", default: 0, description: "Prometheus volume in GB (5 to 500); 0: the size preset's." },
} as const satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export const configKeyNames = Object.keys(CONFIG_KEYS) as ConfigKey[];

/** `voting-platform:<key>`, as written in stack files and error messages. */
export function qualified(key: string): string {
  return `${PROJECT}:${key}`;
}

/** The `config:` block Pulumi.yaml must carry, derived from the table. */
export function projectConfigBlock(): Record<string, { type: ConfigType; description: string; default?: unknown; items?: { type: "string" } }> {
  const block: Record<string, { type: ConfigType; description: string; default?: unknown; items?: { type: "string" } }> = {};
  for (const name of configKeyNames) {
    const spec: ConfigKeySpec = CONFIG_KEYS[name];
    block[name] = {
      type: spec.type,
      description: spec.description,
      ...(spec.type === "array" ? { items: { type: "string" as const } } : {}),
      ...(spec.default === undefined ? {} : { default: spec.default }),
    };
  }
  return block;
}

/** The README's config reference table, derived from the table. */
export function configReferenceMarkdown(): string {
  const rows = configKeyNames.map((name) => {
    const spec: ConfigKeySpec = CONFIG_KEYS[name];
    const def = spec.default === undefined ? "**required**" : `\`${JSON.stringify(spec.default)}\``;
    return `| \`${name}\` | ${spec.group} | ${spec.type} | ${def} | ${spec.description} |`;
  });
  return ["| key (`voting-platform:`) | group | type | default | meaning |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/**
 * The keys `pulumi new <repo-url>` prompts for (Pulumi.yaml's `template:` block), in this order of
 * importance. Only string keys: `pulumi new` saves each answer as a plain string value
 * (pulumi/pulumi pkg/cmd/pulumi/newcmd/config.go, promptForConfig: `config.NewValue(value)`), which
 * the project's declared `array` type would then reject — so list keys (admin principals, allowed
 * CIDRs) are set afterwards with `pulumi config set --path`, as the README's paths show. An empty
 * answer is not saved (same function), so "" defaults leave the schema's default in force.
 */
export const TEMPLATE_KEYS = ["cloud", "environment", "size", "owner", "kubeContext", "awsRegion", "gcpProject", "gcpRegion"] as const satisfies readonly ConfigKey[];

/** Defaults offered at the `pulumi new` prompts: the path that needs no cloud account. */
const TEMPLATE_DEFAULTS: Partial<Record<(typeof TEMPLATE_KEYS)[number], string>> = { cloud: "existing", environment: "dev", size: "small" };

/** Pulumi.yaml's `template:` block, derived from the table (same descriptions as the config reference). */
export function projectTemplateBlock(): { displayName: string; description: string; config: Record<string, { description: string; default?: string }> } {
  const config: Record<string, { description: string; default?: string }> = {};
  for (const key of TEMPLATE_KEYS) {
    const spec: ConfigKeySpec = CONFIG_KEYS[key];
    if (spec.type !== "string") throw new Error(`template key ${key} must be a string key (pulumi new saves answers as strings)`);
    const def = TEMPLATE_DEFAULTS[key];
    config[qualified(key)] = { description: spec.description, ...(def === undefined ? {} : { default: def }) };
  }
  return {
    displayName: "Voting app on EKS, GKE or an existing cluster",
    description: "The five-service voting app with Prometheus and Grafana, on EKS, GKE or kind, gated by a CrossGuard policy pack.",
    config,
  };
}
