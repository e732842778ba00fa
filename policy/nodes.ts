// Node capacity per stack: prod runs on on-demand capacity and never on a single node (a PDB with
// minAvailable 1 cannot drain the only node; a spot reclaim takes every replica at once).

import type { StackValidationPolicy } from "@pulumi/policy";
import { obj, type Obj } from "../lib/json";

interface NodeCapacity {
  readonly spot: boolean;
  /** The smallest node count the group/pool can scale to (GKE per-zone minimums count once: a lower bound). */
  readonly min: number | undefined;
}

/**
 * Whether an eks:index:ManagedNodeGroup carries its inputs (the offline plan). In a real preview it
 * has none (pulumi-eks 4.3.0 registers components with `{}`), and stack policies get its OUTPUTS,
 * only `{ nodeGroup, placementGroupName }`: then its aws:eks/nodeGroup:NodeGroup child is judged.
 */
const mngHasInputs = (props: Obj) => ["scalingConfig", "capacityType", "instanceTypes"].some((k) => k in props);

/** Capacity of an EKS managed node group (component with inputs, or provider resource) or a GKE node pool. */
export function nodeCapacity(type: string, props: Obj): NodeCapacity | undefined {
  if (type === "eks:index:ManagedNodeGroup" && !mngHasInputs(props)) return undefined;
  if (type === "eks:index:ManagedNodeGroup" || type === "aws:eks/nodeGroup:NodeGroup") {
    const min = obj(props["scalingConfig"])["minSize"];
    // capacityType defaults to ON_DEMAND (EKS CreateNodegroup API).
    return { spot: props["capacityType"] === "SPOT", min: typeof min === "number" ? min : 1 };
  }
  if (type === "gcp:container/nodePool:NodePool") {
    const nc = obj(props["nodeConfig"]);
    const as = obj(props["autoscaling"]);
    const min = [as["totalMinNodeCount"], as["minNodeCount"], props["nodeCount"], props["initialNodeCount"]].find((v) => typeof v === "number");
    return { spot: nc["spot"] === true || nc["preemptible"] === true, min: min as number | undefined };
  }
  return undefined;
}

/**
 * A stack policy: the minimum counts across all node groups/pools of the stack, since staging and
 * prod run one managed node group per AZ (three groups of one node are three nodes). In a real
 * preview a managed node group shows as the eks:index:ManagedNodeGroup component and its
 * aws:eks/nodeGroup:NodeGroup child: the components are counted when they carry inputs (offline
 * plan), else the children, never both.
 */
export const nodesCapacity: StackValidationPolicy = {
  name: "nodes-capacity",
  description: "Node groups and pools use an allowed capacity type (no spot where spotAllowed is false) and together keep at least minNodes nodes.",
  configSchema: { properties: { spotAllowed: { type: "boolean", default: true }, minNodes: { type: "integer", minimum: 1, default: 1 } } },
  validateStack: (args, report) => {
    const { spotAllowed = true, minNodes = 1 } = args.getConfig<{ spotAllowed?: boolean; minNodes?: number }>();
    const all = args.resources.flatMap((r) => {
      const cap = nodeCapacity(r.type, r.props);
      return cap ? [{ r, cap }] : [];
    });
    const hasComponents = all.some(({ r }) => r.type === "eks:index:ManagedNodeGroup"); // only those with inputs (nodeCapacity)
    const counted = all.filter(({ r }) => !(hasComponents && r.type === "aws:eks/nodeGroup:NodeGroup"));
    for (const { r, cap } of counted) {
      if (cap.spot && !spotAllowed) report("Runs on spot capacity, which can be reclaimed at any time: use on-demand here.", r.urn);
    }
    const mins = counted.map(({ cap }) => cap.min);
    if (counted.length > 0 && mins.every((m) => m !== undefined)) {
      const total = mins.reduce((a, b) => a! + b!, 0)!;
      if (total < minNodes) report(`Can scale down to ${total} node${total === 1 ? "" : "s"} in all; at least ${minNodes} required here.`, counted[0]!.r.urn);
    }
  },
};
