import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readStackOutputsMock } from "../../plan/cloud-mocks";
import { diffPlans, replacingPaths, type PlanDiff } from "../../plan/diff";
import type { PlanDocument } from "../../plan/record";
import { ROOT, planJson, runPlan } from "../helpers/plan";

describe("a database size change", () => {
  it("plans with --diff as an update of the claim patch: no replacement, the StatefulSet's template ignored", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "resize-"));
    const base = path.join(dir, "base.json");
    writeFileSync(base, JSON.stringify(planJson("local")));
    const config = path.join(dir, "Pulumi.local.yaml");
    writeFileSync(config, `${readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")}  voting-platform:databaseStorageGb: 5\n`);
    const r = runPlan(["local", "--json", "--config-file", config, "--diff", base]);
    assert.equal(r.code, 0, r.stderr);
    const diff = (JSON.parse(r.stdout) as PlanDocument & { diff: PlanDiff }).diff;
    assert.deepEqual([diff.added, diff.removed], [[], []]);
    assert.deepEqual(diff.changed.filter((c) => c.replaces.length > 0), [], "nothing is replaced");
    const byName = (n: string) => diff.changed.find((c) => c.urn.endsWith(`::${n}`));
    assert.deepEqual(byName("voting-db-data")?.paths, ["inputs.spec.resources.requests.storage"], "the claim grows");
    assert.deepEqual(byName("voting-db")?.paths, [], "the StatefulSet itself is not touched");
    assert.deepEqual(byName("voting-db")?.ignored, ["inputs.spec.volumeClaimTemplates"]);
    // The backup volume (on by default) keeps the size it was created with: a claim's size change is a replacement.
    assert.deepEqual(byName("backup-claim")?.paths, []);
    assert.deepEqual(byName("backup-claim")?.ignored, ["inputs.spec.resources.requests.storage"]);
    assert.equal(diff.changed.length, 3);
  });

  it("grows Prometheus's claim with its retentionSize: no replacement", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "resize-"));
    const base = path.join(dir, "base.json");
    writeFileSync(base, JSON.stringify(planJson("local")));
    const config = path.join(dir, "Pulumi.local.yaml");
    writeFileSync(config, `${readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")}  voting-platform:prometheusStorageGb: 30\n`);
    const r = runPlan(["local", "--json", "--config-file", config, "--diff", base]);
    assert.equal(r.code, 0, r.stderr);
    const diff = (JSON.parse(r.stdout) as PlanDocument & { diff: PlanDiff }).diff;
    assert.deepEqual(diff.changed.filter((c) => c.replaces.length > 0), [], "nothing is replaced");
    const byName = (n: string) => diff.changed.find((c) => c.urn.endsWith(`::${n}`));
    assert.deepEqual(byName("monitoring-prometheus-data-0")?.paths, ["inputs.spec.resources.requests.storage"], "the claim grows");
    assert.deepEqual(
      [...(byName("monitoring-kube-prometheus-stack")?.paths ?? [])].sort(),
      ["inputs.values.prometheus.prometheusSpec.retentionSize", "inputs.values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage"],
    );
  });

  it("refuses a smaller volume than the stack last applied, naming the keys, before anything is applied", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "shrink-"));
    // The stack as last applied: bigger volumes (its outputs are what the program reads back).
    const applied = planJson("prod");
    const base = path.join(dir, "applied.json");
    const was = applied.outputs["volumeSizesGb"] as Record<string, number>;
    assert.ok(was["database"]! > 5 && was["prometheus"]! > 20 && was["grafana"]! > 2, JSON.stringify(was));
    writeFileSync(base, JSON.stringify(applied));
    // Now size medium, with nothing else: every volume would shrink.
    const config = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(config, readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").replace(/^(\s*voting-platform:size:).*$/m, "$1 medium"));
    const r = runPlan(["prod", "--config-file", config, "--diff", base]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /databaseStorageGb = 5: the Postgres volume would shrink from 20 GB to 5 GB.*set databaseStorageGb to 20 or more/);
    assert.match(r.stderr, /prometheusStorageGb = 20: Prometheus's volume would shrink from 50 GB to 20 GB/);
    assert.match(r.stderr, /size = "medium": Grafana's volume .* would shrink from 5 GB to 2 GB/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    // The same sizes again, or bigger: plans.
    const same = runPlan(["prod", "--json", "--diff", base]);
    assert.equal(same.code, 0, same.stderr);
  });

  it("every claim Patch skips the provider's await: a Create over a Bound claim would wait for Pending (WaitForFirstConsumer) and time out", () => {
    for (const stack of ["local", "prod", "gcp-prod"]) {
      const patches = planJson(stack).resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaimPatch");
      assert.deepEqual(patches.map((r) => r.name).sort(), ["monitoring-prometheus-data-0", "voting-db-data"], stack);
      for (const r of patches) {
        const annotations = (r.inputs as { metadata: { annotations?: Record<string, string> } }).metadata.annotations ?? {};
        assert.equal(annotations["pulumi.com/skipAwait"], "true", `${stack} ${r.name}`);
        assert.equal(annotations["pulumi.com/patchForce"], "true", `${stack} ${r.name}`);
        assert.equal(annotations["pulumi.com/waitFor"], undefined, "skipAwait wins; no second condition");
      }
    }
  });

  it("reads the last applied sizes with the engine's readStackOutputs invoke: no StackReference left in the state for refresh to re-read", () => {
    for (const stack of ["local", "prod", "gcp-prod", "dev"]) {
      const doc = planJson(stack);
      assert.deepEqual(doc.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.urn), [], stack);
      assert.equal(typeof (doc.outputs["volumeSizesGb"] as Record<string, number>)["database"], "number", stack);
    }
  });

  it("the offline readStackOutputs answers for the stack itself only (strict, like every mock)", async () => {
    await pulumi.runtime.setMocks({ call: () => ({}), newResource: () => ({ id: undefined, state: {} }) }, "voting-platform", "prod", true, "organization");
    const mock = readStackOutputsMock({ volumeSizesGb: { database: 20 } });
    assert.deepEqual(mock({ name: "organization/voting-platform/prod" })["outputs"], { volumeSizesGb: { database: 20 } });
    assert.throws(() => mock({ name: "organization/voting-platform/dev" }), /expected the stack itself \('organization\/voting-platform\/prod'\)/);
  });

  it("the diff knows which changes replace a Kubernetes object", () => {
    assert.deepEqual(replacingPaths("kubernetes:apps/v1:StatefulSet", ["spec.volumeClaimTemplates", "spec.template"]), ["spec.volumeClaimTemplates"]);
    assert.deepEqual(replacingPaths("kubernetes:apps/v1:Deployment", ["spec.replicas", "spec.selector.matchLabels"]), ["spec.selector.matchLabels"]);
    assert.deepEqual(replacingPaths("kubernetes:core/v1:PersistentVolumeClaimPatch", ["spec.resources.requests.storage"]), []);
    // Without ignoreChanges, the same change would replace the StatefulSet.
    const doc = planJson("local");
    const sts = doc.resources.find((x) => x.type === "kubernetes:apps/v1:StatefulSet")!;
    const grown = JSON.parse(JSON.stringify(sts)) as typeof sts & { inputs: { spec: { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] } } };
    grown.inputs.spec.volumeClaimTemplates[0]!.spec.resources.requests.storage = "5Gi";
    const noIgnore = { ...grown, options: { ...grown.options, ignoreChanges: [] } };
    const d = diffPlans({ ...doc, resources: [sts] }, { ...doc, resources: [noIgnore] });
    assert.deepEqual(d.changed[0]!.replaces, ["spec.volumeClaimTemplates"]);
  });
});
