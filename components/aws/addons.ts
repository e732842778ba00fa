import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EBS_CSI_POLICY_ARN, clusterAutoscalerPolicy, podIdentityTrustPolicy } from "./iam";

// Pinned: the autoscaler supports only its own Kubernetes minor, so chart and image follow the
// cluster's 1.35. Chart 9.59.0 (2026-07) defaults to image v1.35.0; v1.35.2 is the latest 1.35
// patch (registry.k8s.io/autoscaling/cluster-autoscaler; v1.35.1 promoted in kubernetes/k8s.io#9676),
// pinned by digest so the tag cannot move under us.
export const CLUSTER_AUTOSCALER_CHART = {
  chart: "cluster-autoscaler",
  repo: "https://kubernetes.github.io/autoscaler",
  version: "9.59.0",
  image: "registry.k8s.io/autoscaling/cluster-autoscaler",
  imageTag: "v1.35.2@sha256:aac369dc283927a623deb1af54696efcc722ae79255aa07788422e495bab887d",
} as const;

/** The ServiceAccount the chart renders (rbac.serviceAccount.name), which Pod Identity targets. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

export interface AddonsArgs {
  readonly clusterName: string;
  readonly region: string;
  /** Keep volumes (Retain) when their claims are deleted. */
  readonly retainVolumes: boolean;
}

export interface Addons {
  readonly storageClass: k8s.storage.v1.StorageClass;
  readonly coredns: aws.eks.Addon;
  readonly autoscaler: k8s.helm.v3.Release;
  readonly podIdentityAgent: aws.eks.Addon;
  /** The EBS CSI driver: what provisions, attaches and deletes the volumes of every claim. */
  readonly ebsCsi: aws.eks.Addon;
}

function podIdentityRole(name: string, description: string, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  return new aws.iam.Role(name, { assumeRolePolicy: podIdentityTrustPolicy(), description }, opts);
}

/**
 * Managed add-ons through aws.eks.Addon (it takes Pod Identity associations, which eks.Addon does
 * not), the default StorageClass and the Cluster Autoscaler. Versions of managed add-ons are left
 * to EKS's default for the cluster's Kubernetes version: valid build strings can only be listed
 * with `aws eks describe-addon-versions` against a real account.
 */
export function createAddons(
  name: string,
  args: AddonsArgs,
  cluster: eks.Cluster,
  nodeGroups: readonly eks.ManagedNodeGroup[],
  k8sProvider: k8s.Provider,
  parent: pulumi.Resource,
  provider: aws.Provider,
): Addons {
  const opts = { parent, provider };
  const clusterName = cluster.eksCluster.name;
  const managed = { resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" } as const;

  const podIdentityAgent = new aws.eks.Addon(`${name}-pod-identity-agent`, { clusterName, addonName: "eks-pod-identity-agent", ...managed }, opts);

  // CoreDNS after the nodes exist (see cluster.ts).
  const coredns = new aws.eks.Addon(`${name}-coredns`, { clusterName, addonName: "coredns", ...managed }, { ...opts, dependsOn: [...nodeGroups] });
  // Resource metrics for HorizontalPodAutoscalers (EKS does not run metrics-server by default;
  // it is offered as an EKS community add-on).
  new aws.eks.Addon(`${name}-metrics-server`, { clusterName, addonName: "metrics-server", ...managed }, { ...opts, dependsOn: [...nodeGroups] });

  const ebsRole = podIdentityRole(`${name}-ebs-csi`, "EBS CSI driver controller (Pod Identity)", opts);
  new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, { role: ebsRole.name, policyArn: EBS_CSI_POLICY_ARN }, opts);
  const ebsCsi = new aws.eks.Addon(
    `${name}-ebs-csi`,
    {
      clusterName,
      addonName: "aws-ebs-csi-driver",
      podIdentityAssociations: [{ roleArn: ebsRole.arn, serviceAccount: "ebs-csi-controller-sa" }],
      ...managed,
    },
    { ...opts, dependsOn: [podIdentityAgent, ...nodeGroups] },
  );

  // The default StorageClass workloads get through the platform interface.
  const storageClass = new k8s.storage.v1.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: "gp3-encrypted", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      // Bind in the AZ where the pod is scheduled: an EBS volume cannot follow a pod across AZs.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: args.retainVolumes ? "Retain" : "Delete",
    },
    // Needs the API only: claims wait (WaitForFirstConsumer) until a pod is scheduled, by when the
    // driver runs; waiting for the add-on here only lengthened the first deploy.
    { parent, provider: k8sProvider },
  );

  const autoscalerRole = podIdentityRole(`${name}-cluster-autoscaler`, "Cluster Autoscaler (Pod Identity)", opts);
  new aws.iam.RolePolicy(`${name}-cluster-autoscaler`, { role: autoscalerRole.id, policy: clusterAutoscalerPolicy(args.clusterName) }, opts);
  const association = new aws.eks.PodIdentityAssociation(
    `${name}-cluster-autoscaler`,
    { clusterName, namespace: "kube-system", serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, roleArn: autoscalerRole.arn },
    { ...opts, dependsOn: [podIdentityAgent] },
  );
  const autoscaler = new k8s.helm.v3.Release(
    `${name}-cluster-autoscaler`,
    {
      name: "cluster-autoscaler",
      namespace: "kube-system",
      chart: CLUSTER_AUTOSCALER_CHART.chart,
      version: CLUSTER_AUTOSCALER_CHART.version,
      repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
      values: {
        cloudProvider: "aws",
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName },
        image: { repository: CLUSTER_AUTOSCALER_CHART.image, tag: CLUSTER_AUTOSCALER_CHART.imageTag },
        fullnameOverride: "cluster-autoscaler",
        rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
        // The chart sets no security context by default.
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        extraArgs: {
          // Same-shaped instance types in one group; scale down what is idle.
          "balance-similar-node-groups": true,
          expander: "least-waste",
          "skip-nodes-with-local-storage": false,
          "scale-down-unneeded-time": "10m",
        },
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      },
    },
    { parent, provider: k8sProvider, dependsOn: [association, coredns] },
  );

  return { storageClass, coredns, autoscaler, podIdentityAgent, ebsCsi };
}
