import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { READ_STACK_OUTPUTS, lastAppliedOutputs, readLastApplied, shrunkVolumes, type VolumeSizes } from "../../stacks/volumes";

const now: VolumeSizes = { database: 5, prometheus: 20, grafana: 2 };

describe("volumes only grow (shrunkVolumes)", () => {
  it("has nothing to compare on a stack's first update or from an older program", () => {
    for (const previous of [undefined, null, "[secret]", 3, {}]) assert.deepEqual(shrunkVolumes(previous, now, "medium"), [], String(previous));
  });

  it("accepts the same sizes and bigger ones", () => {
    assert.deepEqual(shrunkVolumes({ database: 5, prometheus: 20, grafana: 2 }, now, "medium"), []);
    assert.deepEqual(shrunkVolumes({ database: 2, prometheus: 10, grafana: 1 }, now, "medium"), []);
  });

  it("accepts a volume that is no longer there (Grafana without persistence, monitoring off)", () => {
    assert.deepEqual(shrunkVolumes({ database: 5, prometheus: 50, grafana: 5 }, { database: 5 }, "small"), []);
  });

  it("names the key, the value and the size it must keep, for every volume at once", () => {
    const problems = shrunkVolumes({ database: 20, prometheus: 50, grafana: 5 }, now, "medium");
    assert.deepEqual(problems.map((p) => [p.key, p.value]), [["voting-platform:databaseStorageGb", 5], ["voting-platform:prometheusStorageGb", 20], ["voting-platform:size", "medium"]]);
    assert.match(problems[0]!.message, /from 20 GB to 5 GB.*set databaseStorageGb to 20 or more/);
    assert.match(problems[2]!.message, /at least 5 GB/);
    // An `up --skip-preview` (CI) has applied what does not wait for the sizes: the message does not say "nothing".
    for (const p of problems) assert.match(p.message, /The claims, the database StatefulSet and the monitoring releases were not applied \(in a preview, nothing was\)\.$/);
  });
});

describe("reading the sizes last applied (lastAppliedOutputs)", () => {

  it("calls the engine's readStackOutputs for the given stack and answers its outputs ({} when none)", async () => {
    const asked: unknown[] = [];
    let answer: Record<string, unknown> = { outputs: { volumeSizesGb: { database: 20 } } };
    await pulumi.runtime.setMocks({ call: (a) => (asked.push([a.token, a.inputs]), answer), newResource: () => ({ id: undefined, state: {} }) }, "voting-platform", "prod", true, "organization");
    const read = lastAppliedOutputs("organization/voting-platform/prod");
    assert.deepEqual(await new Promise((resolve) => read.apply(resolve)), { volumeSizesGb: { database: 20 } });
    assert.deepEqual(asked, [[READ_STACK_OUTPUTS, { name: "organization/voting-platform/prod" }]]);
    answer = {};
    assert.deepEqual(await readLastApplied("organization/voting-platform/prod"), {});
  });

  it("a failed read stops the program with a RunError naming the fix for an old self-managed backend", async () => {
    await pulumi.runtime.setMocks({ call: () => {
      // The engine's gRPC error: the SDK rethrows `new Error(err.details)`.
      throw Object.assign(new Error("invalid stack name"), { details: "invalid stack name" });
    }, newResource: () => ({ id: undefined, state: {} }) }, "voting-platform", "prod", true, "organization");
    await assert.rejects((readLastApplied("organization/voting-platform/prod")), (e: unknown) => e instanceof pulumi.RunError && /invalid stack name/.test(e.message) && /pulumi state upgrade/.test(e.message));
  });
});
