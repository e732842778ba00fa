// Compare two plans of a stack (e.g. main's and a pull request's): resources added, removed and
// changed (which input paths), and the cost difference. Pure; `npm run plan -- <stack> --diff base.json`.

import type { PlanDocument, ResourceRecord } from "./record";

export interface ChangedResource {
  readonly urn: string;
  /** Changed input paths the engine acts on. */
  readonly paths: readonly string[];
  /** Of those, the ones that make the provider replace the resource (delete and create). */
  readonly replaces: readonly string[];
  /** Changed paths under the resource's ignoreChanges: the engine keeps the old value. */
  readonly ignored: readonly string[];
}

/** What a diff needs of the base plan (a --diff file may come from an older version of this tool). */
export type DiffBase = Pick<PlanDocument, "resources"> & { readonly cost?: { readonly monthly: number } };

export interface PlanDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedResource[];
  readonly cost: { readonly base: number; readonly head: number; readonly delta: number };
  /** With --base: the ref and commit diffed against, and anything to know about that plan. */
  readonly base?: { readonly ref: string; readonly commit: string; readonly note?: string };
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

// Input paths whose change makes pulumi-kubernetes replace the object instead of updating it
// (provider/pkg/provider/diff.go, forceNew table; plus metadata.name/namespace for every kind).
// ConfigMaps and Secrets are replaced on a data change unless the provider makes them mutable.
const K8S_REPLACE_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:apps/v1:StatefulSet": ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
  "kubernetes:apps/v1:Deployment": ["spec.selector"],
  "kubernetes:batch/v1:Job": ["spec.selector", "spec.template"],
  "kubernetes:core/v1:Service": ["spec.clusterIP", "spec.type"],
  "kubernetes:core/v1:PersistentVolumeClaim": ["spec"],
  "kubernetes:core/v1:ConfigMap": ["data", "binaryData"],
  "kubernetes:core/v1:Secret": ["type", "stringData", "data"],
  "kubernetes:storage.k8s.io/v1:StorageClass": ["parameters", "provisioner"],
};

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/** Which of a Kubernetes object's changed input paths force a replacement (empty for other types). */
export function replacingPaths(type: string, paths: readonly string[]): string[] {
  if (!type.startsWith("kubernetes:") || type.startsWith("kubernetes:helm.sh") || type.endsWith("Patch")) return [];
  const prefixes = ["metadata.name", "metadata.namespace", ...(K8S_REPLACE_PATHS[type] ?? [])];
  return paths.filter((p) => prefixes.some((x) => under(p, x)));
}

function comparable(r: ResourceRecord): unknown {
  return { inputs: r.inputs, options: r.options, parent: r.parent, provider: r.provider };
}

export function diffPlans(base: DiffBase, head: PlanDocument): PlanDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const added = [...after.keys()].filter((u) => !before.has(u)).sort();
  const removed = [...before.keys()].filter((u) => !after.has(u)).sort();
  const changed = [...after.keys()]
    .filter((u) => before.has(u))
    .map((urn): ChangedResource => {
      const head = after.get(urn)!;
      const all = changedPaths(comparable(before.get(urn)!), comparable(head));
      // ignoreChanges paths are input paths ("spec.volumeClaimTemplates"); ours are prefixed "inputs.".
      const isIgnored = (p: string) => head.options.ignoreChanges.some((ig) => under(p, `inputs.${ig}`));
      const paths = all.filter((p) => !isIgnored(p));
      const inputPaths = paths.filter((p) => p.startsWith("inputs.")).map((p) => p.slice("inputs.".length));
      return { urn, paths, replaces: replacingPaths(head.type, inputPaths), ignored: all.filter(isIgnored) };
    })
    .filter((c) => c.paths.length > 0 || c.ignored.length > 0)
    .sort((x, y) => x.urn.localeCompare(y.urn));
  const b = base.cost?.monthly ?? 0;
  const h = head.cost?.monthly ?? 0;
  return { added, removed, changed, cost: { base: b, head: h, delta: Math.round((h - b) * 100) / 100 } };
}

const short = (urn: string) => urn.split("::").slice(-2).join(" ");

export function renderDiff(d: PlanDiff): string {
  const sign = d.cost.delta > 0 ? "+" : d.cost.delta < 0 ? "−" : "±";
  const lines = [
    ...(d.base ? [`Against ${d.base.ref} (${d.base.commit.slice(0, 12)})${d.base.note ? `: ${d.base.note}` : ""}`] : []),
    `Plan diff: ${d.added.length} to add, ${d.removed.length} to remove, ${d.changed.length} to change; cost ${sign}$${Math.abs(d.cost.delta).toFixed(2)}/month ($${d.cost.base.toFixed(2)} → $${d.cost.head.toFixed(2)})`,
    ...d.added.map((u) => `  + ${short(u)}`),
    ...d.removed.map((u) => `  - ${short(u)}`),
    ...d.changed.map(
      (c) =>
        `  ${c.replaces.length ? "+-" : "~"} ${short(c.urn)}: ${c.replaces.length ? `REPLACE (${c.replaces.join(", ")}) ` : ""}${c.paths.slice(0, 8).join(", ")}${c.paths.length > 8 ? `, … (${c.paths.length - 8} more)` : ""}${
          c.ignored.length ? `${c.paths.length ? "; " : ""}ignored: ${c.ignored.join(", ")}` : ""
        }`,
    ),
  ];
  return lines.join("\n");
}
