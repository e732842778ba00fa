import type * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLUSTER_AUTOSCALER_CHART } from "../../components/aws/addons";
import { EKS_LOAD_BALANCER_ANNOTATIONS, EksPlatform, type EksPlatformArgs } from "../../components/aws";
import { clusterAutoscalerPolicy } from "../../components/aws/iam";
import { planJson } from "../helpers/plan";
import { registered } from "../helpers/mock-runtime";
import { all, dependencyClosure, find, inputsOf } from "../helpers/records";

interface Expect {
  nats: number;
  /** Zone IDs picked from the offline account's us-east-1 (plan/cloud-mocks.ts ZONES): the lowest supported IDs. */
  zoneIds: string[];
  logs: string[];
  deletionProtection: boolean;
  capacityType: string;
  instanceTypes: string[];
  /** One entry per managed node group. */
  groups: { minSize: number; maxSize: number; desiredSize: number }[];
  disk: number;
  reclaimPolicy: string;
}

const expected: Record<string, Expect> = {
  dev: {
    nats: 1,
    zoneIds: ["use1-az1", "use1-az2"],
    logs: ["audit", "authenticator"],
    deletionProtection: false,
    capacityType: "SPOT",
    instanceTypes: ["t3.medium", "t3a.medium"],
    groups: [{ minSize: 2, maxSize: 4, desiredSize: 2 }],
    disk: 20,
    reclaimPolicy: "Delete",
  },
  staging: {
    nats: 1,
    zoneIds: ["use1-az1", "use1-az2"],
    logs: ["api", "audit", "authenticator"],
    deletionProtection: false,
    capacityType: "ON_DEMAND",
    instanceTypes: ["t3.large", "t3a.large"],
    groups: [{ minSize: 1, maxSize: 3, desiredSize: 1 }, { minSize: 1, maxSize: 3, desiredSize: 1 }],
    disk: 30,
    reclaimPolicy: "Delete",
  },
  prod: {
    nats: 3,
    zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
    logs: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    deletionProtection: true,
    capacityType: "ON_DEMAND",
    instanceTypes: ["m7i.large", "m6i.large"],
    groups: [1, 2, 3].map(() => ({ minSize: 1, maxSize: 3, desiredSize: 1 })),
    disk: 50,
    reclaimPolicy: "Retain",
  },
};

