// The Helm releases a plan installs, the hash of exactly what the program passes to each, and the
// pod-bearing objects that `helm template` rendered from them (test/fixtures/charts/rendered.json,
// written by scripts/render-charts.ts, a maintainer tool: CI can neither fetch charts nor run helm).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { PlanDocument } from "../../plan/record";
import { obj, type Obj } from "../../lib/json";

export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const FIXTURE = path.resolve(__dirname, "..", "fixtures", "charts", "rendered.json");

/** What the program hands Helm for one release: everything that changes the rendered objects. */
export interface ReleaseInput {
  readonly chart: string;
  readonly version: string;
  readonly repo: string;
  /** The Helm release name (`.Release.Name`). */
  readonly name: string;
  readonly namespace: string;
  readonly values: Obj;
}

/** JSON with object keys sorted at every level: the same values always hash the same. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

export const inputHash = (r: ReleaseInput): string => createHash("sha256").update(canonical(r)).digest("hex");

/** The key a render is stored under: chart@version#first 16 hex digits of the input hash. */
export const releaseKey = (r: ReleaseInput): string => `${r.chart}@${r.version}#${inputHash(r).slice(0, 16)}`;

export function releasesOf(doc: PlanDocument): ReleaseInput[] {
  return doc.resources
    .filter((r) => r.type === RELEASE)
    .map((r) => {
      const i = r.inputs;
      return {
        chart: String(i["chart"]),
        version: String(i["version"]),
        repo: String(obj(i["repositoryOpts"])["repo"]),
        name: String(i["name"]),
        namespace: String(i["namespace"]),
        values: obj(i["values"]),
      };
    });
}

/** Kinds whose objects are pods or make pods (workload controllers), and the operator's CRs that do. */
export const POD_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"] as const;
export const OPERATOR_KINDS = ["Prometheus", "Alertmanager", "ThanosRuler", "PrometheusAgent"] as const;
/** Kinds the exposure policies gate: what a chart renders of them is checked too. */
export const EXPOSURE_KINDS = ["Service", "Ingress", "Gateway", "IngressClassParams"] as const;

export interface RenderedRelease extends Omit<ReleaseInput, "values"> {
  /** sha256 of canonical(ReleaseInput), values included. */
  readonly inputSha256: string;
  /** Every pod-bearing and exposure-gated object the chart rendered, hooks included, with its namespace filled in. */
  readonly objects: Obj[];
}

export interface RenderedFixture {
  readonly generatedBy: string;
  readonly helm: string;
  readonly kubeVersion: string;
  /** chart@version → where its source came from (repository, tag or commit, path). */
  readonly sources: Readonly<Record<string, string>>;
  /** Stack → the keys of its releases. */
  readonly stacks: Readonly<Record<string, readonly string[]>>;
  readonly releases: Readonly<Record<string, RenderedRelease>>;
}

export const readFixture = (file = FIXTURE): RenderedFixture => JSON.parse(readFileSync(file, "utf8")) as RenderedFixture;

/** The pod spec of a pod-bearing object, and the path the admission policies read it at. */
export function podSpecOf(o: Obj): Obj | undefined {
  const spec = obj(o["spec"]);
  switch (o["kind"]) {
    case "Pod":
      return spec;
    case "CronJob":
      return obj(obj(obj(obj(spec["jobTemplate"])["spec"])["template"])["spec"]);
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return obj(obj(spec["template"])["spec"]);
    default:
      return undefined;
  }
}
