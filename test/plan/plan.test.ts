import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { shippedStacks } from "../../plan/stackfile";
import { renderPlan } from "../../plan/render";
import { ROOT, planJson, runPlan } from "../helpers/plan";


describe("npm run plan -- local", () => {
  it("prints one JSON document with the documented fields", () => {
    const doc = planJson("local");
    assert.deepEqual(Object.keys(doc).sort(), ["capacity", "cost", "outputs", "policies", "project", "resources", "schedule", "settings", "stack", "warnings"]);
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

describe("every shipped stack, through a real shell pipe to a slow reader", () => {
  // A pipe holds 64 KiB; the plans are larger. The reader sleeps first, so the plan's writes back
  // up and the whole document arrives only if the plan waits for stdout to drain before it ends.
  // (spawn's own pipe is read eagerly and hides that.) `npm run -s`: no npm banner in the output.
  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: the whole JSON document arrives, exit 0, no mandatory policy violation`, () => {
      const r = spawnSync("sh", ["-c", `{ npm run -s plan -- ${stack} --json; echo "plan-exit=$?" >&2; } | (sleep 1; cat)`], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
      assert.match(r.stderr, /plan-exit=0/, r.stderr);
      assert.ok(r.stdout.length > 65_536, `a plan larger than a pipe's buffer (${r.stdout.length} bytes)`);
      const doc = JSON.parse(r.stdout) as { stack: string; policies: { violations: { enforcementLevel: string }[] } };
      assert.equal(doc.stack, stack);
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

  it("an unknown flag is named, with the usage, exit 1", () => {
    const r = runPlan(["local", "--jsn"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Unknown option '--jsn'\.\n\nusage: npm run -s plan -- <stack> \[options\]/);
  });

  it("--help and -h print the usage on stdout and exit 0", () => {
    for (const flag of ["--help", "-h"]) {
      const r = runPlan([flag]);
      assert.equal(r.code, 0, flag);
      assert.equal(r.stderr, "", flag);
      assert.match(r.stdout, /^usage: npm run -s plan -- <stack> \[options\]/, flag);
      for (const option of ["--json", "--config-file", "--policy-config", "--base <git-ref>", "--diff <plan.json>", "-h, --help"]) assert.ok(r.stdout.includes(option), `${flag}: ${option}`);
    }
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
    assert.deepEqual(policies, ["aws-instance-types-allowed", "eks-control-plane-logging", "eks-endpoint-restricted", "k8s-images-pinned", "k8s-min-replicas", "nodes-capacity"]);
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

describe("config warnings in the plan", () => {
  const expected: Record<string, string[]> = {
    dev: ["voting-platform:awsAdminPrincipals", "voting-platform:awsPublicAccessCidrs"],
    // nodeMaxCount: the GKE quota figures (stacks/validate/gcp.ts), a warning that is not a placeholder.
    "gcp-dev": ["voting-platform:nodeMaxCount", "voting-platform:gcpProject"],
    local: [],
  };
  for (const [stack, keys] of Object.entries(expected)) {
    it(`${stack}: --json lists under "warnings" each key still holding a placeholder; the text shows them`, () => {
      const doc = planJson(stack);
      assert.deepEqual(doc.warnings.map((w) => w.key), keys);
      for (const w of doc.warnings.filter((x) => x.key !== "voting-platform:nodeMaxCount")) assert.match(w.message, /pulumi up refuses to run until it is replaced/);
      const text = renderPlan(doc);
      if (keys.length === 0) assert.doesNotMatch(text, /^Warnings/m);
      else assert.match(text, new RegExp(`^Warnings \\(${keys.length}\\)\\n${keys.map((k) => `  - ${k} = .*\\n`).join("")}`, "m"));
    });
  }
});
