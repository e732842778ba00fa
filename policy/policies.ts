// The policies, as plain data and functions. index.ts only wraps them in a PolicyPack (which
// starts a gRPC server); tests and `npm run plan` import this array directly.

import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsPolicies } from "./aws";
import { monthlyBudget } from "./budget";
import { gcpPolicies } from "./gcp";
import { kubernetesPolicies } from "./kubernetes";
import { nodesCapacity } from "./nodes";
import { storagePolicies } from "./storage";
import { teardownPolicies } from "./teardown";
import { remoteComponentOf } from "./urn";

export const PACK_NAME = "voting-platform";

/**
 * A Kubernetes provider without `clusterIdentifier` is replaced whenever its kubeconfig text
 * changes (a rotated token, a new endpoint format), and everything deployed through it with it.
 */
export const kubernetesProviderClusterIdentifier: ResourceValidationPolicy = {
  name: "kubernetes-provider-cluster-identifier",
  description: "Kubernetes providers set a stable clusterIdentifier, so a changed kubeconfig does not replace every object deployed through them.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "pulumi:providers:kubernetes") return;
    // @pulumi/eks creates its own provider beneath eks:index:Cluster (`<name>-eks-k8s`, only
    // kubeconfig and enableConfigMapMutable; nodejs/eks/cluster/cluster.ts createCore, v4.3.0).
    // The program cannot set its clusterIdentifier and deploys nothing through it (it uses its
    // own provider, which this policy does check); with authenticationMode API and no
    // storageClasses the component deploys nothing through it either.
    if (remoteComponentOf(args.urn)) return;
    const id: unknown = args.props["clusterIdentifier"];
    if (typeof id !== "string" || id.trim() === "") {
      reportViolation("Set clusterIdentifier on this Kubernetes provider (e.g. the cluster's name or ARN).");
    }
  },
};

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  kubernetesProviderClusterIdentifier,
  ...kubernetesPolicies,
  ...awsPolicies,
  ...gcpPolicies,
  ...storagePolicies,
  nodesCapacity,
  ...teardownPolicies,
  monthlyBudget,
];
