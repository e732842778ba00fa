// The AWS Load Balancer Controller: turns the app's Ingresses into one Application Load Balancer.
// Without it, EKS's in-tree cloud provider serves `type: LoadBalancer` Services with the legacy
// path (critical fixes only, per the EKS docs), which ignores sessionAffinity and opens NodePorts
// to 0.0.0.0/0 on the nodes' security group.

import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import published from "./load-balancer-controller-iam-policy.json";
import { podIdentityTrustPolicy } from "./iam";

// Pinned: chart 3.5.0 of https://aws.github.io/eks-charts (2026-08-03, aws/eks-charts#1354) ships
// controller v3.5.0 (image public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0, no Docker Hub
// pull limit). Its IAM policy is the one published at the same tag, kept as data beside this
// (load-balancer-controller-iam-policy.json, with its source URL): update them together.
// The image stays the chart's tag: the chart and docs at v3.5.0 name no digest, and none could be
// verified offline (README, "Load balancer controller").
export const LOAD_BALANCER_CONTROLLER_CHART = {
  chart: "aws-load-balancer-controller",
  repo: "https://aws.github.io/eks-charts",
  version: "3.5.0",
  appVersion: "v3.5.0",
} as const;

/** The ServiceAccount the chart renders (serviceAccount.name), which the Pod Identity association targets. */
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The IngressClass the chart creates (values `ingressClass`, controller `ingress.k8s.aws/alb`). */
export const ALB_INGRESS_CLASS = "alb";

/** The controller's published IAM policy document for the pinned version, and where it came from. */
export const LOAD_BALANCER_CONTROLLER_IAM = {
  version: published.controllerVersion,
  source: published.source,
  policy: published.policy,
} as const;

export interface LoadBalancerControllerArgs {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  /** Replicas of the controller (one leads; the others answer its admission webhooks). */
  readonly replicas: number;
  /** Tags on every AWS resource the controller creates (ALB, target groups, security groups). */
  readonly tags: Readonly<Record<string, string>>;
  /** What must exist before the controller's pods can run (node group, CoreDNS, Pod Identity agent). */
  readonly waitFor: readonly pulumi.Resource[];
}

/** Helm values for the pinned chart (pure: tests read them). */
export function loadBalancerControllerValues(args: Omit<LoadBalancerControllerArgs, "waitFor" | "vpcId"> & { vpcId: pulumi.Input<string> }): Record<string, unknown> {
  return {
    clusterName: args.clusterName,
    // Nodes allow IMDSv2 with hop limit 1 (nodes.ts), so pods cannot reach instance metadata:
    // the controller cannot discover its region and VPC and must be told (LBC docs,
    // deploy/installation.md "Using the Amazon EC2 instance metadata server version 2").
    region: args.region,
    vpcId: args.vpcId,
    replicaCount: args.replicas,
    serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
    // IP targets are the pods themselves (VPC CNI): the ALB reaches them without NodePorts.
    defaultTargetType: "ip",
    // The chart's own IngressClass `alb` (controller ingress.k8s.aws/alb), which the app's Ingresses name.
    createIngressClassResource: true,
    ingressClass: ALB_INGRESS_CLASS,
    // No Service of this stack is type LoadBalancer on EKS. The mutating webhook would intercept
    // every Service created in the cluster with failurePolicy Fail: while the controller is down,
    // no Service (monitoring's included) could be created. Off.
    enableServiceMutatorWebhook: false,
    // The chart generates a new webhook certificate on each render unless told to keep it.
    keepTLSSecret: true,
    defaultTags: { ...args.tags },
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "384Mi" } },
    podDisruptionBudget: args.replicas > 1 ? { maxUnavailable: 1 } : {},
    securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    podSecurityContext: { fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
  };
}

/**
 * The controller as a Helm release in kube-system with its own Pod Identity role, carrying the
 * controller's published IAM policy. Returns the release: Ingresses must depend on it (its
 * validating webhook and IngressClass must exist before they are applied).
 */
export function createLoadBalancerController(
  name: string,
  args: LoadBalancerControllerArgs,
  cluster: eks.Cluster,
  k8sProvider: k8s.Provider,
  parent: pulumi.Resource,
  provider: aws.Provider,
): k8s.helm.v3.Release {
  const opts = { parent, provider };
  const role = new aws.iam.Role(`${name}-lb-controller`, { assumeRolePolicy: podIdentityTrustPolicy(), description: `AWS Load Balancer Controller ${LOAD_BALANCER_CONTROLLER_IAM.version} (Pod Identity)` }, opts);
  // Inline: the policy is 5,196 characters minified, within IAM's 10,240 for a role's inline policies.
  const policy = new aws.iam.RolePolicy(`${name}-lb-controller`, { role: role.id, policy: JSON.stringify(LOAD_BALANCER_CONTROLLER_IAM.policy) }, opts);
  const association = new aws.eks.PodIdentityAssociation(
    `${name}-lb-controller`,
    { clusterName: cluster.eksCluster.name, namespace: "kube-system", serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, roleArn: role.arn },
    { ...opts, dependsOn: [policy, ...args.waitFor] },
  );
  return new k8s.helm.v3.Release(
    `${name}-lb-controller`,
    {
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      chart: LOAD_BALANCER_CONTROLLER_CHART.chart,
      version: LOAD_BALANCER_CONTROLLER_CHART.version,
      repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER_CHART.repo },
      // atomic waits for the Deployment to be ready: the webhook answers once the release is done.
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
      values: loadBalancerControllerValues(args),
    },
    { parent, provider: k8sProvider, dependsOn: [association, ...args.waitFor] },
  );
}
