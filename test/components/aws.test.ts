import type * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import type * as eks from "@pulumi/eks";
import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLUSTER_AUTOSCALER_CHART } from "../../components/aws/addons";
import { EksPlatform, type EksPlatformArgs } from "../../components/aws";
import { clusterAutoscalerPolicy } from "../../components/aws/iam";
import { planJson } from "../helpers/plan";
import { registered } from "../helpers/mock-runtime";
import { all, find, inputsOf } from "../helpers/records";

interface Expect {
  nat: string;
  azs: string[];
  logs: string[];
  deletionProtection: boolean;
  capacityType: string;
  instanceTypes: string[];
  scaling: { minSize: number; maxSize: number; desiredSize: number };
  disk: number;
  reclaimPolicy: string;
}

const expected: Record<string, Expect> = {
  dev: {
    nat: "Single",
    azs: ["us-east-1a", "us-east-1b"],
    logs: ["audit", "authenticator"],
    deletionProtection: false,
    capacityType: "SPOT",
    instanceTypes: ["t3.medium", "t3a.medium"],
    scaling: { minSize: 2, maxSize: 4, desiredSize: 2 },
    disk: 20,
    reclaimPolicy: "Delete",
  },
  staging: {
    nat: "Single",
    azs: ["us-east-1a", "us-east-1b"],
    logs: ["api", "audit", "authenticator"],
    deletionProtection: false,
    capacityType: "ON_DEMAND",
    instanceTypes: ["t3.large", "t3a.large"],
    scaling: { minSize: 2, maxSize: 6, desiredSize: 2 },
    disk: 30,
    reclaimPolicy: "Delete",
  },
  prod: {
    nat: "OnePerAz",
    azs: ["us-east-1a", "us-east-1b", "us-east-1c"],
    logs: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    deletionProtection: true,
    capacityType: "ON_DEMAND",
    instanceTypes: ["m7i.large", "m6i.large"],
    scaling: { minSize: 3, maxSize: 9, desiredSize: 3 },
    disk: 50,
    reclaimPolicy: "Retain",
  },
};

