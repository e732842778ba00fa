import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocatable, checkCapacity, parseCpu, parseMemory } from "../estimates/capacity";
import { albGroups, estimateCost, volumeClaims, type CostResource } from "../estimates/cost";
import { criticalPath, type ScheduleResource } from "../estimates/schedule";
import { changedPaths, diffPlans } from "../plan/diff";
import { evaluatePolicies } from "../plan/policy";
import type { PlanDocument, ResourceRecord } from "../plan/record";
import { monthlyBudget } from "../policy/budget";
import { AWS_INSTANCE_TYPES, GCP_MACHINE_TYPES } from "../stacks/catalog";
import { planJson } from "./helpers/plan";

const r = (type: string, inputs: Record<string, unknown>, name = "r"): CostResource => ({ type, name, inputs });
const line = (lines: readonly { item: string; monthly: number }[], re: RegExp) => lines.find((l) => re.test(l.item));

describe("cost arithmetic", () => {
  const table: [string, CostResource[], RegExp, number][] = [
    ["EKS control plane", [r("eks:index:Cluster", { upgradePolicy: { supportType: "STANDARD" } })], /EKS control plane/, 73],
    ["one NAT gateway with its EIP", [r("awsx:ec2:Vpc", { natGateways: { strategy: "Single" }, availabilityZoneNames: ["a", "b"] })], /NAT gateway/, 36.5],
    ["a NAT gateway per AZ", [r("awsx:ec2:Vpc", { natGateways: { strategy: "OnePerAz" }, availabilityZoneNames: ["a", "b", "c"] })], /NAT gateway/, 109.5],
    ["awsx's default is one per AZ", [r("awsx:ec2:Vpc", { numberOfAvailabilityZones: 3 })], /NAT gateway/, 109.5],
    ["two on-demand t3.medium", [r("eks:index:ManagedNodeGroup", { instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2 } })], /t3\.medium nodes/, 60.74],
    ["two spot t3.medium (70% off)", [r("eks:index:ManagedNodeGroup", { instanceTypes: ["t3.medium"], capacityType: "SPOT", scalingConfig: { minSize: 2 } })], /t3\.medium nodes/, 18.22],
    ["zonal GKE fee", [r("gcp:container/cluster:Cluster", { location: "us-central1-b" })], /management fee/, 73],
    ["zonal GKE credit, capped at the fee", [r("gcp:container/cluster:Cluster", { location: "us-central1-b" })], /free tier/, -73],
    ["two spot e2-standard-2", [r("gcp:container/nodePool:NodePool", { nodeConfig: { machineType: "e2-standard-2", spot: true, diskSizeGb: 20 }, autoscaling: { totalMinNodeCount: 2 } })], /e2-standard-2 nodes/, 29.35],
    ["KMS key", [r("aws:kms/key:Key", {})], /KMS/, 1],
    ["two forwarding rules: one price for the first five", [r("gcp:container/cluster:Cluster", { location: "us-central1" }), ...[1, 2].map(() => r("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } }))], /Forwarding rules/, 18.25],
    ["seven forwarding rules: two at the extra-rule price", [r("gcp:container/cluster:Cluster", { location: "us-central1" }), ...[1, 2, 3, 4, 5, 6, 7].map(() => r("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } }))], /Forwarding rules/, 32.85],
    ["Cloud NAT's external address", [r("gcp:compute/routerNat:RouterNat", { natIpAllocateOption: "AUTO_ONLY" })], /Cloud NAT external IPv4/, 3.65],
    ["an NLB per LoadBalancer Service", [r("eks:index:Cluster", {}), r("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } })], /Network Load Balancer/, 16.43],
  ];
  for (const [title, resources, item, monthly] of table) {
    it(title, () => assert.equal(line(estimateCost(resources).lines, item)?.monthly, monthly));
  }

  it("a regional GKE cluster gets no credit", () => {
    assert.equal(line(estimateCost([r("gcp:container/cluster:Cluster", { location: "us-central1" })]).lines, /free tier/), undefined);
  });

  it("counts a cluster once: its provider-level child where present (a real run), else the component", () => {
    const c = estimateCost([r("eks:index:Cluster", {}), r("aws:eks/cluster:Cluster", {})]);
    assert.equal(c.lines.filter((l) => /EKS control plane/.test(l.item)).length, 1);
  });

  it("sums claim templates, Prometheus storage and Grafana persistence", () => {
    const gb = volumeClaims([
      r("kubernetes:apps/v1:StatefulSet", { spec: { replicas: 1, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "5Gi" } } } }] } }),
      r("kubernetes:helm.sh/v3:Release", { values: { prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "20Gi" } } } } } } } } }),
      r("kubernetes:helm.sh/v3:Release", { values: { persistence: { enabled: true, size: "2Gi" } } }),
    ]);
    assert.equal(gb, 27);
  });

  it("keeps load balancers out of the 'before load balancers' subtotal", () => {
    const c = estimateCost([r("eks:index:Cluster", {}), r("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } })]);
    // The NLB ($16.43) and its public IPv4 address in each of two AZs ($3.65 each).
    assert.equal(c.monthly, 96.73);
    assert.equal(c.monthlyBeforeLoadBalancers, 73);
  });

  it("counts one ALB per IngressGroup (an Ingress without a group is its own), and public addresses only for internet-facing ones", () => {
    const ing = (group: string | undefined, scheme: string) =>
      r("kubernetes:networking.k8s.io/v1:Ingress", { metadata: { annotations: { ...(group ? { "alb.ingress.kubernetes.io/group.name": group } : {}), "alb.ingress.kubernetes.io/scheme": scheme } } });
    const resources = [r("eks:index:Cluster", {}), r("awsx:ec2:Vpc", { availabilityZoneNames: ["a", "b", "c"] }), ing("app", "internet-facing"), ing("app", "internet-facing"), ing(undefined, "internal")];
    assert.deepEqual(albGroups(resources), { internet: 1, internal: 1 });
    const lines = estimateCost(resources).lines.filter((l) => l.category === "load-balancer");
    assert.deepEqual(lines.map((l) => [l.quantity, l.monthly]), [[2, 32.85], [3, 10.95]]);
  });
});

describe("the shipped stacks' estimates", () => {
  it("AWS dev costs at most $135/month before load balancers and traffic", () => {
    const c = planJson("dev").cost;
    assert.ok(c.monthlyBeforeLoadBalancers <= 135, String(c.monthlyBeforeLoadBalancers));
  });

  it("the @pulumi/eks + awsx defaults would cost about $255: three NAT gateways, two on-demand t3.medium, EXTENDED-priced aging control plane excluded", () => {
    const defaults = estimateCost([
      r("eks:index:Cluster", {}),
      r("awsx:ec2:Vpc", { numberOfAvailabilityZones: 3 }),
      r("eks:index:ManagedNodeGroup", { instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2 } }),
    ]);
    assert.ok(defaults.monthly > 240 && defaults.monthly < 260, String(defaults.monthly));
  });

  it("GCP dev costs at most $50/month, with the cluster fee and the free-tier credit as separate lines", () => {
    const c = planJson("gcp-dev").cost;
    assert.ok(c.monthlyBeforeLoadBalancers <= 50, String(c.monthlyBeforeLoadBalancers));
    assert.equal(line(c.lines, /management fee/)?.monthly, 73);
    assert.equal(line(c.lines, /free tier/)?.monthly, -73);
  });

  it("every shipped stack's workloads fit its minimum nodes", () => {
    for (const stack of ["dev", "staging", "prod", "gcp-dev", "gcp-prod"]) {
      const cap = planJson(stack).capacity;
      assert.ok(cap.applicable, stack);
      assert.deepEqual(cap.warnings, [], stack);
      assert.ok(cap.requested.pods > 15, `${stack}: the app, monitoring and system pods are counted`);
    }
  });
});

