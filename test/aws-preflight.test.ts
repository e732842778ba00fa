// Preflight: rules AWS and EKS enforce that we know of, checked on the plan of every AWS stack, so
// a mistake fails here in seconds rather than minutes into a `pulumi up`. Each rule cites its source.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { principalKey } from "../components/aws/access";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../stacks/catalog";
import type { PlanDocument, ResourceRecord } from "../plan/record";
import { planJson } from "./helpers/plan";
import { all, find } from "./helpers/records";

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});

interface Rule {
  readonly rule: string;
  readonly source: string;
  /** Problems found in the plan; [] when the rule holds. */
  readonly check: (d: PlanDocument) => string[];
}

const cluster = (d: PlanDocument) => find(d, "eks:index:Cluster");
const entries = (d: PlanDocument) => Object.values(o(cluster(d).inputs["accessEntries"])).map((e) => String(o(e)["principalArn"]));
const groups = (d: PlanDocument) => all(d, "eks:index:ManagedNodeGroup");

export const RULES: readonly Rule[] = [
  {
    rule: "one access entry per IAM principal (a second one, e.g. beside the creator's bootstrap entry, is 409 ResourceInUseException)",
    source: "EKS API CreateAccessEntry (ResourceInUseException); pulumi-eks v4.3.0 nodejs/eks/cluster/cluster.ts sets bootstrapClusterCreatorAdminPermissions: true, turned off by components/aws/access.ts",
    check: (d) => {
      const keys = entries(d).map((a) => principalKey(a) ?? a);
      return keys.filter((k, i) => keys.indexOf(k) !== i).map((k) => `${k} has two entries`);
    },
  },
  {
    rule: "an access entry's principal is an IAM role or user ARN (not an STS session, not a group)",
    source: "EKS user guide, access entries (\"You can't use an STS assumed-role session ARN\"; principalArn of an IAM user or role)",
    check: (d) => entries(d).filter((a) => principalKey(a) === undefined).map((a) => `${a} is not an IAM role or user ARN`),
  },
  {
    rule: "cluster name: 1-100 characters, a letter or digit first, then letters, digits, hyphens, underscores",
    source: "EKS API CreateCluster, name pattern ^[0-9A-Za-z][A-Za-z0-9\\-_]*$, length 1-100",
    check: (d) => {
      const name = String(cluster(d).inputs["name"]);
      return /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name) ? [] : [`cluster name ${name}`];
    },
  },
  {
    rule: "control-plane logs go to the log group /aws/eks/<cluster>/cluster, which the program creates with a retention",
    source: "EKS user guide, control plane logs (log group name); CloudWatch PutRetentionPolicy allowed values",
    check: (d) => {
      const name = String(cluster(d).inputs["name"]);
      const group = all(d, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs["name"] === `/aws/eks/${name}/cluster`);
      if (!group) return [`no log group /aws/eks/${name}/cluster`];
      const allowed = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
      return allowed.includes(Number(group.inputs["retentionInDays"])) ? [] : [`retention ${String(group.inputs["retentionInDays"])}`];
    },
  },
  {
    rule: "no subnet in a zone EKS does not support (UnsupportedAvailabilityZoneException), and every subnet placed by zone ID",
    source: "EKS user guide, VPC and subnet requirements: use1-az3, usw1-az2, cac1-az3",
    check: (d) =>
      all(d, "aws:ec2/subnet:Subnet").flatMap((s) => {
        const id = s.inputs["availabilityZoneId"];
        if (typeof id !== "string") return [`${s.name} has no availabilityZoneId`];
        return (EKS_UNSUPPORTED_ZONE_IDS as readonly string[]).includes(id) ? [`${s.name} in ${id}`] : [];
      }),
  },
  {
    rule: "cluster subnets in at least two Availability Zones",
    source: "EKS user guide, VPC and subnet requirements (\"subnets in at least two different Availability Zones\")",
    check: (d) => (new Set(all(d, "aws:ec2/subnet:Subnet").map((s) => s.inputs["availabilityZoneId"])).size >= 2 ? [] : ["fewer than two AZs"]),
  },
  {
    rule: "add-ons that exist for EKS 1.35 under these names",
    source: "EKS user guide, AWS add-ons (vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver, eks-pod-identity-agent) and community add-ons (metrics-server)",
    check: (d) => {
      const known = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "eks-pod-identity-agent", "metrics-server"];
      return all(d, "aws:eks/addon:Addon").map((a) => String(a.inputs["addonName"])).filter((n) => !known.includes(n));
    },
  },
  {
    rule: "node group scaling: 0 <= minSize <= desiredSize <= maxSize, maxSize >= 1",
    source: "EKS API NodegroupScalingConfig",
    check: (d) =>
      groups(d).flatMap((g: ResourceRecord) => {
        const s = o(g.inputs["scalingConfig"]);
        const [min, desired, max] = [Number(s["minSize"]), Number(s["desiredSize"]), Number(s["maxSize"])];
        return min >= 0 && min <= desired && desired <= max && max >= 1 ? [] : [`${g.name}: ${min}/${desired}/${max}`];
      }),
  },
  {
    rule: "a node group with a launch template sets no diskSize (the template's block device does)",
    source: "EKS API CreateNodegroup, diskSize (\"If you specify launchTemplate, then don't specify diskSize\")",
    check: (d) => groups(d).filter((g) => g.inputs["launchTemplate"] !== undefined && g.inputs["diskSize"] !== undefined).map((g) => g.name),
  },
  {
    rule: "managed node groups span only the private subnets (nodes get no public address)",
    source: "EKS best practices, networking (private subnets for nodes); this program's network layout",
    check: (d) => {
      const pub = new Set(all(d, "aws:ec2/subnet:Subnet").filter((s) => o(s.inputs["tags"])["kubernetes.io/role/elb"] === "1").map((s) => `${s.name}-id`));
      return groups(d).flatMap((g) => (g.inputs["subnetIds"] as string[]).filter((id) => pub.has(id)).map((id) => `${g.name} in ${id}`));
    },
  },
  {
    rule: "Pod Identity roles trust pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession",
    source: "EKS user guide, Pod Identity: role trust policy",
    check: (d) =>
      all(d, "aws:iam/role:Role")
        .filter((r) => String(r.inputs["assumeRolePolicy"]).includes("pods.eks.amazonaws.com"))
        .filter((r) => {
          const st = o((JSON.parse(String(r.inputs["assumeRolePolicy"])) as { Statement: unknown[] }).Statement[0]);
          return !["sts:AssumeRole", "sts:TagSession"].every((a) => (st["Action"] as string[]).includes(a));
        })
        .map((r) => r.name),
  },
  {
    rule: "KMS key deletion window 7-30 days",
    source: "AWS KMS ScheduleKeyDeletion, PendingWindowInDays",
    check: (d) => all(d, "aws:kms/key:Key").filter((k) => !(Number(k.inputs["deletionWindowInDays"]) >= 7 && Number(k.inputs["deletionWindowInDays"]) <= 30)).map((k) => k.name),
  },
];

