// The one interface every cluster implementation returns. Workloads (voting app, monitoring)
// depend on this and nothing cloud-specific: what differs per cloud is a value here.

import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The two apps a browser opens. */
export type ExposedApp = "vote" | "result";

/** How one app is reached through an Ingress: its own listener port, or its host name. */
export interface IngressRoute {
  /** Annotations on this app's Ingress (listener ports, certificate). Values may come from other resources. */
  readonly annotations: Readonly<Record<string, pulumi.Input<string>>>;
  /** Host rule (with a domain); none: every host on this Ingress's listeners. */
  readonly host?: string;
  /** How the stack outputs its URL: the host (or the load balancer's address) with this scheme and port. */
  readonly url: { readonly scheme: "http" | "https"; readonly port: number };
}

/** A namespaced custom object, applied as is in the app's namespace. */
export interface CompanionObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** How the Services that must be reached from outside the cluster are exposed. */
export type ServiceExposure =
  | {
      readonly type: "LoadBalancer";
      /** Annotations the cloud's load-balancer controller reads. */
      readonly annotations: Readonly<Record<string, string>>;
      /** Client CIDRs allowed (spec.loadBalancerSourceRanges); empty: anywhere. */
      readonly sourceRanges: readonly string[];
    }
  | {
      readonly type: "NodePort";
      /** Fixed node ports, so that a kind cluster's extraPortMappings can target them. */
      readonly nodePorts: Readonly<Record<ExposedApp, number>>;
    }
  | {
      /** ClusterIP Services behind Ingresses that share one load balancer (EKS: an ALB; GKE: an external Application Load Balancer). */
      readonly type: "Ingress";
      /**
       * `spec.ingressClassName`. Absent where the controller reads the `kubernetes.io/ingress.class`
       * annotation instead (GKE: the API server rejects an Ingress that sets both).
       */
      readonly ingressClassName?: string;
      /**
       * "per-app": one Ingress per app, the controller merging them into one load balancer (an ALB
       * IngressGroup). "single": one Ingress carrying both apps' host rules, because each Ingress
       * is a load balancer of its own (GKE); the routes then need hosts, and the Ingress carries the
       * union of both routes' annotations (the platform gives them the same).
       */
      readonly layout: "per-app" | "single";
      /**
       * Objects the controller reads beside the Ingress, applied in the app's namespace before the
       * exposed Services and the Ingresses, which depend on them all (GKE: ManagedCertificate,
       * FrontendConfig, and the BackendConfigs the Services name). Plain Kubernetes objects: the
       * workloads stay free of cloud SDKs.
       */
      readonly companions: readonly CompanionObject[];
      /** Annotations on each exposed Service (its target group: health check). */
      readonly serviceAnnotations: Readonly<Record<string, string>>;
      /** Added to Services whose clients must keep their pod (result's socket.io): stickiness. */
      readonly stickyServiceAnnotations: Readonly<Record<string, string>>;
      /** Labels on the app's namespace (e.g. the controller's pod readiness gate injection). */
      readonly namespaceLabels: Readonly<Record<string, string>>;
      readonly routes: Readonly<Record<ExposedApp, IngressRoute>>;
      /** What the Ingresses must wait for: the controller whose webhook and IngressClass they need. */
      readonly dependsOn: readonly pulumi.Resource[];
    };

/**
 * Cluster components whose metrics exist to be scraped. Scraping one that is absent or bound to
 * localhost only raises false alerts (TargetDown, *Down, etcdInsufficientMembers).
 */
export interface MetricsTargets {
  /**
   * kube-controller-manager, kube-scheduler, etcd and kube-proxy metrics reachable from pods.
   * False on EKS/GKE (managed control plane) and on kubeadm/kind defaults (bound to 127.0.0.1).
   */
  readonly controlPlane: boolean;
  /** The cluster DNS: CoreDNS (metrics on :9153) or kube-dns (GKE Standard; :10054/:10055). */
  readonly clusterDns: "coredns" | "kube-dns";
}

/** What the backup job asks of the platform: who writes and who reads, and how long dumps are kept. */
export interface BackupStoreRequest {
  /** The app's namespace, where both ServiceAccounts live. */
  readonly namespace: string;
  /** The CronJob's ServiceAccount: may add dumps, nothing else. */
  readonly writerServiceAccount: string;
  /** The restore Job's ServiceAccount: may list and read dumps, nothing else. */
  readonly restoreServiceAccount: string;
  readonly retentionDays: number;
  /** Keep the store (and its dumps) when the stack is destroyed; protect it from deletion. */
  readonly retainData: boolean;
  readonly protectData: boolean;
}

