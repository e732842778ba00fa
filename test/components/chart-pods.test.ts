// The pods the Helm charts render (hooks included) and the ones prometheus-operator makes from the
// chart's CRs, against the cluster's own gates: the project's ValidatingAdmissionPolicies (their CEL,
// evaluated as in admission.test.ts) and the Pod Security level of the namespace each lands in.
// The renders are a fixture (test/fixtures/charts/rendered.json, scripts/render-charts.ts: CI can
// neither fetch charts nor run helm); the first test fails when the program's values no longer
// match the ones rendered, so the fixture cannot silently go stale.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MONITORING_POD_SECURITY } from "../../components/monitoring";
import { arr, obj, type Obj } from "../../lib/json";
import type { PlanDocument } from "../../plan/record";
import { shippedStacks } from "../../plan/stackfile";
import { admit, deployedPolicies } from "../helpers/admission";
import { EXPOSURE_KINDS, inputHash, OPERATOR_KINDS, podSpecOf, readFixture, releaseKey, releasesOf, type RenderedRelease } from "../helpers/chart-renders";
import { operatorStatefulSet, reloaderFromOperator } from "../helpers/operator-pods";
import { planJson, ROOT } from "../helpers/plan";
import { CHECKS, podSecurityViolations, type Level } from "../helpers/pod-security";
import { all } from "../helpers/records";

const fixture = readFixture();
const RERENDER = "re-run scripts/render-charts.ts (README, \"Re-render the charts\") and commit test/fixtures/charts/rendered.json";

/** The fixture's releases for a stack (after the hash check has passed). */
const releasesFor = (stack: string): RenderedRelease[] => (fixture.stacks[stack] ?? []).map((k) => fixture.releases[k]!);

/** Every pod-bearing object of a stack: the charts' own, and the operator's StatefulSets from the CRs. */
function podBearing(stack: string): Obj[] {
  const objects = releasesFor(stack).flatMap((r) => r.objects);
  const crs = objects.filter((o) => (OPERATOR_KINDS as readonly string[]).includes(String(o["kind"])));
  const operator = objects.find((o) => o["kind"] === "Deployment" && arr(obj(obj(obj(o["spec"])["template"])["spec"])["containers"]).some((c) => arr(obj(c)["args"]).some((a) => String(a).startsWith("--prometheus-config-reloader="))));
  if (crs.length && !operator) throw new Error(`${stack}: Prometheus/Alertmanager CRs but no prometheus-operator Deployment`);
  const made = crs.map((cr) => operatorStatefulSet(cr, reloaderFromOperator(operator!)));
  return [...objects.filter((o) => podSpecOf(o) !== undefined), ...made];
}

/** The Pod the API server admits for a pod-bearing object (after the object itself). */
const asPod = (o: Obj): Obj => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `${String(obj(o["metadata"])["name"])}-pod`, namespace: obj(o["metadata"])["namespace"] }, spec: podSpecOf(o) });

const describeObject = (o: Obj) => `${String(o["kind"])} ${String(obj(o["metadata"])["namespace"])}/${String(obj(o["metadata"])["name"])}`;

function denials(doc: PlanDocument, o: Obj): { matched: number; failures: string[] } {
  let matched = 0;
  const failures: string[] = [];
  for (const { policy, binding } of deployedPolicies(doc)) {
    const v = admit(policy, binding, o);
    if (v.matched) matched++;
    failures.push(...v.failures.map((f) => `${String(obj(policy["metadata"])["name"])}: ${f}`));
  }
  return { matched, failures };
}

/** The Pod Security level each namespace of the plan enforces (label pod-security.kubernetes.io/enforce). */
function levels(doc: PlanDocument): Map<string, string> {
  return new Map(
    all(doc, "kubernetes:core/v1:Namespace").map((n) => {
      const meta = obj(n.inputs["metadata"]);
      return [String(meta["name"]), String(obj(meta["labels"])["pod-security.kubernetes.io/enforce"] ?? "")];
    }),
  );
}

