import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shippedStacks } from "../plan/stackfile";
import { validateObject, validateRecords } from "./helpers/k8s-schema";
import { ROOT, planJson } from "./helpers/plan";

const PLANNED = shippedStacks(ROOT);

describe("every Kubernetes object the program creates is valid against the Kubernetes OpenAPI schema", () => {
  for (const stack of PLANNED) {
    it(stack, async () => {
      const results = await validateRecords(planJson(stack).resources);
      assert.ok(results.length >= 20, `expected the app's objects, got ${results.length}`);
      const errors = results.filter((r) => r.error).map((r) => `${r.record.type} ${r.record.name}: ${r.error}`);
      assert.deepEqual(errors, []);
    });
  }

  it("the check can fail: a wrongly typed field and a missing required field are rejected", async () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: "2", template: { spec: { containers: [{ name: "c" }] } } } };
    const error = await validateObject("apps/v1", "Deployment", deployment);
    assert.match(String(error), /replicas must be integer|must have required property/);
  });
});
