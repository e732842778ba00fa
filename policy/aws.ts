// AWS policies. A real preview/up judges the provider resources beneath the @pulumi/eks remote
// components (aws:eks/cluster:Cluster, aws:eks/nodeGroup:NodeGroup, launch templates...): the
// components themselves reach the analyzer with EMPTY props, because pulumi-eks v4.3.0 bundles
// @pulumi/pulumi 3.173.0, whose ComponentResource registers `{}` (inputs are sent only from 3.203.0,
// pulumi/pulumi#20357). The offline plan has the components' inputs and no children, so a component
// is judged only when it carries inputs (isRemoteWithoutInputs): never both, never a false alarm.

import type { ResourceValidationPolicy } from "@pulumi/policy";
import { arr, obj, type Obj } from "../lib/json";
import { DEFAULT_EXPOSURE_LIMITS, exposureProblems, type ExposureLimits } from "../stacks/cidr";

const EKS_COMPONENT = "eks:index:Cluster";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const EKS_MNG = "eks:index:ManagedNodeGroup";

/** A remote component seen without its inputs (a real preview): its provider children are judged instead. */
export const isRemoteWithoutInputs = (type: string, props: Obj) => /^(eks|awsx):/.test(type) && Object.keys(props).length === 0;

/** Coverage limits for CIDR allow-lists, shared by every policy that judges who may connect. */
export const exposureSchema = {
  minPrefix: { type: "integer", minimum: 0, maximum: 32, default: DEFAULT_EXPOSURE_LIMITS.minPrefix },
  maxShare: { type: "number", minimum: 0, maximum: 1, default: DEFAULT_EXPOSURE_LIMITS.maxShare },
} as const;

export const eksEndpointRestricted: ResourceValidationPolicy = {
  name: "eks-endpoint-restricted",
  description: "The EKS public API endpoint is off or limited to listed CIDRs that together admit only a small part of the internet (0.0.0.0/0 however spelled).",
  configSchema: { properties: exposureSchema },
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    let isPublic: unknown;
    let cidrs: unknown;
    if (args.type === EKS_COMPONENT) {
      isPublic = args.props["endpointPublicAccess"] ?? true;
      cidrs = args.props["publicAccessCidrs"];
    } else if (args.type === EKS_CLUSTER) {
      const vpc = obj(args.props["vpcConfig"]);
      isPublic = vpc["endpointPublicAccess"] ?? true;
      cidrs = vpc["publicAccessCidrs"];
    } else return;
    if (isPublic !== true) return;
    // Unset publicAccessCidrs means 0.0.0.0/0 on EKS.
    const list = arr(cidrs).map(String);
    const problems = list.length === 0 ? ["no publicAccessCidrs means 0.0.0.0/0"] : exposureProblems(list, { ...DEFAULT_EXPOSURE_LIMITS, ...args.getConfig<Partial<ExposureLimits>>() });
    if (problems.length) {
      report(`The public API endpoint is open to the world (${problems.join("; ")}): set publicAccessCidrs to the ranges that need it, or turn the public endpoint off.`);
    }
  },
};

export const eksSecretsEncryption: ResourceValidationPolicy = {
  name: "eks-secrets-encryption",
  description: "EKS envelope-encrypts Kubernetes Secrets with a KMS key.",
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    if (args.type === EKS_COMPONENT && !args.props["encryptionConfigKeyArn"]) report("Set encryptionConfigKeyArn: Secrets in etcd are then encrypted with your KMS key.");
    if (args.type === EKS_CLUSTER) {
      const enc = obj(args.props["encryptionConfig"]);
      if (!arr(enc["resources"]).includes("secrets")) report("encryptionConfig does not cover 'secrets'.");
    }
  },
};

