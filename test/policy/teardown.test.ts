// One teardown rule for both clouds: allowDestroy (deletion protection AND protect off together)
// passes with an advisory; deletion protection lost on its own is stopped.

import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { evaluatePolicies, readPolicyConfig } from "../../plan/policy";
import type { ResourceRecord } from "../../plan/record";
import { teardownPolicies } from "../../policy/teardown";
import { realStackView } from "../fixtures/remote-children";
import { planJson, ROOT } from "../helpers/plan";

function variant(records: readonly ResourceRecord[], change: { deletionProtection: boolean; protect: boolean }): ResourceRecord[] {
  return records.map((r) => ({
    ...r,
    // Only where the field exists: the eks component's outputs have none.
    inputs: "deletionProtection" in r.inputs ? { ...r.inputs, deletionProtection: change.deletionProtection } : r.inputs,
    options: { ...r.options, protect: r.options.protect && change.protect },
  }));
}

// The real run (stack policies get outputs: the eks component's have no deletionProtection) and the
// offline plan (the component with its inputs, no children).
for (const [stack, view] of [["prod", "real"], ["prod", "plan"], ["gcp-prod", "plan"]] as const) {
  describe(`teardown on ${stack} (${view === "real" ? "a real run's outputs" : "the offline plan"})`, () => {
    const doc = planJson(stack);
    const records = view === "real" ? realStackView(doc.resources) : [...doc.resources];
    const config = readPolicyConfig(path.join(ROOT, "policy", "config", `${stack}.json`));
    const run = (rs: ResourceRecord[]) => evaluatePolicies(rs, teardownPolicies, config);

    it("as shipped: protected, nothing to report", async () => {
      assert.ok(records.some((r) => r.options.protect), "prod protects its data");
      assert.deepEqual(await run(records), []);
    });

    it("allowDestroy (both protections off): an advisory per cluster, nothing mandatory", async () => {
      const v = await run(variant(records, { deletionProtection: false, protect: false }));
      assert.ok(v.length >= 1);
      assert.ok(v.every((x) => x.enforcementLevel === "advisory" && x.policy === "cluster-deletion-protection-off"));
      assert.match(v[0]!.message, /allowDestroy: true/);
    });

    it("deletion protection lost while data stays protected: mandatory", async () => {
      const v = await run(variant(records, { deletionProtection: false, protect: true }));
      const mandatory = v.filter((x) => x.enforcementLevel === "mandatory");
      assert.ok(mandatory.length >= 1);
      assert.ok(mandatory.every((x) => x.policy === "cluster-deletion-protection"));
      assert.match(mandatory[0]!.message, /still protects voting-(db|ns)/);
    });
  });
}
