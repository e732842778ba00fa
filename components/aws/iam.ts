// IAM documents as pure data, so tests can read them without a cloud.

/** Trust policy for roles assumed through EKS Pod Identity (no OIDC thumbprints, no IRSA annotations). */
export function podIdentityTrustPolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  });
}

export function ec2TrustPolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
}

/**
 * Node role: what the kubelet and the VPC CNI need, and image pulls. AmazonEC2ContainerRegistryPullOnly
 * is the narrower successor of ...ReadOnly (pull, no listing or describing of repositories).
 */
export const NODE_POLICY_ARNS = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
] as const;

export const EBS_CSI_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy";

export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export const ADMIN_VIEW_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";

/**
 * Cluster Autoscaler: the read actions of its AWS README's recommended policy, and the two write
 * actions limited (the README suggests tag conditions) to Auto Scaling groups that carry this
 * cluster's auto-discovery tag key, which EKS puts on managed node groups' groups.
 */
export function clusterAutoscalerPolicy(clusterName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ScaleOwnGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        // Tag present, whatever its value.
        Condition: { Null: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "false" } },
      },
    ],
  });
}

/**
 * The backup CronJob's role: add dumps under the prefix, nothing else (no read, no delete, no
 * listing). A stolen token can neither read the votes back nor remove earlier backups; with
 * versioning, an overwrite keeps the earlier object as a noncurrent version.
 */
export function backupWriterPolicy(bucketArn: string, prefix: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "AddDumps", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn}/${prefix}/*` }],
  });
}

/** The restore Job's role: list the prefix (to find the newest dump) and read dumps. */
export function backupReaderPolicy(bucketArn: string, prefix: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListDumps", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${prefix}/*`] } } },
      { Sid: "ReadDumps", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/${prefix}/*` },
    ],
  });
}

/** Refuses every request to the bucket that does not come over TLS (S3 user guide, "Security best practices": aws:SecureTransport). */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}
