// The typed settings a stack resolves to. Components receive (parts of) these, never raw config.

import type { AppImage, CapacityType, Cloud, ControlPlaneLog, Environment, Size } from "./presets";

export interface AwsPlatformSettings {
  readonly cloud: "aws";
  readonly region: string;
  /**
   * Pinned AZs, by name (us-east-1a: account-specific) or by ID (use1-az1); empty means the
   * region's first `availabilityZoneCount` zones that EKS supports, by ID.
   */
  readonly availabilityZones: readonly string[];
  readonly availabilityZoneCount: number;
  readonly vpcCidr: string;
  readonly natGateways: "single" | "one-per-az";
  /** One managed node group per AZ (pods with EBS volumes), or one across all AZs. */
  readonly nodeGroupPerAz: boolean;
  /** Control-plane log retention; follows the environment, not allowDestroy. */
  readonly logRetentionDays: number;
  /** KMS key deletion window; follows the environment, not allowDestroy. */
  readonly keyDeletionWindowDays: number;
  readonly adminPrincipals: readonly string[];
  /** Read-only access to every Kubernetes object (the CI identity of previews and drift checks). */
  readonly viewPrincipals: readonly string[];
  /** Empty: the public API endpoint is off. */
  readonly publicAccessCidrs: readonly string[];
  readonly deletionProtection: boolean;
  readonly controlPlaneLogs: readonly ControlPlaneLog[];
  /** Route 53 hosted zone of the exposure's domain; set exactly when a domain is. */
  readonly hostedZoneId: string | undefined;
}

export interface GcpPlatformSettings {
  readonly cloud: "gcp";
  readonly project: string;
  readonly region: string;
  /** The cluster's zone when not regional; also the default node zone. */
  readonly zone: string;
  readonly regional: boolean;
  readonly subnetCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  /** CIDRs on the IP-based endpoint; empty: IP-based endpoints off, DNS-based endpoint only. */
  readonly authorizedNetworks: readonly string[];
  readonly deletionProtection: boolean;
  readonly secretsEncryption: boolean;
  /** Cloud DNS managed zone (its name) holding the exposure's domain; set only with a domain. */
  readonly dnsManagedZone: string | undefined;
}

/**
 * A config value that must stay secret: JSON, string conversion and console inspection show
 * "[secret]"; `reveal()` is for handing it to `pulumi.secret(...)`, nothing else.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return "[secret]";
  }
  toString(): string {
    return "[secret]";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[secret]";
  }
}

export interface ExistingPlatformSettings {
  readonly cloud: "existing";
  /**
   * The kubeconfig: a path or the file's contents (the Kubernetes provider takes either), always a
   * secret since it may hold a token. undefined: the provider's default ($KUBECONFIG, ~/.kube/config).
   */
  readonly kubeconfig: SecretValue | undefined;
  /** The kubeconfig context: explicit, so a changed current-context can't redirect the stack. */
  readonly context: string;
  readonly serviceType: "NodePort" | "LoadBalancer";
  readonly storageClass: string;
  /** The control plane's metrics are reachable from pods (not on kind/kubeadm defaults). */
  readonly scrapeControlPlane: boolean;
}

export type PlatformSettings = AwsPlatformSettings | GcpPlatformSettings | ExistingPlatformSettings;

export interface NodeSettings {
  readonly instanceTypes: readonly string[];
  readonly minCount: number;
  readonly maxCount: number;
  readonly diskSizeGb: number;
  readonly capacityType: CapacityType;
}

export interface AppSettings {
  readonly optionA: string;
  readonly optionB: string;
  readonly images: Readonly<Record<AppImage, string>>;
  /** redis_exporter and postgres_exporter, from the same registry choice as the app's images. */
  readonly exporterImages: { readonly redis: string; readonly postgres: string };
  readonly replicas: { readonly vote: number; readonly result: number; readonly worker: number };
  readonly voteMaxReplicas: number;
  readonly databaseStorageGb: number;
  /** Keep the database volume when the stack or the pod is deleted (PV reclaim policy Retain). */
  readonly retainData: boolean;
  /** Pulumi `protect` on stateful resources: off when allowDestroy is set. */
  readonly protectData: boolean;
}

/** Scheduled logical backups of the database (components/voting-app/backup.ts). */
export interface BackupSettings {
  readonly enabled: boolean;
  /** Cron expression, UTC (checked by stacks/cron.ts). */
  readonly schedule: string;
  readonly retentionDays: number;
}

/** Which alert receivers are configured (their URLs are secrets: see stacks/config.ts alertUrls). */
export interface AlertSettings {
  readonly webhook: boolean;
  readonly slack: boolean;
  readonly slackChannel: string;
  readonly minSeverity: "warning" | "critical";
}

/** How vote and result are reached from outside. */
export interface ExposureSettings {
  /** vote.<domain> and result.<domain> over HTTPS; undefined: plain HTTP on the load balancer's name. */
  readonly domain: string | undefined;
  /** Client CIDRs the load balancer admits; empty: anywhere. */
  readonly allowedCidrs: readonly string[];
}

export interface MonitoringSettings {
  readonly enabled: boolean;
  readonly alerts: AlertSettings;
  /** busybox for kube-prometheus-stack's CRD upgrade job. */
  readonly busyboxImage: string;
  readonly retentionDays: number;
  readonly storageGb: number;
  readonly grafana: { readonly persistence: boolean; readonly storageGb: number };
}

export interface Settings {
  readonly project: string;
  readonly stack: string;
  readonly environment: Environment;
  readonly size: Size;
  readonly kubernetesVersion: string;
  readonly platform: PlatformSettings;
  readonly nodes: NodeSettings;
  readonly app: AppSettings;
  readonly exposure: ExposureSettings;
  readonly backup: BackupSettings;
  readonly monitoring: MonitoringSettings;
  /** project, stack, environment, owner, cost-center: tags on AWS, labels on GCP and Kubernetes. */
  readonly tags: Readonly<Record<string, string>>;
}

export type { Cloud, Environment, Size };

/** One problem with one key: the key, the value given and what is allowed. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly message: string;
}

/** A warning: the same shape; `blocksUp` ones (placeholder values) also stop `pulumi up`. */
export interface ConfigWarning extends ConfigProblem {
  readonly blocksUp?: boolean;
}

export function formatProblem(p: ConfigProblem): string {
  const shown = p.value === undefined ? "(not set)" : JSON.stringify(p.value);
  return `${p.key} = ${shown}: ${p.message}`;
}