export const eksControlPlaneLogging: ResourceValidationPolicy = {
  name: "eks-control-plane-logging",
  description: "EKS sends the required control-plane log types to CloudWatch.",
  configSchema: { properties: { requiredLogTypes: { type: "array", items: { type: "string" }, default: ["api", "audit", "authenticator"] } } },
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    const field = args.type === EKS_COMPONENT ? "enabledClusterLogTypes" : args.type === EKS_CLUSTER ? "enabledClusterLogTypes" : undefined;
    if (!field) return;
    const { requiredLogTypes = ["api", "audit", "authenticator"] } = args.getConfig<{ requiredLogTypes?: string[] }>();
    const enabled = arr(args.props[field]);
    const missing = requiredLogTypes.filter((t) => !enabled.includes(t));
    if (missing.length) report(`Control-plane log types missing: ${missing.join(", ")}.`);
  },
};

export const eksStandardSupport: ResourceValidationPolicy = {
  name: "eks-standard-support",
  description: "EKS upgradePolicy is STANDARD: EXTENDED (the API default) costs 6x once a version ages.",
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    if (args.type !== EKS_COMPONENT && args.type !== EKS_CLUSTER) return;
    if (obj(args.props["upgradePolicy"])["supportType"] !== "STANDARD") report("Set upgradePolicy.supportType to STANDARD ($0.10/h; EXTENDED is $0.60/h).");
  },
};

export const nodesImdsV2: ResourceValidationPolicy = {
  name: "aws-nodes-imdsv2",
  description: "EC2 nodes require IMDSv2 (launch templates set httpTokens: required).",
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    if (args.type === "aws:ec2/launchTemplate:LaunchTemplate" || args.type === "aws:ec2/instance:Instance") {
      if (obj(args.props["metadataOptions"])["httpTokens"] !== "required") report("metadataOptions.httpTokens must be 'required' (IMDSv2 only).");
    }
    if (args.type === EKS_MNG && !args.props["launchTemplate"] && args.props["enableIMDSv2"] !== true) {
      report("This managed node group has no launch template requiring IMDSv2 (managed node groups allow IMDSv1 by default).");
    }
    if (args.type === "aws:eks/nodeGroup:NodeGroup" && !args.props["launchTemplate"]) {
      report("This node group has no launch template, so IMDSv1 stays allowed.");
    }
  },
};

export const nodesNoPublicIp: ResourceValidationPolicy = {
  name: "aws-nodes-no-public-ip",
  description: "Nodes get no public IP addresses.",
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    if (args.type === EKS_COMPONENT && args.props["nodeAssociatePublicIpAddress"] !== false) report("Set nodeAssociatePublicIpAddress: false.");
    if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") {
      for (const ni of arr(args.props["networkInterfaces"]).map(obj)) {
        if (ni["associatePublicIpAddress"] === "true" || ni["associatePublicIpAddress"] === true) report("A network interface associates a public IP.");
      }
    }
  },
};

export const instanceTypesAllowed: ResourceValidationPolicy = {
  name: "aws-instance-types-allowed",
  description: "Node instance types come from the allow-list.",
  configSchema: { properties: { allowed: { type: "array", items: { type: "string" }, default: [] } } },
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    let types: unknown[];
    if (args.type === EKS_MNG || args.type === "aws:eks/nodeGroup:NodeGroup") types = arr(args.props["instanceTypes"]);
    else if (args.type === "aws:ec2/launchTemplate:LaunchTemplate" && args.props["instanceType"]) types = [args.props["instanceType"]];
    else return;
    const { allowed = [] } = args.getConfig<{ allowed?: string[] }>();
    const bad = types.filter((t) => typeof t === "string" && !allowed.includes(t));
    if (bad.length) report(`Instance types ${bad.join(", ")} are not allowed here (allowed: ${allowed.join(", ")}).`);
  },
};