/** One egress destination outside the cluster: an address block (with exceptions) and a TCP port. */
export interface ExternalEgress {
  readonly cidr: string;
  readonly except?: readonly string[];
  readonly port: number;
  /** Why the pod talks to it (kept in the README's flow table and the tests' messages). */
  readonly why: string;
}

/** Private, shared and link-local ranges: HTTPS egress to object storage excludes them (no pod, node or metadata service on 443). */
export const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"] as const;

/** HTTPS to public addresses only: object storage APIs have no fixed addresses a NetworkPolicy could name. */
export function publicHttps(why: string): ExternalEgress {
  return { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_RANGES], port: 443, why };
}

/** The tool that copies dumps to and from object storage, with the shell steps that use it. */
export interface ObjectStorageTool {
  /** Image, pinned by digest, from a registry without Docker Hub's anonymous pull limit. */
  readonly image: string;
  /** UID/GID to run as (the image's own user, or an unprivileged one where it has none). */
  readonly user: number;
  /** Environment the tool needs (region, writable config directory...); never credentials. */
  readonly env: Readonly<Record<string, string>>;
  /** sh script: upload every file `$DUMP_DIR/voting-*.dump` to `$BACKUP_URL/<file name>`. */
  readonly upload: string;
  /** sh script: download `$BACKUP_URL/$DUMP` (`latest`: the newest dump) to `$RESTORE_FILE`. */
  readonly download: string;
}

/**
 * Where database backups go. Object storage (S3, GCS) is created by the platform with its
 * workload identity bindings; a volume is a PersistentVolumeClaim the backup component creates.
 */
export type BackupStore =
  | {
      readonly type: "objectStorage";
      /** `s3://<bucket>/postgres` or `gs://<bucket>/postgres`: the prefix the dumps are written under. */
      readonly url: pulumi.Output<string>;
      readonly tool: ObjectStorageTool;
      /** Egress the tool needs besides DNS: the credential endpoint and the storage API (HTTPS). */
      readonly egress: readonly ExternalEgress[];
      /** Annotations on both ServiceAccounts (none where the binding is made on the cloud side). */
      readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
      /** What must exist before a job runs: the bucket, the identity bindings. */
      readonly dependsOn: readonly pulumi.Resource[];
    }
  | { readonly type: "volume" };

export interface Platform {
  /** Cluster name, also used in resource names and dashboards. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * Provider for everything deployed onto the cluster. Always built with a stable
   * `clusterIdentifier`, so that a refreshed kubeconfig (new token, new endpoint format) updates
   * the provider in place instead of replacing it and every object deployed through it.
   */
  readonly provider: k8s.Provider;
  /**
   * The kubeconfig, as a secret. `undefined` for an existing cluster: that kubeconfig is the
   * user's, and copying credentials into Pulumi state would only add a place to leak them.
   */
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** StorageClass for PersistentVolumeClaims (an Output where the platform creates it). */
  readonly storageClassName: pulumi.Input<string>;
  readonly exposure: ServiceExposure;
  /** What Prometheus can scrape on this cluster besides the workloads (see MetricsTargets). */
  readonly metricsTargets: MetricsTargets;
  /**
   * What workloads must wait for before their objects are applied: the nodes that run them and
   * the cluster DNS they resolve their peers with (EKS: the managed node group(s) and the CoreDNS
   * add-on; GKE: the node pool(s); an existing cluster: nothing). Without it a Deployment is
   * applied as soon as the API answers, minutes before any node exists, and its readiness wait
   * runs out on a slow first deploy. Pass it as `waitFor` to every component that deploys onto
   * the cluster: a component's own `dependsOn` is not inherited by its children.
   */
  readonly workloadsWaitFor: readonly pulumi.Resource[];
  /**
   * Publishes the app's load-balancer address (a host name) under the stack's domain, where the
   * platform manages DNS (EKS with a domain: Route 53 records). Absent: nothing to publish.
   */
  readonly publishAddress?: (address: pulumi.Output<string>) => void;
  /**
   * Creates (or names) where the database backups go: a bucket with workload-identity access for
   * the two ServiceAccounts on a cloud, a volume on an existing cluster. Called at most once.
   */
  readonly backupStore: (request: BackupStoreRequest) => BackupStore;
  /**
   * DNS records the user must create, where the platform serves a domain whose DNS it does not
   * manage (GKE with a domain and no gcpDnsManagedZone): "<name> A <address>". Absent: none.
   */
  readonly dnsRecordsToCreate?: pulumi.Output<string[]>;
}