describe("chart renders: the fixture matches what the program passes to Helm", () => {
  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: every Helm release's chart, version, name, namespace and values hash as rendered`, () => {
      const releases = releasesOf(planJson(stack));
      const keys = releases.map(releaseKey);
      const stale = releases.filter((r) => !fixture.releases[releaseKey(r)] || fixture.releases[releaseKey(r)]!.inputSha256 !== inputHash(r));
      assert.deepEqual(
        stale.map((r) => `${r.chart}@${r.version} (${r.namespace}/${r.name}): values hash ${inputHash(r).slice(0, 16)}`),
        [],
        `${stack}: the chart values changed since the last render; ${RERENDER}`,
      );
      assert.deepEqual([...(fixture.stacks[stack] ?? [])].sort(), [...keys].sort(), `${stack}: its releases differ from the rendered ones; ${RERENDER}`);
    });
  }

  it("a change of any value changes the hash the check compares", () => {
    const r = releasesOf(planJson("prod")).find((x) => x.chart === "kube-prometheus-stack")!;
    const changed = structuredClone(r);
    obj(obj(changed.values["prometheus"])["prometheusSpec"])["retention"] = "16d";
    assert.notEqual(inputHash(changed), inputHash(r));
    assert.equal(fixture.releases[releaseKey(changed)], undefined);
    // Key order does not matter (canonical JSON): the same values hash the same.
    assert.equal(inputHash({ ...r, values: Object.fromEntries(Object.entries(r.values).reverse()) }), inputHash(r));
  });

  it("the kinds that differ are covered: AWS (load balancer controller, autoscaler, monitoring), GCP, local", () => {
    const charts = (stack: string) => new Set(releasesFor(stack).map((r) => r.chart));
    assert.deepEqual([...charts("prod")].sort(), ["aws-load-balancer-controller", "cluster-autoscaler", "grafana", "kube-prometheus-stack"]);
    assert.deepEqual([...charts("gcp-prod")].sort(), ["grafana", "kube-prometheus-stack"]);
    assert.deepEqual([...charts("local")].sort(), ["grafana", "kube-prometheus-stack"]);
    // The hooks are there: the CRD upgrade job and the admission webhook's certificate jobs.
    const hooks = releasesFor("prod").flatMap((r) => r.objects).filter((o) => obj(obj(o["metadata"])["annotations"])["helm.sh/hook"] !== undefined);
    assert.deepEqual(hooks.map((o) => String(obj(o["metadata"])["name"])).sort(), ["kube-prometheus-stack-admission-create", "kube-prometheus-stack-admission-patch", "kube-prometheus-stack-crds-upgrade"]);
  });
});

