// Validates recorded Kubernetes objects against the OpenAPI schemas that kubernetes-models ships
// (5.1.0: Kubernetes v1.36.0, one minor ahead of the clusters' 1.35; the objects here use nothing
// newer than 1.29), and Prometheus-operator custom resources against their CRD schemas
// (@kubernetes-models/prometheus-operator). Both are ESM-only, hence the dynamic import.

import type { ResourceRecord } from "../../plan/record";

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** "kubernetes:apps/v1:Deployment" -> ["apps/v1", "Deployment"]; core group is "v1". */
export function apiVersionKind(type: string): [string, string] | undefined {
  const m = /^kubernetes:([^:]+):(\w+)$/.exec(type);
  if (!m || m[1]!.startsWith("helm.sh") || m[1] === "yaml" || m[1]!.startsWith("kustomize")) return undefined;
  // <Kind>Patch resources are partial objects by design (server-side apply merges them into the
  // live object, which the API server validates); they have no schema of their own.
  if (m[2]!.endsWith("Patch")) return undefined;
  const group = m[1]!.startsWith("core/") ? m[1]!.slice("core/".length) : m[1]!;
  return [group, m[2]!];
}

export async function validateObject(apiVersion: string, kind: string, object: unknown): Promise<string | undefined> {
  let mod: Record<string, ModelClass>;
  // Custom resources of the Prometheus operator have their CRD schemas in their own package.
  const pkg = apiVersion.startsWith("monitoring.coreos.com/") ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  try {
    mod = (await import(`${pkg}/${apiVersion}/${kind}`)) as Record<string, ModelClass>;
  } catch {
    return `no schema for ${apiVersion} ${kind} in kubernetes-models`;
  }
  const Model = mod[kind];
  if (!Model) return `no model class ${kind}`;
  try {
    new Model(object).validate();
    return undefined;
  } catch (err) {
    return String((err as Error).message ?? err);
  }
}

/** Every Kubernetes object in the records that has a schema, with the validation error if any. */
export async function validateRecords(records: readonly ResourceRecord[]): Promise<{ record: ResourceRecord; error: string | undefined }[]> {
  const out: { record: ResourceRecord; error: string | undefined }[] = [];
  for (const record of records) {
    const avk = apiVersionKind(record.type);
    if (!avk || !record.custom) continue;
    out.push({ record, error: await validateObject(avk[0], avk[1], unredact(avk[1], record.inputs)) });
  }
  return out;
}

/** Secret data is "[secret]" in the record (Pulumi encrypts it); give the schema a map in its place. */
function unredact(kind: string, inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (kind !== "Secret") return { ...inputs };
  const out: Record<string, unknown> = { ...inputs };
  for (const field of ["data", "stringData"]) if (out[field] === "[secret]") out[field] = { redacted: "" };
  return out;
}