for (const stack of ["dev", "staging", "prod"]) {
  describe(`AWS/EKS preflight, stack ${stack}`, () => {
    for (const r of RULES) {
      it(`${r.rule} [${r.source}]`, () => {
        assert.deepEqual(r.check(planJson(stack)), []);
      });
    }
  });
}

describe("the preflight rules catch what they claim", () => {
  const rule = (prefix: string) => RULES.find((r) => r.rule.startsWith(prefix))!;
  const edit = (stack: string, change: (d: { resources: ResourceRecord[] }) => void): PlanDocument => {
    const d = JSON.parse(JSON.stringify(planJson(stack))) as PlanDocument & { resources: ResourceRecord[] };
    change(d);
    return d;
  };
  const inputs = (r: ResourceRecord) => r.inputs as Obj;

  it("a principal listed as admin and viewer (path aside) is two entries", () => {
    const d = edit("dev", (x) => {
      const c = inputs(x.resources.find((r) => r.type === "eks:index:Cluster")!);
      c["accessEntries"] = { ...o(c["accessEntries"]), "view-9": { principalArn: "arn:aws:iam::111122223333:role/teams/platform-admins" } };
    });
    assert.equal(rule("one access entry").check(d).length, 1);
  });

  it("an assumed-role session ARN as a principal", () => {
    const d = edit("dev", (x) => {
      const c = inputs(x.resources.find((r) => r.type === "eks:index:Cluster")!);
      c["accessEntries"] = { "admin-0": { principalArn: "arn:aws:sts::111122223333:assumed-role/platform-admins/me" } };
    });
    assert.equal(rule("an access entry's principal").check(d).length, 1);
  });

  it("a subnet in use1-az3", () => {
    const d = edit("prod", (x) => (inputs(x.resources.find((r) => r.type === "aws:ec2/subnet:Subnet")!)["availabilityZoneId"] = "use1-az3"));
    assert.deepEqual(rule("no subnet in a zone").check(d).length, 1);
  });

  it("a cluster name with a dot, a log group under another name, an add-on name that does not exist", () => {
    assert.equal(rule("cluster name").check(edit("dev", (x) => (inputs(x.resources.find((r) => r.type === "eks:index:Cluster")!)["name"] = "voting.dev"))).length, 1);
    assert.equal(rule("control-plane logs").check(edit("dev", (x) => (inputs(x.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!)["name"] = "/eks/voting"))).length, 1);
    assert.equal(rule("add-ons").check(edit("dev", (x) => (inputs(x.resources.find((r) => r.type === "aws:eks/addon:Addon")!)["addonName"] = "ebs-csi"))).length, 1);
  });

  it("a node group whose minimum exceeds its maximum, or with diskSize beside a launch template", () => {
    assert.equal(rule("node group scaling").check(edit("staging", (x) => (inputs(x.resources.find((r) => r.type === "eks:index:ManagedNodeGroup")!)["scalingConfig"] = { minSize: 4, desiredSize: 4, maxSize: 3 }))).length, 1);
    assert.equal(rule("a node group with a launch template").check(edit("staging", (x) => (inputs(x.resources.find((r) => r.type === "eks:index:ManagedNodeGroup")!)["diskSize"] = 20))).length, 1);
  });
});
