// The pack over what a real preview shows: every shipped stack's plan plus the children of its
// remote components (test/fixtures/remote-children.ts, derived from @pulumi/eks and @pulumi/awsx
// sources at their pinned versions).

import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { evaluatePolicies, readPolicyConfig } from "../../plan/policy";
import { shippedStacks } from "../../plan/stackfile";
import { policies } from "../../policy/policies";
import { remoteComponentOf } from "../../policy/urn";
import { realPreview, realStackView, remoteChildren } from "../fixtures/remote-children";
import { estimateCost } from "../../estimates/cost";
import { planJson, ROOT } from "../helpers/plan";

const previewOf = (stack: string) => {
  const doc = planJson(stack);
  return { doc, children: remoteChildren(doc.resources) };
};

describe("the pack over a real preview's resources (plan + remote components' children)", () => {
  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: no mandatory violation`, async () => {
      const { doc, children } = previewOf(stack);
      const config = readPolicyConfig(path.join(ROOT, "policy", "config", `${stack}.json`));
      assert.ok(children.length > 0 || !doc.resources.some((r) => r.options.remote));
      // Resource policies see the components with empty props; stack policies see outputs.
      const resourcePolicies = policies.filter((p) => "validateResource" in p);
      const stackPolicies = policies.filter((p) => "validateStack" in p);
      const violations = [
        ...(await evaluatePolicies(realPreview(doc.resources), resourcePolicies, config)),
        ...(await evaluatePolicies(realStackView(doc.resources), stackPolicies, config)),
      ];
      assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), []);
    });

    it(`${stack}: the offline plan (components with inputs, no children) draws no mandatory violation either`, async () => {
      const config = readPolicyConfig(path.join(ROOT, "policy", "config", `${stack}.json`));
      const violations = await evaluatePolicies(planJson(stack).resources, policies, config);
      assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), []);
    });
  }

  it("the budget gate prices the provider children as the offline plan prices the components", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const plan = estimateCost(planJson(stack).resources);
      const real = estimateCost(realStackView(planJson(stack).resources));
      assert.equal(real.monthly, plan.monthly, stack);
    }
  });

  it("prod: each broken cluster/node-group setting is still caught once on the children of a real preview", async () => {
    const config = readPolicyConfig(path.join(ROOT, "policy", "config", "prod.json"));
    const resourcePolicies = policies.filter((p) => "validateResource" in p);
    const breakCluster = (inputs: Record<string, unknown>) => ({ ...inputs, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], enabledClusterLogTypes: [], upgradePolicy: { supportType: "EXTENDED" } });
    const broken = planJson("prod").resources.map((r) => (r.type === "eks:index:Cluster" ? { ...r, inputs: breakCluster(r.inputs as Record<string, unknown>) } : r));
    const violations = (await evaluatePolicies(realPreview(broken), resourcePolicies, config)).filter((v) => v.enforcementLevel === "mandatory");
    for (const name of ["eks-endpoint-restricted", "eks-control-plane-logging", "eks-standard-support"]) {
      assert.equal(violations.filter((v) => v.policy === name).length, 1, name);
    }
    assert.ok(violations.every((v) => v.urn?.includes("aws:eks/cluster:Cluster")));
  });

  it("the fixture holds what the policies must see: the eks provider, the cluster, the node group", () => {
    const { children } = previewOf("prod");
    const byType = (t: string) => children.filter((c) => c.type === t);
    const [provider] = byType("pulumi:providers:kubernetes");
    assert.equal(provider?.name, "prod-eks-eks-k8s");
    assert.equal(provider?.urn, "urn:pulumi:prod::voting-platform::voting-platform:aws:EksPlatform$eks:index:Cluster$pulumi:providers:kubernetes::prod-eks-eks-k8s");
    assert.deepEqual(Object.keys(provider!.inputs), ["kubeconfig"]);
    assert.equal(byType("aws:eks/cluster:Cluster").length, 1);
    assert.equal(byType("aws:eks/nodeGroup:NodeGroup")[0]?.inputs["capacityType"], "ON_DEMAND");
    // prod: three AZs, one NAT gateway each, private and public subnet per AZ: the program's own
    // resources (components/aws/network.ts), so no remote component hides them.
    assert.equal(byType("aws:ec2/subnet:Subnet").length, 0);
    assert.equal(planJson("prod").resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").length, 6);
    assert.equal(planJson("prod").resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 3);
    assert.ok(children.every((c) => remoteComponentOf(c.urn) !== undefined));
    assert.ok(children.every((c) => c.parent !== null && (children.some((p) => p.urn === c.parent) || planJson("prod").resources.some((p) => p.urn === c.parent))));
  });

  it("GKE and existing-cluster stacks have no remote components", () => {
    for (const stack of ["gcp-prod", "local"]) assert.deepEqual(previewOf(stack).children, []);
  });
});
