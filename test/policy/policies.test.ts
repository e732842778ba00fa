import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { enforcementLevel, evaluatePolicies, readPolicyConfig } from "../../plan/policy";
import { record } from "../helpers/records";
import { kubernetesProviderClusterIdentifier, policies } from "../../policy/policies";
import { shippedStacks } from "../../plan/stackfile";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/plan";


describe("kubernetes-provider-cluster-identifier", () => {
  const provider = (inputs: Record<string, unknown>) => record("pulumi:providers:kubernetes", inputs);

  it("passes a provider with a clusterIdentifier", async () => {
    const v = await evaluatePolicies([provider({ clusterIdentifier: "eks/dev", kubeconfig: "[secret]" })], [kubernetesProviderClusterIdentifier], {});
    assert.deepEqual(v, []);
  });

  it("fails the same provider without it, at the level the config sets", async () => {
    for (const inputs of [{ kubeconfig: "[secret]" }, { clusterIdentifier: " " }]) {
      const v = await evaluatePolicies([provider(inputs)], [kubernetesProviderClusterIdentifier], { all: "advisory", "kubernetes-provider-cluster-identifier": "mandatory" });
      assert.equal(v.length, 1);
      assert.equal(v[0]!.enforcementLevel, "mandatory");
      assert.match(v[0]!.message, /Set clusterIdentifier/);
    }
  });

  it("leaves the provider @pulumi/eks creates inside eks:index:Cluster alone, not one of ours", async () => {
    const inside = { ...provider({ kubeconfig: "[unknown]" }), urn: "urn:pulumi:prod::voting-platform::voting-platform:aws:EksPlatform$eks:index:Cluster$pulumi:providers:kubernetes::prod-eks-eks-k8s" };
    const ours = { ...provider({ kubeconfig: "[secret]" }), urn: "urn:pulumi:prod::voting-platform::voting-platform:aws:EksPlatform$pulumi:providers:kubernetes::prod-k8s" };
    const v = await evaluatePolicies([inside, ours], [kubernetesProviderClusterIdentifier], {});
    assert.deepEqual(v.map((x) => x.urn), [ours.urn]);
  });

  it("is silent about other types and skipped when disabled", async () => {
    assert.deepEqual(await evaluatePolicies([record("kubernetes:core/v1:Namespace", {})], [kubernetesProviderClusterIdentifier], {}), []);
    assert.deepEqual(await evaluatePolicies([provider({})], [kubernetesProviderClusterIdentifier], { "kubernetes-provider-cluster-identifier": "disabled" }), []);
  });
});

describe("policy config", () => {
  it("resolves levels: the policy's own entry, then 'all', then the policy's default", () => {
    const p = kubernetesProviderClusterIdentifier;
    assert.equal(enforcementLevel(p, { [p.name]: { enforcementLevel: "advisory" }, all: "mandatory" }), "advisory");
    assert.equal(enforcementLevel(p, { all: "advisory" }), "advisory");
    assert.equal(enforcementLevel(p, {}), "mandatory");
  });

  it("exists for every shipped stack and names only real policies", () => {
    const names = new Set(policies.map((p) => p.name));
    for (const stack of shippedStacks(ROOT)) {
      const file = path.join(ROOT, "policy", "config", `${stack}.json`);
      assert.ok(existsSync(file), `policy/config/${stack}.json`);
      for (const key of Object.keys(readPolicyConfig(file))) assert.ok(key === "all" || names.has(key), `${stack}: unknown policy ${key}`);
    }
  });
});

describe("nodes-capacity over per-AZ node groups", () => {
  const group = (name: string, minSize: number, type = "eks:index:ManagedNodeGroup") => ({ ...record(type, { scalingConfig: { minSize, maxSize: 3 } }), urn: `urn:pulumi:t::voting-platform::${type}::${name}`, name });
  const config = { "nodes-capacity": { enforcementLevel: "mandatory" as const, minNodes: 2 } };
  const nodesOnly = policies.filter((p) => p.name === "nodes-capacity");

  it("counts the groups together: three groups of one node meet a minimum of two", async () => {
    assert.deepEqual(await evaluatePolicies([group("a", 1), group("b", 1), group("c", 1)], nodesOnly, config), []);
    const v = await evaluatePolicies([group("a", 1), group("b", 0)], nodesOnly, config);
    assert.match(v[0]!.message, /scale down to 1 node in all; at least 2/);
  });

  it("counts a managed node group once in a real preview (the component and its aws:eks/nodeGroup:NodeGroup child)", async () => {
    const v = await evaluatePolicies([group("a", 1), group("a-child", 1, "aws:eks/nodeGroup:NodeGroup")], nodesOnly, config);
    assert.equal(v.length, 1, "1 node, not 2");
  });
});
