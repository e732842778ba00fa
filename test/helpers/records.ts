// Typed access to recorded inputs: `inputsOf<eks.ClusterArgs>(r).upgradePolicy` only compiles if
// the real SDK's args type has that property, so tests cannot assert on made-up input names.

import type { PlanDocument, ResourceRecord } from "../../plan/record";

export type RecordedInputs<T> = { readonly [K in keyof T]-?: unknown };

export function inputsOf<T>(r: ResourceRecord): RecordedInputs<T> {
  return r.inputs as RecordedInputs<T>;
}

export function find(doc: PlanDocument | readonly ResourceRecord[], type: string, name?: string): ResourceRecord {
  const list = Array.isArray(doc) ? doc : (doc as PlanDocument).resources;
  const hits = list.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${hits.length}`);
  return hits[0]!;
}

export function all(doc: PlanDocument | readonly ResourceRecord[], type: string): ResourceRecord[] {
  const list = Array.isArray(doc) ? doc : (doc as PlanDocument).resources;
  return list.filter((r) => r.type === type);
}

/** A recorded resource for policy and estimate tests. */
export function record(type: string, inputs: Record<string, unknown>, provider: string | null = null): ResourceRecord {
  return {
    urn: `urn:pulumi:t::voting-platform::${type}::r`,
    type,
    name: "r",
    parent: null,
    custom: true,
    provider,
    dependsOn: [],
    inputs,
    options: { protect: false, retainOnDelete: false, ignoreChanges: [], deleteBeforeReplace: false, remote: false },
  };
}

/** URNs a resource waits for, directly or through others (its recorded dependsOn, transitively). */
export function dependencyClosure(doc: PlanDocument, urn: string): Set<string> {
  const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const stack = [...(byUrn.get(urn)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byUrn.get(next)?.dependsOn ?? []));
  }
  return seen;
}

/** Resources whose parent chain reaches a resource of the given (component) type. */
export function descendantsOf(doc: PlanDocument, componentType: string): ResourceRecord[] {
  const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  const under = (r: ResourceRecord): boolean => {
    for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined) {
      if (p.type === componentType) return true;
    }
    return false;
  };
  return doc.resources.filter(under);
}
