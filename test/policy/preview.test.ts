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
import { remoteChildren } from "../fixtures/remote-children";
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
      const violations = await evaluatePolicies([...doc.resources, ...children], policies, config);
      assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), []);
    });
  }

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
