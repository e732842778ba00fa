import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { BackupStore, ExposedApp, MetricsTargets, Platform, ServiceExposure } from "../platform";

/**
 * Fixed NodePorts for vote and result (in the default 30000-32767 range), so that a kind cluster's
 * extraPortMappings (kind-config.yaml: host 8080 and 8081) can target them.
 */
export const NODE_PORTS: Readonly<Record<ExposedApp, number>> = { vote: 30080, result: 30081 };

export interface ExistingPlatformArgs {
  /**
   * A kubeconfig: the path of a file or its contents (the provider takes either). Pass it as a
   * secret (pulumi.secret): contents may carry a token, and provider inputs are stored in state.
   * @default the provider's loading rules ($KUBECONFIG, then ~/.kube/config)
   */
  readonly kubeconfig?: pulumi.Input<string>;
  /** The kubeconfig context to use. Required: a changed current-context must not redirect a stack. */
  readonly context: string;
  /** @default "NodePort" (kind and kubeadm clusters have no load-balancer controller) */
  readonly serviceType?: "NodePort" | "LoadBalancer";
  /** @default "standard" (what kind and minikube ship) */
  readonly storageClassName?: string;
  /**
   * Scrape the controller-manager, scheduler, etcd and kube-proxy: only for clusters that bind
   * their metrics to an address pods can reach (kind and kubeadm defaults bind 127.0.0.1).
   * @default false
   */
  readonly scrapeControlPlane?: boolean;
  /** Client CIDRs a LoadBalancer Service admits (loadBalancerSourceRanges). @default anywhere */
  readonly allowedCidrs?: readonly string[];
}

/**
 * A cluster you already have: kind, minikube, kubeadm, kops. Creates only the Kubernetes
 * provider; the cluster's lifecycle is not this stack's.
 */
export class ExistingPlatform extends pulumi.ComponentResource implements Platform {
  readonly clusterName: string;
  readonly provider: k8s.Provider;
  readonly kubeconfig = undefined;
  readonly storageClassName: string;
  readonly exposure: ServiceExposure;
  readonly metricsTargets: MetricsTargets;
  /** The cluster is already running: nothing to wait for. */
  readonly workloadsWaitFor: readonly pulumi.Resource[] = [];
  /** No object storage of the stack's own: backups go to a volume in the app's namespace. */
  readonly backupStore = (): BackupStore => ({ type: "volume" });

  constructor(name: string, args: ExistingPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:existing:ExistingPlatform", name, {}, opts);
    this.clusterName = args.context;
    this.storageClassName = args.storageClassName ?? "standard";
    // kind, kubeadm, minikube and kops run CoreDNS.
    this.metricsTargets = { controlPlane: args.scrapeControlPlane ?? false, clusterDns: "coredns" };
    this.exposure = args.serviceType === "LoadBalancer" ? { type: "LoadBalancer", annotations: {}, sourceRanges: args.allowedCidrs ?? [] } : { type: "NodePort", nodePorts: NODE_PORTS };
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: args.kubeconfig,
        context: args.context,
        // The context names the cluster; the file path may move without meaning another cluster.
        clusterIdentifier: `existing/${args.context}`,
      },
      { parent: this },
    );
    this.registerOutputs({ clusterName: this.clusterName, storageClassName: this.storageClassName, serviceType: this.exposure.type });
  }
}
