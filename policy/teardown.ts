// One teardown rule for both clouds. `allowDestroy: true` is the documented switch (README,
// "Tearing down"): it turns off the cluster's deletion protection AND Pulumi's `protect` on the
// stateful resources, together. So the pack lets exactly that combination through, with an
// advisory, and stops a cluster whose deletion protection is off while the stack still protects
// its data: that is not a teardown but a lost setting.

import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";

/** Provider cluster resources: what a real preview/up shows (stack policies get their OUTPUTS). */
const CLUSTER_TYPES = ["aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster"];
/** The eks component: in a real run its outputs have no deletionProtection (cluster.ts registerOutputs, v4.3.0); judged only offline, where it carries its inputs and has no children. */
const EKS_COMPONENT = "eks:index:Cluster";

/**
 * Clusters whose deletion protection is explicitly off. A missing field is never a failure: it is
 * not knowable (outputs, unknowns in a preview), and the other gates cover a wrong input.
 */
const unprotectedClusters = (resources: readonly PolicyResource[]) => {
  const hasProviderClusters = resources.some((r) => CLUSTER_TYPES.includes(r.type));
  return resources.filter((r) => (CLUSTER_TYPES.includes(r.type) || (r.type === EKS_COMPONENT && !hasProviderClusters)) && r.props["deletionProtection"] === false);
};

const requiredSchema = { properties: { required: { type: "boolean", default: true } } } as const;

export const clusterDeletionProtection: StackValidationPolicy = {
  name: "cluster-deletion-protection",
  description: "Where required (prod), clusters keep deletion protection on unless the whole stack is opened for teardown (allowDestroy: true also lifts protect on its data).",
  configSchema: requiredSchema,
  validateStack: (args, report) => {
    const { required = true } = args.getConfig<{ required?: boolean }>();
    if (!required) return;
    const stillProtected = args.resources.filter((r) => r.opts.protect).map((r) => r.name);
    if (stillProtected.length === 0) return;
    for (const c of unprotectedClusters(args.resources)) {
      report(`${c.name}: deletion protection is off while the stack still protects ${stillProtected.join(", ")}: turn it back on, or set allowDestroy: true for a deliberate teardown.`, c.urn);
    }
  },
};

export const clusterDeletionProtectionOff: StackValidationPolicy = {
  name: "cluster-deletion-protection-off",
  description: "Advisory: where deletion protection is required, says when it is off (allowDestroy: true), so a teardown is never silent.",
  configSchema: requiredSchema,
  validateStack: (args, report) => {
    const { required = true } = args.getConfig<{ required?: boolean }>();
    if (!required) return;
    for (const c of unprotectedClusters(args.resources)) {
      report(`${c.name}: deletion protection is off (allowDestroy: true): \`pulumi destroy\` can delete this cluster. Set allowDestroy back to false unless you are tearing the stack down.`, c.urn);
    }
  },
};

export const teardownPolicies = [clusterDeletionProtection, clusterDeletionProtectionOff];