for (const [stack, e] of Object.entries(expected)) {
  describe(`EKS platform, stack ${stack}`, () => {
    const doc = () => planJson(stack);

    it("builds the VPC with explicit AZs, subnets tagged for load balancers, and the environment's NAT strategy", () => {
      const vpc = inputsOf<awsx.ec2.VpcArgs>(find(doc(), "awsx:ec2:Vpc"));
      assert.deepEqual(vpc.natGateways, { strategy: e.nat });
      assert.deepEqual(vpc.availabilityZoneNames, e.azs);
      const specs = vpc.subnetSpecs as { type: string; cidrBlocks: string[]; tags: Record<string, string> }[];
      const pub = specs.find((s) => s.type === "Public")!;
      const priv = specs.find((s) => s.type === "Private")!;
      assert.equal(pub.tags["kubernetes.io/role/elb"], "1");
      assert.equal(priv.tags["kubernetes.io/role/internal-elb"], "1");
      assert.equal(pub.tags[`kubernetes.io/cluster/voting-platform-${stack}`], "shared");
      assert.equal(pub.cidrBlocks.length, e.azs.length);
      assert.equal(priv.cidrBlocks.length, e.azs.length);
    });

    it("configures the cluster: API auth with admin access entries, STANDARD support, restricted endpoint, KMS, logs", () => {
      const c = inputsOf<eks.ClusterArgs>(find(doc(), "eks:index:Cluster"));
      assert.equal(c.name, `voting-platform-${stack}`);
      assert.equal(c.version, "1.35");
      assert.equal(c.authenticationMode, "API");
      assert.deepEqual(c.accessEntries, {
        "admin-0": {
          principalArn: "arn:aws:iam::111122223333:role/platform-admins",
          accessPolicies: { admin: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } },
        },
      });
      assert.equal(c.createOidcProvider, true);
      assert.deepEqual(c.upgradePolicy, { supportType: "STANDARD" });
      assert.equal(c.endpointPrivateAccess, true);
      assert.equal(c.endpointPublicAccess, true);
      assert.deepEqual(c.publicAccessCidrs, ["203.0.113.0/24"]);
      assert.match(String(c.encryptionConfigKeyArn), /^arn:aws:kms:/);
      assert.deepEqual(c.enabledClusterLogTypes, e.logs);
      assert.equal(c.deletionProtection, e.deletionProtection);
      assert.equal(c.skipDefaultNodeGroup, true);
      assert.equal(c.nodeAssociatePublicIpAddress, false);
      assert.equal((c.vpcCniOptions as { enableNetworkPolicy: boolean }).enableNetworkPolicy, true);
      assert.equal(c.useDefaultVpcCni, false);
      assert.equal((c.corednsAddonOptions as { enabled: boolean }).enabled, false);
      const key = inputsOf<aws.kms.KeyArgs>(find(doc(), "aws:kms/key:Key"));
      assert.equal(key.enableKeyRotation, true);
      const logs = inputsOf<aws.cloudwatch.LogGroupArgs>(find(doc(), "aws:cloudwatch/logGroup:LogGroup"));
      assert.equal(logs.name, `/aws/eks/voting-platform-${stack}/cluster`);
      assert.equal(logs.retentionInDays, e.deletionProtection ? 90 : 7);
    });

    it("runs nodes in private subnets from the preset: types, capacity, scaling left to the autoscaler, IMDSv2, encrypted disks", () => {
      const ng = inputsOf<eks.ManagedNodeGroupArgs>(find(doc(), "eks:index:ManagedNodeGroup"));
      assert.deepEqual(ng.instanceTypes, e.instanceTypes);
      assert.equal(ng.capacityType, e.capacityType);
      assert.deepEqual(ng.scalingConfig, e.scaling);
      assert.equal(ng.ignoreScalingChanges, true);
      assert.equal(ng.amiType, "AL2023_x86_64_STANDARD");
      assert.deepEqual(ng.subnetIds, ["subnet-private-0", "subnet-private-1", "subnet-private-2"].slice(0, e.azs.length));
      const lt = inputsOf<aws.ec2.LaunchTemplateArgs>(find(doc(), "aws:ec2/launchTemplate:LaunchTemplate"));
      assert.deepEqual(lt.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
      assert.deepEqual(lt.blockDeviceMappings, [{ deviceName: "/dev/xvda", ebs: { volumeSize: e.disk, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
      const policies = all(doc(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((r) => r.name.startsWith(`${stack}-node-`))
        .map((r) => inputsOf<aws.iam.RolePolicyAttachmentArgs>(r).policyArn)
        .sort();
      assert.deepEqual(policies, [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      ]);
    });

    it("adds Pod Identity, CoreDNS after the nodes, the EBS CSI driver with its role, and a default encrypted gp3 class", () => {
      const d = doc();
      const addons = Object.fromEntries(all(d, "aws:eks/addon:Addon").map((r) => [inputsOf<aws.eks.AddonArgs>(r).addonName as string, r]));
      assert.deepEqual(Object.keys(addons).sort(), ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "metrics-server"]);
      const nodeGroup = find(d, "eks:index:ManagedNodeGroup");
      assert.ok(addons["coredns"]!.dependsOn.includes(nodeGroup.urn), "coredns waits for the node group");
      const ebs = inputsOf<aws.eks.AddonArgs>(addons["aws-ebs-csi-driver"]!);
      assert.deepEqual(ebs.podIdentityAssociations, [{ roleArn: `arn:aws:iam::111122223333:role/${stack}-ebs-csi`, serviceAccount: "ebs-csi-controller-sa" }]);
      const sc = inputsOf<k8s.storage.v1.StorageClassArgs>(find(d, "kubernetes:storage.k8s.io/v1:StorageClass"));
      assert.equal(sc.provisioner, "ebs.csi.aws.com");
      assert.deepEqual(sc.parameters, { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" });
      assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
      assert.equal(sc.reclaimPolicy, e.reclaimPolicy);
      assert.deepEqual((sc.metadata as { annotations: Record<string, string> }).annotations, { "storageclass.kubernetes.io/is-default-class": "true" });
      assert.equal(d.outputs["storageClassName"], "gp3-encrypted");
    });

    it("scales nodes with a pinned Cluster Autoscaler release using its own Pod Identity role", () => {
      const d = doc();
      const rel = inputsOf<k8s.helm.v3.ReleaseArgs>(find(d, "kubernetes:helm.sh/v3:Release", `${stack}-cluster-autoscaler`));
      assert.equal(rel.chart, "cluster-autoscaler");
      assert.equal(rel.version, CLUSTER_AUTOSCALER_CHART.version);
      assert.deepEqual(rel.repositoryOpts, { repo: "https://kubernetes.github.io/autoscaler" });
      assert.equal(rel.name, "cluster-autoscaler");
      const values = rel.values as { autoDiscovery: { clusterName: string }; awsRegion: string; image: { tag: string }; rbac: { serviceAccount: { name: string } } };
      assert.equal(values.autoDiscovery.clusterName, `voting-platform-${stack}`);
      assert.equal(values.awsRegion, "us-east-1");
      assert.equal(values.image.tag, "v1.35.0", "the autoscaler's minor must match the cluster's");
      const assoc = inputsOf<aws.eks.PodIdentityAssociationArgs>(find(d, "aws:eks/podIdentityAssociation:PodIdentityAssociation", `${stack}-cluster-autoscaler`));
      assert.equal(assoc.serviceAccount, values.rbac.serviceAccount.name);
      assert.equal(assoc.namespace, "kube-system");
      const policy = inputsOf<aws.iam.RolePolicyArgs>(find(d, "aws:iam/rolePolicy:RolePolicy", `${stack}-cluster-autoscaler`));
      assert.equal(policy.policy, clusterAutoscalerPolicy(`voting-platform-${stack}`));
    });

    it("tags every AWS resource through the provider, exposes the app through an Ingress, and keeps the kubeconfig secret", () => {
      const d = doc();
      const p = inputsOf<aws.ProviderArgs>(find(d, "pulumi:providers:aws"));
      assert.equal(p.region, "us-east-1");
      const tags = (JSON.parse(String(p.defaultTags)) as { tags: Record<string, string> }).tags;
      assert.deepEqual(tags.project, "voting-platform");
      assert.equal(tags.stack, stack);
      assert.equal(tags.environment, stack);
      assert.equal(tags.owner, "platform-team");
      for (const r of d.resources.filter((x) => x.type.startsWith("aws:") || x.type.startsWith("eks:") || x.type.startsWith("awsx:"))) {
        assert.equal(r.provider ?? "remote", r.options.remote ? "remote" : find(d, "pulumi:providers:aws").urn, `${r.type} ${r.name} uses the tagged provider`);
      }
      assert.equal(d.outputs["kubeconfig"], "[secret]");
      assert.equal(d.outputs["serviceExposure"], "Ingress");
      const k = inputsOf<k8s.ProviderArgs>(find(d, "pulumi:providers:kubernetes"));
      assert.match(String(k.clusterIdentifier), /^https:\/\//);
      assert.equal(k.kubeconfig, "[secret]");
    });
  });
}

/** A two-AZ, private-endpoint platform with no principals; `aws` overrides change one thing. */
function smallPlatformArgs(aws: Partial<EksPlatformArgs["aws"]>): EksPlatformArgs {
  return {
    clusterName: "t-cluster",
    kubernetesVersion: "1.35",
    aws: {
      region: "eu-west-1",
      availabilityZones: [],
      availabilityZoneCount: 2,
      vpcCidr: "10.9.0.0/20",
      natGateways: "single",
      adminPrincipals: [],
      viewPrincipals: [],
      publicAccessCidrs: [],
      deletionProtection: false,
      controlPlaneLogs: ["audit"],
      hostedZoneId: undefined,
      ...aws,
    },
    nodes: { instanceTypes: ["t3.medium"], minCount: 1, maxCount: 2, diskSizeGb: 20, capacityType: "on-demand" },
    tags: { project: "p" },
  };
}

describe("EksPlatform with no public CIDRs", () => {
  it("turns the public endpoint off (private only) and exposes the app through the ALB's IngressGroup", async () => {
    let platform: EksPlatform | undefined;
    const records = await registered(() => {
      platform = new EksPlatform("t", smallPlatformArgs({}));
    });
    const c = inputsOf<eks.ClusterArgs>(find(records, "eks:index:Cluster"));
    assert.equal(c.endpointPublicAccess, false);
    assert.equal(c.publicAccessCidrs, undefined);
    assert.equal(c.endpointPrivateAccess, true);
    assert.deepEqual(c.accessEntries, {});
    const vpc = inputsOf<awsx.ec2.VpcArgs>(find(records, "awsx:ec2:Vpc"));
    assert.equal(vpc.numberOfAvailabilityZones, 2);
    assert.equal(vpc.availabilityZoneNames, undefined);
    assert.equal(platform?.exposure.type, "Ingress");
    assert.equal(platform?.publishAddress, undefined, "no domain: no DNS records to publish");
  });
});

describe("EksPlatform with read-only principals (CI previews and drift)", () => {
  it("gives each an access entry with AmazonEKSAdminViewPolicy on the cluster, beside the admins'", async () => {
    const records = await registered(() => {
      new EksPlatform("t", smallPlatformArgs({
        adminPrincipals: ["arn:aws:iam::111122223333:role/admins"],
        viewPrincipals: ["arn:aws:iam::111122223333:role/ci-read", "arn:aws:iam::111122223333:role/auditors"],
      }));
    });
    const entries = inputsOf<eks.ClusterArgs>(find(records, "eks:index:Cluster")).accessEntries as Record<string, { principalArn: string; accessPolicies: Record<string, { policyArn: string; accessScope: { type: string } }> }>;
    assert.deepEqual(Object.keys(entries).sort(), ["admin-0", "view-0", "view-1"]);
    const view = { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy", accessScope: { type: "cluster" } };
    assert.deepEqual(entries["view-0"], { principalArn: "arn:aws:iam::111122223333:role/ci-read", accessPolicies: { view } });
    assert.deepEqual(entries["view-1"]!.principalArn, "arn:aws:iam::111122223333:role/auditors");
    assert.match(entries["admin-0"]!.accessPolicies["admin"]!.policyArn, /AmazonEKSClusterAdminPolicy$/);
  });
});
