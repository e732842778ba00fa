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
   * DNS records the user must create, where the platform serves a domain whose DNS it does not
   * manage (GKE with a domain and no gcpDnsManagedZone): "<name> A <address>". Absent: none.
   */
  readonly dnsRecordsToCreate?: pulumi.Output<string[]>;
}