describe("chart pods pass the admission policies and their namespace's Pod Security level", () => {
  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: every rendered workload, hook Job and operator StatefulSet, and its Pod, is admitted`, () => {
      const doc = planJson(stack);
      let matched = 0;
      const failures: string[] = [];
      for (const o of podBearing(stack)) {
        for (const x of o["kind"] === "Pod" ? [o] : [o, asPod(o)]) {
          const d = denials(doc, x);
          matched += d.matched;
          failures.push(...d.failures.map((f) => `${describeObject(x)}: ${f}`));
        }
      }
      assert.deepEqual(failures, []);
      // The monitoring pods are gated (baseline), so something was evaluated: Prometheus,
      // Alertmanager, operator, kube-state-metrics, Grafana, three hook Jobs, as objects and Pods.
      assert.ok(matched >= 16, `${stack}: only ${matched} policy matches`);
    });

    it(`${stack}: every pod in a namespace that enforces baseline or restricted meets that level`, () => {
      const doc = planJson(stack);
      const level = levels(doc);
      const checked: string[] = [];
      const failures: string[] = [];
      for (const o of podBearing(stack)) {
        const ns = String(obj(o["metadata"])["namespace"]);
        const l = level.get(ns);
        if (l !== "baseline" && l !== "restricted") continue;
        const template = o["kind"] === "Pod" ? o : obj(o["kind"] === "CronJob" ? obj(obj(obj(o["spec"])["jobTemplate"])["spec"])["template"] : obj(o["spec"])["template"]);
        failures.push(...podSecurityViolations(l as Level, obj(template["metadata"]), podSpecOf(o)!).map((f) => `${describeObject(o)} (${l}): ${f}`));
        checked.push(describeObject(o));
      }
      assert.deepEqual(failures, []);
      assert.equal(level.get("monitoring"), MONITORING_POD_SECURITY);
      for (const name of ["StatefulSet monitoring/prometheus-kube-prometheus-stack-prometheus", "StatefulSet monitoring/alertmanager-kube-prometheus-stack-alertmanager", "Job monitoring/kube-prometheus-stack-crds-upgrade", "Job monitoring/kube-prometheus-stack-admission-patch", "Deployment monitoring/grafana"]) {
        assert.ok(checked.includes(name), `${stack}: ${name} checked (checked: ${checked.join(", ")})`);
      }
    });
  }

  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: every Service, Ingress, Gateway and IngressClassParams the charts render passes the exposure policies`, () => {
      const doc = planJson(stack);
      const gated = releasesFor(stack)
        .flatMap((r) => r.objects)
        .filter((o) => (EXPOSURE_KINDS as readonly string[]).includes(String(o["kind"])));
      assert.ok(gated.length > 0, `${stack}: no Service rendered`);
      assert.deepEqual(gated.flatMap((o) => denials(doc, o).failures.map((f) => `${describeObject(o)}: ${f}`)), []);
    });
  }

  it("the load balancer controller's own IngressClassParams (class alb, which the app's Ingresses use) is gated, and denied if made internet-facing", () => {
    const doc = planJson("prod");
    const params = releasesFor("prod").flatMap((r) => r.objects).filter((o) => o["kind"] === "IngressClassParams");
    assert.deepEqual(params.map((o) => obj(o["metadata"])["name"]), ["alb"]);
    assert.equal(denials(doc, params[0]!).matched, 1);
    assert.match(denials(doc, { ...params[0]!, spec: { scheme: "internet-facing" } }).failures.join(), /exposure-ingressclassparams/);
  });

  it("the platform's own charts in kube-system (no Pod Security label, no admission policy) still meet restricted with our values", () => {
    const pods = podBearing("prod").filter((o) => obj(o["metadata"])["namespace"] === "kube-system");
    assert.deepEqual(pods.map((o) => String(obj(o["metadata"])["name"])).sort(), ["aws-load-balancer-controller", "cluster-autoscaler"]);
    for (const o of pods) assert.deepEqual(podSecurityViolations("restricted", {}, podSpecOf(o)!), [], describeObject(o));
    // kube-system is left alone by the policies, as the API server would: nothing matches there.
    for (const o of pods) assert.equal(denials(planJson("prod"), asPod(o)).matched, 0);
  });

  it("a rendered pod made worse is caught: by the admission policies and by Pod Security", () => {
    const doc = planJson("prod");
    const job = structuredClone(podBearing("prod").find((o) => obj(o["metadata"])["name"] === "kube-prometheus-stack-crds-upgrade")!);
    const spec = podSpecOf(job)!;
    assert.deepEqual(denials(doc, job).failures, []);
    assert.deepEqual(podSecurityViolations("restricted", {}, spec), []);
    spec["volumes"] = [...arr(spec["volumes"]), { name: "host", hostPath: { path: "/" } }];
    assert.match(denials(doc, job).failures.join(), /hostPath/);
    assert.match(podSecurityViolations("baseline", {}, spec).join(), /HostPath Volumes/);
    delete obj(spec["securityContext"])["seccompProfile"];
    for (const c of arr(spec["containers"]).map(obj)) delete obj(c["securityContext"])["seccompProfile"];
    assert.match(podSecurityViolations("restricted", {}, spec).join(), /Seccomp \(restricted\)/);
  });

  it("a CR whose pods would break the rules is caught through the operator's model", () => {
    const doc = planJson("prod");
    const objects = releasesFor("prod").flatMap((r) => r.objects);
    const cr = structuredClone(objects.find((o) => o["kind"] === "Prometheus")!);
    const operator = objects.find((o) => o["kind"] === "Deployment" && String(obj(o["metadata"])["name"]).endsWith("-operator"))!;
    obj(cr["spec"])["hostNetwork"] = true;
    obj(cr["spec"])["containers"] = [{ name: "prometheus", securityContext: { allowPrivilegeEscalation: true } }];
    const sts = operatorStatefulSet(cr, reloaderFromOperator(operator));
    assert.match(denials(doc, sts).failures.join(), /hostNetwork/);
    const v = podSecurityViolations("restricted", {}, podSpecOf(sts)!).join();
    assert.match(v, /Host Namespaces/);
    assert.match(v, /Privilege Escalation: spec.containers\[prometheus\]/);
    assert.throws(() => operatorStatefulSet({ ...cr, spec: { ...obj(cr["spec"]), thanos: {} } }, reloaderFromOperator(operator)), /not modelled/);
  });
});

