// Compare two plans of a stack (e.g. main's and a pull request's): resources added, removed and
// changed (which input paths), and the cost difference. Pure; `npm run plan -- <stack> --diff base.json`.

import type { PlanDocument, ResourceRecord } from "./record";

export interface PlanDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly urn: string; readonly paths: readonly string[] }[];
  readonly cost: { readonly base: number; readonly head: number; readonly delta: number };
}

/** Dotted paths whose values differ (arrays compared whole). */
export function changedPaths(a: unknown, b: unknown, prefix = ""): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || "(value)"];
}

function comparable(r: ResourceRecord): unknown {
  return { inputs: r.inputs, options: r.options, parent: r.parent, provider: r.provider };
}

export function diffPlans(base: PlanDocument, head: PlanDocument): PlanDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const added = [...after.keys()].filter((u) => !before.has(u)).sort();
  const removed = [...before.keys()].filter((u) => !after.has(u)).sort();
  const changed = [...after.keys()]
    .filter((u) => before.has(u))
    .map((urn) => ({ urn, paths: changedPaths(comparable(before.get(urn)!), comparable(after.get(urn)!)) }))
    .filter((c) => c.paths.length > 0)
    .sort((x, y) => x.urn.localeCompare(y.urn));
  const b = base.cost?.monthly ?? 0;
  const h = head.cost?.monthly ?? 0;
  return { added, removed, changed, cost: { base: b, head: h, delta: Math.round((h - b) * 100) / 100 } };
}

const short = (urn: string) => urn.split("::").slice(-2).join(" ");

export function renderDiff(d: PlanDiff): string {
  const sign = d.cost.delta > 0 ? "+" : d.cost.delta < 0 ? "−" : "±";
  const lines = [
    `Plan diff: ${d.added.length} to add, ${d.removed.length} to remove, ${d.changed.length} to change; cost ${sign}$${Math.abs(d.cost.delta).toFixed(2)}/month ($${d.cost.base.toFixed(2)} → $${d.cost.head.toFixed(2)})`,
    ...d.added.map((u) => `  + ${short(u)}`),
    ...d.removed.map((u) => `  - ${short(u)}`),
    ...d.changed.map((c) => `  ~ ${short(c.urn)}: ${c.paths.slice(0, 8).join(", ")}${c.paths.length > 8 ? `, … (${c.paths.length - 8} more)` : ""}`),
  ];
  return lines.join("\n");
}
