// Node capacity per stack: prod runs on on-demand capacity and never on a single node (a PDB with
// minAvailable 1 cannot drain the only node; a spot reclaim takes every replica at once).

import type { ResourceValidationPolicy } from "@pulumi/policy";
import { obj, type Obj } from "../lib/json";

interface NodeCapacity {
  readonly spot: boolean;
  /** The smallest node count the group/pool can scale to (GKE per-zone minimums count once: a lower bound). */
  readonly min: number | undefined;
}

/** Capacity of an EKS managed node group (component or provider resource) or a GKE node pool. */
export function nodeCapacity(type: string, props: Obj): NodeCapacity | undefined {
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

export const nodesCapacity: ResourceValidationPolicy = {
  name: "nodes-capacity",
  description: "Node groups and pools use an allowed capacity type (no spot where spotAllowed is false) and keep at least minNodes nodes.",
  configSchema: { properties: { spotAllowed: { type: "boolean", default: true }, minNodes: { type: "integer", minimum: 1, default: 1 } } },
  validateResource: (args, report) => {
    const cap = nodeCapacity(args.type, args.props);
    if (!cap) return;
    const { spotAllowed = true, minNodes = 1 } = args.getConfig<{ spotAllowed?: boolean; minNodes?: number }>();
    if (cap.spot && !spotAllowed) report("Runs on spot capacity, which can be reclaimed at any time: use on-demand here.");
    if (cap.min !== undefined && cap.min < minNodes) report(`Can scale down to ${cap.min} node${cap.min === 1 ? "" : "s"}; at least ${minNodes} required here.`);
  },
};
