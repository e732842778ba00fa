// Deploy-time estimate: the critical path through the dependency graph (explicit dependsOn,
// dependencies through Output inputs, and each resource's provider), weighted by reported
// creation times (stacks/catalog.ts). Pulumi creates independent resources in parallel, so the
// longest weighted chain is what `pulumi up` waits for.

import { obj } from "../lib/json";
import { CATALOG_DATE, CREATION_MINUTES } from "../stacks/catalog";

export interface ScheduleResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly dependsOn: readonly string[];
  readonly provider: string | null;
  readonly custom: boolean;
  readonly options?: { readonly remote?: boolean };
}

export interface Schedule {
  readonly criticalPathMinutes: number;
  readonly path: readonly string[];
  readonly basis: string;
}

export function creationMinutes(r: ScheduleResource): number {
  if (!r.custom && !r.options?.remote) return 0; // local components take no time of their own
  const t = CREATION_MINUTES as Record<string, number>;
  if (r.type === "gcp:container/cluster:Cluster") return t[/-[a-z]$/.test(String(r.inputs["location"] ?? "")) ? `${r.type}:zonal` : `${r.type}:regional`]!;
  if (r.type === "time:index/sleep:Sleep") return durationMinutes(r.inputs["createDuration"]);
  if (r.type === "kubernetes:helm.sh/v3:Release") return t[`${r.type}:${String(r.inputs["chart"])}`] ?? t[r.type]!;
  if (r.type === "kubernetes:networking.k8s.io/v1:Ingress" && obj(obj(r.inputs["metadata"])["annotations"])["kubernetes.io/ingress.class"] === "gce") return t[`${r.type}:gce`]!;
  if (r.type === "kubernetes:core/v1:Service" && (r.inputs["spec"] as { type?: string } | undefined)?.type === "LoadBalancer") return t[`${r.type}:LoadBalancer`]!;
  return t[r.type] ?? t["default"]!;
}

/** A Go duration as time.Sleep takes it ("90s", "2m", "1m30s") in minutes; 0 if unreadable. */
export function durationMinutes(d: unknown): number {
  const text = String(d ?? "");
  const units: Record<string, number> = { h: 60, m: 1, s: 1 / 60 };
  let total = 0;
  let rest = text;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) {
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.replace(m[0], "");
  }
  return rest === "" ? total : 0;
}

export function criticalPath(resources: readonly ScheduleResource[]): Schedule {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, { minutes: number; path: string[] }>();
  const visiting = new Set<string>();
  const finish = (urn: string): { minutes: number; path: string[] } => {
    const hit = memo.get(urn);
    if (hit) return hit;
    const r = byUrn.get(urn);
    if (!r || visiting.has(urn)) return { minutes: 0, path: [] };
    visiting.add(urn);
    const deps = [...r.dependsOn, ...(r.provider ? [r.provider] : [])];
    let best = { minutes: 0, path: [] as string[] };
    for (const d of deps) {
      const f = finish(d);
      if (f.minutes > best.minutes) best = f;
    }
    visiting.delete(urn);
    const own = creationMinutes(r);
    const result = { minutes: best.minutes + own, path: own > 0 ? [...best.path, urn] : best.path };
    memo.set(urn, result);
    return result;
  };
  let longest = { minutes: 0, path: [] as string[] };
  for (const r of resources) {
    const f = finish(r.urn);
    if (f.minutes > longest.minutes) longest = f;
  }
  return { criticalPathMinutes: Math.round(longest.minutes * 10) / 10, path: longest.path, basis: `reported creation times as of ${CATALOG_DATE}` };
}