describe("capacity arithmetic", () => {
  it("parses quantities", () => {
    assert.deepEqual([parseCpu("250m"), parseCpu("1"), parseCpu("0.5")], [250, 1000, 500]);
    assert.deepEqual([parseMemory("512Mi"), parseMemory("1Gi"), parseMemory("1G")].map(Math.round), [512, 1024, 954]);
  });

  it("reserves for the kubelet as EKS and GKE do", () => {
    const t3 = allocatable("aws", AWS_INSTANCE_TYPES["t3.medium"]);
    assert.equal(t3.cpuMillis, 2000 - 70);
    assert.equal(t3.memoryMiB, 4096 - (255 + 11 * 17 + 100));
    assert.equal(t3.pods, 17);
    const e2 = allocatable("gcp", GCP_MACHINE_TYPES["e2-standard-2"]);
    assert.equal(Math.round(e2.memoryMiB), Math.round(8192 - (100 + 1024 + 0.2 * 4096)));
  });

  it("warns when requests or pods do not fit", () => {
    const heavy = Array.from({ length: 20 }, (_, i) =>
      r("kubernetes:apps/v1:Deployment", { metadata: { name: `d${i}` }, spec: { replicas: 1, template: { spec: { containers: [{ resources: { requests: { cpu: "200m", memory: "256Mi" } } }] } } } }),
    );
    const cap = checkCapacity([r("eks:index:ManagedNodeGroup", { instanceTypes: ["t3.medium"], scalingConfig: { minSize: 1 } }), ...heavy]);
    assert.equal(cap.fits, false);
    assert.ok(cap.warnings.some((w) => /CPU requests/.test(w)));
    assert.ok(cap.warnings.some((w) => /pods exceed 1 × 17 pods per t3\.medium/.test(w)));
  });
});