export const requiredTags: ResourceValidationPolicy = {
  name: "aws-required-tags",
  description: "AWS resources carry the required tags, through the provider's defaultTags or their own tags.",
  configSchema: { properties: { tags: { type: "array", items: { type: "string" }, default: ["project", "environment", "owner"] } } },
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    const { tags = ["project", "environment", "owner"] } = args.getConfig<{ tags?: string[] }>();
    const parse = (v: unknown): Obj => (typeof v === "string" ? (JSON.parse(v) as Obj) : obj(v));
    if (args.type === "pulumi:providers:aws") {
      const have = obj(parse(args.props["defaultTags"])["tags"]);
      const missing = tags.filter((t) => !have[t]);
      if (missing.length) report(`The AWS provider's defaultTags lack ${missing.join(", ")}.`);
      return;
    }
    if (!args.type.startsWith("aws:")) return;
    // Resources that take no tags (attachments, associations of IAM policies...) have no "tags" input in their schema.
    const own = obj(args.props["tags"]);
    const viaProvider = args.provider?.type === "pulumi:providers:aws" ? obj(parse(args.provider.props["defaultTags"])["tags"]) : {};
    const missing = tags.filter((t) => !own[t] && !viaProvider[t]);
    if (missing.length && (args.provider === undefined || Object.keys(viaProvider).length === 0) && "tags" in args.props) {
      report(`Missing tags ${missing.join(", ")} (set them on the resource or the provider's defaultTags).`);
    } else if (missing.length && args.provider === undefined) {
      report(`Uses the default AWS provider, which sets no tags; missing ${missing.join(", ")}.`);
    }
  },
};

export const kmsRotation: ResourceValidationPolicy = {
  name: "aws-kms-key-rotation",
  description: "Customer-managed KMS keys rotate yearly.",
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    if (args.type === "aws:kms/key:Key" && args.props["enableKeyRotation"] !== true) report("Set enableKeyRotation: true.");
  },
};

/** Encrypted as the EC2 API spells it in a launch template (a string "true" or a boolean). */
const isTrue = (v: unknown) => v === true || v === "true";

export const encryptedVolumes: ResourceValidationPolicy = {
  name: "aws-encrypted-volumes",
  description: "EBS volumes are encrypted: node root volumes (launch templates map them explicitly), standalone volumes and EBS CSI StorageClasses (never the in-tree provisioner).",
  validateResource: (args, report) => {
    if (isRemoteWithoutInputs(args.type, args.props)) return;
    if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") {
      const ebs = arr(args.props["blockDeviceMappings"]).map(obj).filter((m) => m["ebs"] !== undefined);
      // Without a mapping the instance gets the AMI's root volume, unencrypted unless the account turned on EBS encryption by default.
      if (ebs.length === 0) report("No EBS block device mapping: the nodes boot from the AMI's root volume as it is (unencrypted unless the account encrypts by default); map the root device with encrypted: true.");
      for (const m of ebs) if (!isTrue(obj(m["ebs"])["encrypted"])) report(`Block device ${String(m["deviceName"])} is not encrypted.`);
    }
    if (args.type === "aws:ebs/volume:Volume" && args.props["encrypted"] !== true) report("Set encrypted: true.");
    if (args.type === "kubernetes:storage.k8s.io/v1:StorageClass") {
      const provisioner = args.props["provisioner"];
      // The in-tree driver is deprecated and migrated to the CSI driver (Kubernetes CSI migration, GA in 1.23); @pulumi/eks storageClasses still use it.
      if (provisioner === "kubernetes.io/aws-ebs") report("StorageClass uses the in-tree kubernetes.io/aws-ebs provisioner: use ebs.csi.aws.com with parameters.encrypted: \"true\".");
      if ((provisioner === "ebs.csi.aws.com" || provisioner === "kubernetes.io/aws-ebs") && obj(args.props["parameters"])["encrypted"] !== "true") report("EBS StorageClass without parameters.encrypted: \"true\".");
    }
  },
};

export const awsPolicies = [eksEndpointRestricted, eksSecretsEncryption, eksControlPlaneLogging, eksStandardSupport, nodesImdsV2, nodesNoPublicIp, instanceTypesAllowed, requiredTags, kmsRotation, encryptedVolumes];
