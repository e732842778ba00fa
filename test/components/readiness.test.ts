// The readiness contract (Platform.workloadsWaitFor): no object of the voting app or monitoring is
// applied before the cluster can run it. Walked on the plan's recorded dependency graph (explicit
// dependsOn and Output-input edges). Parents are not followed: a child does not wait for what its
// parent component was told to depend on.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planJson } from "../helpers/plan";
import { all, dependencyClosure, descendantsOf } from "../helpers/records";

const WORKLOAD_COMPONENTS = ["voting-platform:app:VotingApp", "voting-platform:monitoring:Monitoring"];

/** What each cloud's workloads must wait for, found in the plan by type (and add-on name). */
const READY: Record<string, (doc: ReturnType<typeof planJson>) => string[]> = {
  aws: (doc) => [
    ...all(doc, "eks:index:ManagedNodeGroup").map((r) => r.urn),
    // The EBS CSI driver: claims bind through it, and on destroy (the reverse order) it must
    // outlive the claims, or their volumes stay behind.
    ...all(doc, "aws:eks/addon:Addon").filter((r) => ["coredns", "aws-ebs-csi-driver"].includes(r.inputs["addonName"] as string)).map((r) => r.urn),
  ],
  gcp: (doc) => all(doc, "gcp:container/nodePool:NodePool").map((r) => r.urn),
};

const STACKS: Record<string, "aws" | "gcp"> = { dev: "aws", staging: "aws", prod: "aws", "gcp-dev": "gcp", "gcp-prod": "gcp" };

for (const [stack, cloud] of Object.entries(STACKS)) {
  describe(`readiness, stack ${stack}`, () => {
    it("applies every Kubernetes object of the app and monitoring only after the nodes (and CoreDNS and the EBS CSI driver on EKS) are ready, and so deletes them before", () => {
      const doc = planJson(stack);
      const ready = READY[cloud]!(doc);
      assert.ok(ready.length >= (cloud === "aws" ? 3 : 1), `the plan has what workloads wait for: ${ready.join(", ")}`);
      const objects = WORKLOAD_COMPONENTS.flatMap((t) => descendantsOf(doc, t)).filter((r) => r.type.startsWith("kubernetes:"));
      const kinds = new Set(objects.map((r) => r.type));
      assert.ok(kinds.has("kubernetes:apps/v1:Deployment") && kinds.has("kubernetes:apps/v1:StatefulSet") && kinds.has("kubernetes:helm.sh/v3:Release"), "the walk covers Deployments, the StatefulSet and the Helm releases");
      const late = objects.flatMap((r) => {
        const closure = dependencyClosure(doc, r.urn);
        const missing = ready.filter((u) => !closure.has(u));
        return missing.length ? [`${r.type} ${r.name} does not wait for ${missing.map((u) => u.split("::").pop()).join(", ")}`] : [];
      });
      assert.deepEqual(late, []);
    });
  });
}
