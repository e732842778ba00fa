// The one interface every cluster implementation returns. Workloads (voting app, monitoring)
// depend on this and nothing cloud-specific: what differs per cloud is a value here.

import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** How a Service that must be reached from outside the cluster is exposed. */
export type ServiceExposure =
  | {
      readonly type: "LoadBalancer";
      /** Annotations the cloud's load-balancer controller reads (e.g. NLB settings on EKS). */
      readonly annotations: Readonly<Record<string, string>>;
    }
  | { readonly type: "NodePort" };

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
}