describe("Pod Security checks (https://kubernetes.io/docs/concepts/security/pod-security-standards/)", () => {
  const good = (): { meta: Obj; spec: Obj } => ({
    meta: {},
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: "c", image: "x:1", ports: [{ containerPort: 8080 }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
      volumes: [{ name: "tmp", emptyDir: {} }],
    },
  });
  const c0 = (s: Obj) => obj(arr(s["containers"])[0]);
  const csc = (s: Obj) => obj(c0(s)["securityContext"]);
  const psc = (s: Obj) => obj(s["securityContext"]);
  const cases: [string, (m: Obj, s: Obj) => void][] = [
    ["HostProcess", (_m, s) => (psc(s)["windowsOptions"] = { hostProcess: true })],
    ["Host Namespaces", (_m, s) => (s["hostPID"] = true)],
    ["Privileged Containers", (_m, s) => (csc(s)["privileged"] = true)],
    ["Capabilities (baseline)", (_m, s) => (obj(csc(s)["capabilities"])["add"] = ["SYS_ADMIN"])],
    ["HostPath Volumes", (_m, s) => (s["volumes"] = [{ name: "h", hostPath: { path: "/" } }])],
    ["Host Ports", (_m, s) => (c0(s)["ports"] = [{ containerPort: 80, hostPort: 80 }])],
    ["Host Probes / Lifecycle Hooks", (_m, s) => (c0(s)["livenessProbe"] = { httpGet: { host: "10.0.0.1", port: 80 } })],
    ["AppArmor", (m) => (m["annotations"] = { "container.apparmor.security.beta.kubernetes.io/c": "unconfined" })],
    ["SELinux", (_m, s) => (psc(s)["seLinuxOptions"] = { type: "spc_t" })],
    ["/proc Mount Type", (_m, s) => (csc(s)["procMount"] = "Unmasked")],
    ["Seccomp (baseline)", (_m, s) => (csc(s)["seccompProfile"] = { type: "Unconfined" })],
    ["Sysctls", (_m, s) => (psc(s)["sysctls"] = [{ name: "kernel.msgmax", value: "1" }])],
    ["Volume Types", (_m, s) => (s["volumes"] = [{ name: "n", nfs: { server: "s", path: "/" } }])],
    ["Privilege Escalation", (_m, s) => delete csc(s)["allowPrivilegeEscalation"]],
    ["Running as Non-root", (_m, s) => delete psc(s)["runAsNonRoot"]],
    ["Running as Non-root user", (_m, s) => (csc(s)["runAsUser"] = 0)],
    ["Seccomp (restricted)", (_m, s) => delete psc(s)["seccompProfile"]],
    ["Capabilities (restricted)", (_m, s) => (obj(csc(s)["capabilities"])["drop"] = ["NET_RAW"])],
  ];
  for (const [control, change] of cases) {
    it(`${control}: fails when broken, passes otherwise`, () => {
      const { meta, spec } = good();
      assert.deepEqual(podSecurityViolations("restricted", meta, spec), []);
      change(meta, spec);
      const level = CHECKS.find((c) => c.control === control)!.level;
      const v = podSecurityViolations(level, meta, spec);
      assert.ok(v.some((x) => x.startsWith(`${control}:`)), `${control}: ${v.join("; ")}`);
      if (level === "restricted") assert.ok(!podSecurityViolations("baseline", meta, spec).some((x) => x.startsWith(`${control}:`)));
    });
  }

  it("every check has a case above", () => {
    assert.deepEqual(CHECKS.map((c) => c.control).filter((c) => !cases.some(([x]) => x === c)), []);
  });
});
