import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shippedStacks } from "../../plan/stackfile";
import { ROOT, planJson, runPlan } from "../helpers/plan";


describe("npm run plan -- local", () => {
  it("prints one JSON document with the documented fields", () => {
    const doc = planJson("local");
    assert.deepEqual(Object.keys(doc).sort(), ["capacity", "cost", "outputs", "policies", "project", "resources", "schedule", "settings", "stack"]);
    assert.equal(doc.cost.currency, "USD");
    assert.equal(typeof doc.cost.monthly, "number");
    assert.ok(Array.isArray(doc.cost.lines));
    assert.equal(typeof doc.schedule.criticalPathMinutes, "number");
    assert.ok(Array.isArray(doc.schedule.path));
    assert.equal(doc.project, "voting-platform");
    assert.equal(doc.stack, "local");
    for (const r of doc.resources) {
      assert.deepEqual(Object.keys(r).sort(), ["custom", "dependsOn", "inputs", "name", "options", "parent", "provider", "type", "urn"]);
    }
    assert.ok(Array.isArray(doc.policies.violations));
  });

  it("records the real program's tree: stack -> platform component -> provider, with parents", () => {
    const doc = planJson("local");
    const stack = doc.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const platform = doc.resources.find((r) => r.type === "voting-platform:existing:ExistingPlatform");
    const provider = doc.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    assert.ok(stack && platform && provider);
    assert.equal(stack.parent, null);
    assert.equal(platform.parent, stack.urn);
    assert.equal(provider.parent, platform.urn);
    assert.equal(provider.inputs["clusterIdentifier"], "existing/kind-voting");
    assert.equal(doc.outputs["cloud"], "existing");
    assert.equal(doc.outputs["serviceExposure"], "NodePort");
  });

  it("prints a readable tree grouped by component, with the settings that matter", () => {
    const r = runPlan(["local"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /voting-platform \/ local: cloud existing, environment dev, size small/);
    assert.match(r.stdout, /platform\s+existing cluster, context kind-voting, NodePort services, StorageClass standard/);
    assert.match(r.stdout, /[├└]─ voting-platform:existing:ExistingPlatform {2}local/);
    assert.match(r.stdout, /└─ pulumi:providers:kubernetes {2}local-k8s {3}clusterIdentifier=existing\/kind-voting/);
    assert.match(r.stdout, /Policies \(pack voting-platform, config policy\/config\/local.json\): no violations/);
  });
});

describe("every shipped stack", () => {
  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: plans with no mandatory policy violation`, () => {
      const r = runPlan([stack, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { policies: { violations: { enforcementLevel: string }[] } };
      assert.deepEqual(doc.policies.violations.filter((v) => v.enforcementLevel === "mandatory"), []);
    });
  }
});

describe("a broken stack file", () => {
  it("exits 1 with one message per bad key and no stack trace", () => {
    const r = runPlan(["broken", "--config-file", "test/fixtures/Pulumi.broken.yaml"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("  - "));
    const keys = lines.map((l) => /^ {2}- (\S+) =/.exec(l)?.[1]);
    assert.deepEqual(keys.sort(), [
      "voting-platform:awsVpcCidr",
      "voting-platform:cloud",
      "voting-platform:monitoringEnabled",
      "voting-platform:nodeMinCount",
      "voting-platform:sise",
      "voting-platform:size",
    ]);
    assert.match(r.stderr, /voting-platform:cloud = "azure": must be one of aws, gcp, existing/);
    assert.match(r.stderr, /voting-platform:nodeMinCount = -2: must be an integer from 1 to 100/);
  });

  it("a prod stack whose API ranges add up to the whole internet (two /1s) exits 1", () => {
    const r = runPlan(["world-open", "--config-file", "test/fixtures/Pulumi.world-open.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /voting-platform:awsPublicAccessCidrs = \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\]: must not admit the world in prod.*cover the whole IPv4 internet/);
  });

  it("an unknown stack names the shipped ones", () => {
    const r = runPlan(["nope"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No stack file Pulumi\.nope\.yaml\. Shipped stacks: dev, gcp-dev, gcp-prod, local, prod, staging/);
  });

  it("a malformed --diff base or --policy-config file is a message, not a stack trace", () => {
    for (const flag of ["--diff", "--policy-config"]) {
      const r = runPlan(["local", flag, "test/fixtures/not-json.txt"]);
      assert.equal(r.code, 1, flag);
      assert.match(r.stderr, /not-json\.txt (is not a plan|is not valid JSON)/, flag);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("bad arguments print the usage", () => {
    const r = runPlan(["local", "--jsn"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /usage: npm run plan -- <stack>/);
  });
});

describe("a stack that violates policy", () => {
  it("is stopped by prod's policy config: exit 1 and the expected violations", () => {
    const r = runPlan(["policy-broken", "--json", "--config-file", "test/fixtures/Pulumi.policy-broken.yaml", "--policy-config", "policy/config/prod.json"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mandatory policy violations: this stack would not deploy/);
    const doc = JSON.parse(r.stdout) as { policies: { violations: { policy: string; enforcementLevel: string; message: string }[] } };
    const mandatory = doc.policies.violations.filter((v) => v.enforcementLevel === "mandatory");
    const policies = [...new Set(mandatory.map((v) => v.policy))].sort();
    assert.deepEqual(policies, ["aws-instance-types-allowed", "eks-control-plane-logging", "eks-endpoint-restricted", "k8s-images-pinned", "k8s-min-replicas"]);
    // prod's config requires deletion protection; this dev stack has none and protects nothing: the teardown advisory.
    assert.deepEqual([...new Set(doc.policies.violations.filter((v) => v.enforcementLevel !== "mandatory").map((v) => v.policy))], ["cluster-deletion-protection-off"]);
    assert.ok(mandatory.some((v) => /acme\/vote:1\.0 is pinned by tag/.test(v.message)));
  });

  it("passes (advisory only) with its own dev policy config", () => {
    const r = runPlan(["policy-broken", "--json", "--config-file", "test/fixtures/Pulumi.policy-broken.yaml", "--policy-config", "policy/config/dev.json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { policies: { violations: { enforcementLevel: string }[] } };
    assert.ok(doc.policies.violations.length > 0);
    assert.ok(doc.policies.violations.every((v) => v.enforcementLevel === "advisory"));
  });
});