for (const [stack, e] of Object.entries(expected)) {
  describe(`EKS platform, stack ${stack}`, () => {
    const doc = () => planJson(stack);

    it("builds the VPC with subnets placed by supported zone ID, tagged for load balancers, and the environment's NAT gateways", () => {
      const d = doc();
      const subnets = all(d, "aws:ec2/subnet:Subnet").map((r) => inputsOf<aws.ec2.SubnetArgs>(r));
      const pub = subnets.filter((s) => (s.tags as Record<string, string>)["kubernetes.io/role/elb"] === "1");
      const priv = subnets.filter((s) => (s.tags as Record<string, string>)["kubernetes.io/role/internal-elb"] === "1");
      assert.deepEqual(pub.map((s) => s.availabilityZoneId), e.zoneIds);
      assert.deepEqual(priv.map((s) => s.availabilityZoneId), e.zoneIds);
      assert.ok(subnets.every((s) => s.availabilityZone === undefined), "by ID, never by (account-specific) name");
      assert.ok(!subnets.some((s) => s.availabilityZoneId === "use1-az3"), "use1-az3 (no EKS) is skipped although it sorts before use1-az4");
      assert.equal((pub[0]!.tags as Record<string, string>)[`kubernetes.io/cluster/voting-platform-${stack}`], "shared");
      assert.equal(all(d, "aws:ec2/natGateway:NatGateway").length, e.nats);
      const natRoutes = all(d, "aws:ec2/route:Route").filter((r) => r.inputs["natGatewayId"] !== undefined);
      assert.equal(natRoutes.length, e.zoneIds.length, "each private subnet's table routes through a NAT gateway");
    });

    it("starts the control plane once the subnets exist, without waiting for the NAT gateways", () => {
      const d = doc();
      const cluster = find(d, "eks:index:Cluster");
      const nats = all(d, "aws:ec2/natGateway:NatGateway").map((r) => r.urn);
      const closure = dependencyClosure(d, cluster.urn);
      assert.ok(all(d, "aws:ec2/subnet:Subnet").every((s) => closure.has(s.urn)), "the cluster waits for every subnet");
      assert.deepEqual(nats.filter((u) => closure.has(u)), [], "and for no NAT gateway");
      for (const g of all(d, "eks:index:ManagedNodeGroup")) {
        const c = dependencyClosure(d, g.urn);
        assert.ok(nats.some((u) => c.has(u)), `${g.name} waits for NAT egress (image pulls)`);
      }
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
      assert.equal(c.createOidcProvider, false, "nothing uses IRSA: add-ons use Pod Identity");
      assert.equal(c.skipDefaultSecurityGroups, true, "managed node groups use the EKS-created cluster security group");
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
      assert.equal(key.deletionWindowInDays, e.deletionProtection ? 30 : 7);
      const logs = inputsOf<aws.cloudwatch.LogGroupArgs>(find(doc(), "aws:cloudwatch/logGroup:LogGroup"));
      assert.equal(logs.name, `/aws/eks/voting-platform-${stack}/cluster`);
      assert.equal(logs.retentionInDays, e.deletionProtection ? 90 : 7);
    });

    it("runs nodes in private subnets from the preset (one group per AZ where EBS-backed pods run): types, capacity, scaling left to the autoscaler, IMDSv2, encrypted disks", () => {
      const groups = all(doc(), "eks:index:ManagedNodeGroup").map((r) => inputsOf<eks.ManagedNodeGroupArgs>(r));
      assert.deepEqual(groups.map((g) => g.scalingConfig), e.groups);
      const privateIds = all(doc(), "aws:ec2/subnet:Subnet").filter((r) => r.name.includes("-private-")).map((r) => `${r.name}-id`);
      assert.deepEqual(groups.map((g) => g.subnetIds), e.groups.length === 1 ? [privateIds] : privateIds.map((id) => [id]));
      for (const ng of groups) {
        assert.deepEqual(ng.instanceTypes, e.instanceTypes);
        assert.equal(ng.capacityType, e.capacityType);
        assert.equal(ng.ignoreScalingChanges, true);
        assert.equal(ng.amiType, "AL2023_x86_64_STANDARD");
      }
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
      for (const nodeGroup of all(d, "eks:index:ManagedNodeGroup")) assert.ok(addons["coredns"]!.dependsOn.includes(nodeGroup.urn), `coredns waits for ${nodeGroup.name}`);
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
      assert.match(values.image.tag, /^v1\.35\.\d+@sha256:[0-9a-f]{64}$/, "the autoscaler's minor must match the cluster's, pinned by digest");
      const assoc = inputsOf<aws.eks.PodIdentityAssociationArgs>(find(d, "aws:eks/podIdentityAssociation:PodIdentityAssociation"));
      assert.equal(assoc.serviceAccount, values.rbac.serviceAccount.name);
      assert.equal(assoc.namespace, "kube-system");
      const policy = inputsOf<aws.iam.RolePolicyArgs>(find(d, "aws:iam/rolePolicy:RolePolicy"));
      assert.equal(policy.policy, clusterAutoscalerPolicy(`voting-platform-${stack}`));
    });

    it("tags every AWS resource through the provider, exposes Services through NLBs, and keeps the kubeconfig secret", () => {
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
      assert.equal(d.outputs["serviceExposure"], "LoadBalancer");
      const k = inputsOf<k8s.ProviderArgs>(find(d, "pulumi:providers:kubernetes"));
      assert.match(String(k.clusterIdentifier), /^https:\/\//);
      assert.equal(k.kubeconfig, "[secret]");
    });
  });
}

/** A two-AZ, private-endpoint platform whose only principal is the offline caller's role; `aws` overrides change one thing. */
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
      nodeGroupPerAz: false,
      logRetentionDays: 7,
      keyDeletionWindowDays: 7,
      adminPrincipals: ["arn:aws:iam::111122223333:role/platform-admins"],
      viewPrincipals: [],
      publicAccessCidrs: [],
      deletionProtection: false,
      controlPlaneLogs: ["audit"],
      ...aws,
    },
    nodes: { instanceTypes: ["t3.medium"], minCount: 1, maxCount: 2, diskSizeGb: 20, capacityType: "on-demand" },
    tags: { project: "p" },
  };
}

describe("EksPlatform with no public CIDRs", () => {
  it("turns the public endpoint off (private only) and annotates Services for an NLB", async () => {
    let platform: EksPlatform | undefined;
    const records = await registered(() => {
      platform = new EksPlatform("t", smallPlatformArgs({}));
    });
    const c = inputsOf<eks.ClusterArgs>(find(records, "eks:index:Cluster"));
    assert.equal(c.endpointPublicAccess, false);
    assert.equal(c.publicAccessCidrs, undefined);
    assert.equal(c.endpointPrivateAccess, true);
    assert.deepEqual(Object.keys(c.accessEntries as object), ["admin-0"]);
    assert.deepEqual(platform?.exposure, { type: "LoadBalancer", annotations: EKS_LOAD_BALANCER_ANNOTATIONS });
    assert.equal(EKS_LOAD_BALANCER_ANNOTATIONS["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
  });
});

describe("EksPlatform with read-only principals (CI previews and drift)", () => {
  it("gives each an access entry with AmazonEKSAdminViewPolicy on the cluster, beside the admins'", async () => {
    const records = await registered(() => {
      new EksPlatform("t", smallPlatformArgs({
        adminPrincipals: ["arn:aws:iam::111122223333:role/platform-admins"],
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