describe("schedule", () => {
  const s = (urn: string, type: string, dependsOn: string[] = [], extra: Partial<ScheduleResource> = {}): ScheduleResource => ({ urn, type, inputs: {}, dependsOn, provider: null, custom: true, ...extra });

  it("takes the longest weighted chain, not the sum", () => {
    const sched = criticalPath([
      s("vpc", "awsx:ec2:Vpc", [], { custom: false, options: { remote: true } }),
      s("cluster", "eks:index:Cluster", ["vpc"], { custom: false, options: { remote: true } }),
      s("nodes", "eks:index:ManagedNodeGroup", ["cluster"], { custom: false, options: { remote: true } }),
      s("key", "aws:kms/key:Key"),
      s("ns", "kubernetes:core/v1:Namespace", [], { provider: "cluster" }),
    ]);
    assert.equal(sched.criticalPathMinutes, 2.5 + 10 + 3);
    assert.deepEqual(sched.path, ["vpc", "cluster", "nodes"]);
  });

  it("follows providers: Kubernetes objects wait for their cluster", () => {
    const sched = criticalPath([s("cluster", "gcp:container/cluster:Cluster", [], { inputs: { location: "us-central1" } }), s("rel", "kubernetes:helm.sh/v3:Release", [], { provider: "cluster", inputs: { chart: "kube-prometheus-stack" } })]);
    assert.equal(sched.criticalPathMinutes, 12 + 2.5);
  });

  it("the shipped stacks' plans carry an estimate with a path", () => {
    const dev = planJson("dev").schedule;
    assert.ok(dev.criticalPathMinutes > 15 && dev.criticalPathMinutes < 30, String(dev.criticalPathMinutes));
    assert.ok(dev.path.some((u) => u.endsWith("::dev-eks")));
  });
});

describe("plan diff", () => {
  it("lists changed input paths", () => {
    assert.deepEqual(changedPaths({ a: 1, b: { c: [1], d: "x" } }, { a: 1, b: { c: [2], d: "x" }, e: true }), ["b.c", "e"]);
  });

  it("finds added, removed and changed resources and the cost difference", () => {
    const base = planJson("dev");
    const rec = (urn: string, inputs: Record<string, unknown>): ResourceRecord => ({ ...base.resources[0]!, urn, inputs });
    const head: PlanDocument = { ...base, resources: [...base.resources.slice(1), rec("urn:new", {})], cost: { ...base.cost, monthly: base.cost.monthly + 10 } };
    const d = diffPlans(base, head);
    assert.deepEqual(d.added, ["urn:new"]);
    assert.deepEqual(d.removed, [base.resources[0]!.urn]);
    assert.deepEqual(d.changed, []);
    assert.equal(d.cost.delta, 10);
  });
});

describe("stack-monthly-budget policy", () => {
  const records = () => planJson("dev").resources;
  it("passes within the budget and fails above it, mandatory where a budget is set", async () => {
    const ok = await evaluatePolicies(records(), [monthlyBudget], { "stack-monthly-budget": { enforcementLevel: "mandatory", monthlyUsd: 500 } });
    assert.deepEqual(ok, []);
    const over = await evaluatePolicies(records(), [monthlyBudget], { "stack-monthly-budget": { enforcementLevel: "mandatory", monthlyUsd: 100 } });
    assert.equal(over.length, 1);
    assert.equal(over[0]!.enforcementLevel, "mandatory");
    assert.match(over[0]!.message, /exceeds the budget of \$100\.00/);
    assert.deepEqual(await evaluatePolicies(records(), [monthlyBudget], {}), [], "no budget, no verdict");
  });
});
