// In-cluster admission policies: every CEL expression evaluated (a maintained CEL implementation)
// against the plan's own objects, which must be admitted, and against bad objects made from them
// with one change each, which must be denied by the rule the pack would also apply.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INTERNAL_GATEWAY_CLASSES, SYSTEM_NAMESPACES, admissionRules, bindingObject, policyObject, validationActions } from "../../components/admission/rules";
import type { PlanDocument } from "../../plan/record";
import { shippedStacks } from "../../plan/stackfile";
import { arr, obj, type Obj } from "../../lib/json";
import { INTERNAL_GATEWAY_CLASSES as PACK_INTERNAL_GATEWAY_CLASSES } from "../../policy/kubernetes";
import { admit, BINDING, deployedPolicies, VAP } from "../helpers/admission";
import { all } from "../helpers/records";
import { planJson, ROOT } from "../helpers/plan";

const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:batch/v1:Job", "kubernetes:core/v1:Pod"];
const deployed = deployedPolicies;

/** The objects the API server would admit for a plan: its resources, plus the Pods its workloads create. */
function admittedObjects(doc: PlanDocument): Obj[] {
  const objects = doc.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh") && r.custom).map((r) => r.inputs as Obj);
  const pods = doc.resources
    .filter((r) => WORKLOADS.includes(r.type) && r.type !== "kubernetes:core/v1:Pod")
    .map((r) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: obj(r.inputs["metadata"])["namespace"] }, spec: obj(obj(obj(r.inputs["spec"])["template"])["spec"]) }));
  // A CronJob's Jobs, and their Pods.
  const jobs = all(doc, "kubernetes:batch/v1:CronJob").map((r) => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: obj(r.inputs["metadata"])["namespace"] }, spec: obj(obj(obj(r.inputs["spec"])["jobTemplate"])["spec"]) }));
  const jobPods = jobs.map((j) => ({ apiVersion: "v1", kind: "Pod", metadata: j.metadata, spec: obj(obj(j.spec["template"])["spec"]) }));
  return [...objects, ...pods, ...jobs, ...jobPods];
}

function verdicts(doc: PlanDocument, object: Obj, username?: string) {
  return deployed(doc).map(({ policy, binding }) => ({ name: String(obj(policy["metadata"])["name"]), ...admit(policy, binding, object, username) }));
}

const denials = (doc: PlanDocument, object: Obj, username?: string) => verdicts(doc, object, username).flatMap((v) => v.failures.map((f) => `${v.name}: ${f}`));

describe("admission policies admit the program's own objects", () => {
  for (const stack of shippedStacks(ROOT)) {
    it(`${stack}: every object and every Pod its workloads create passes every policy that matches it`, () => {
      const doc = planJson(stack);
      assert.equal(all(doc, VAP).length, admissionRules({ appNamespace: "voting", requireDigest: false, exposure: { allowed: [], ingressNamespaces: [] } }).length);
      let matched = 0;
      for (const o of admittedObjects(doc)) {
        const v = verdicts(doc, o);
        matched += v.filter((x) => x.matched).length;
        assert.deepEqual(v.flatMap((x) => x.failures.map((f) => `${x.name}: ${f}`)), [], `${String(o["kind"])} ${JSON.stringify(o["metadata"])}`);
      }
      // The app's workloads and pods, Services and Namespaces are all matched by something.
      assert.ok(matched >= 20, `only ${matched} matches`);
    });
  }

  for (const fixture of ["Pulumi.https.yaml", "Pulumi.gcp-https.yaml"]) {
    it(`${fixture} (HTTPS): its Ingresses and their companions pass; the same Ingress outside the app's namespace is denied`, () => {
      const doc = planJson(fixture.includes("gcp") ? "gcp-dev" : "dev", ["--config-file", `test/fixtures/${fixture}`]);
      const objects = admittedObjects(doc);
      const ingresses = objects.filter((o) => o["kind"] === "Ingress");
      assert.ok(ingresses.length >= 1);
      for (const o of objects) assert.deepEqual(denials(doc, o), [], `${String(o["kind"])} ${JSON.stringify(o["metadata"])}`);
      for (const o of ingresses) assert.match(denials(doc, { ...o, metadata: { ...obj(o["metadata"]), namespace: "monitoring" } }).join(), /exposure-ingresses/);
    });
  }

  it("wait for the platform's readiness (nodes, cluster DNS), like every workload", () => {
    for (const [stack, nodes] of [["prod", "eks:index:ManagedNodeGroup"], ["gcp-prod", "gcp:container/nodePool:NodePool"]] as const) {
      const doc = planJson(stack);
      const pool = all(doc, nodes)[0]!.urn;
      for (const p of all(doc, VAP)) assert.ok(p.dependsOn.includes(pool), `${stack} ${p.name} waits for ${pool}`);
    }
  });

  it("everything the program deploys onto the cluster waits for every binding, so the first `up` is gated", () => {
    for (const stack of shippedStacks(ROOT)) {
      const doc = planJson(stack);
      const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
      const closure = (urn: string, seen = new Set<string>()): Set<string> => {
        for (const d of byUrn.get(urn)?.dependsOn ?? []) if (!seen.has(d)) closure(d, seen.add(d));
        return seen;
      };
      const bindings = all(doc, BINDING).map((b) => b.urn);
      assert.ok(bindings.length > 0);
      // The app's and the monitoring's resources (the platform's own add-ons come before the policies).
      const gated = doc.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && /voting-platform:(app|monitoring):/.test(r.urn.split("::")[2] ?? ""));
      assert.ok(gated.length > 5, `${stack}: ${gated.length} app/monitoring resources`);
      for (const r of gated) {
        const deps = closure(r.urn);
        const missing = bindings.filter((b) => !deps.has(b));
        assert.deepEqual(missing, [], `${stack} ${r.type} ${r.name} waits for every binding`);
      }
    }
  });

  it("deny in staging and prod, warn and audit in dev; system namespaces are never gated", () => {
    assert.deepEqual(validationActions("prod"), ["Deny"]);
    assert.deepEqual(validationActions("staging"), ["Deny"]);
    assert.deepEqual(validationActions("dev"), ["Warn", "Audit"]);
    const actions = (stack: string) => [...new Set(all(planJson(stack), BINDING).map((b) => JSON.stringify(obj(b.inputs["spec"])["validationActions"])))];
    assert.deepEqual(actions("prod"), ['["Deny"]']);
    assert.deepEqual(actions("gcp-dev"), ['["Warn","Audit"]']);
    for (const b of all(planJson("prod"), BINDING)) {
      const selector = obj(obj(obj(b.inputs["spec"])["matchResources"])["namespaceSelector"]);
      const app = obj(selector["matchLabels"])["kubernetes.io/metadata.name"] === "voting";
      // The namespace rule selects Namespaces by their own labels and sees the system names (to keep their creation to the control plane).
      const namespaceRule = b.name.endsWith("namespace-pod-security");
      assert.ok(app || namespaceRule || JSON.stringify(selector).includes('"kube-system"'), `${b.name} excludes kube-system or targets only the app`);
    }
  });
});

// One change each from the prod plan's own objects: who must deny it.
describe("admission policies deny what the pack forbids", () => {
  const doc = planJson("prod");
  const vote = () => structuredClone(doc.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && obj(r.inputs["metadata"])["name"] === "vote")!.inputs) as Obj;
  const podSpec = (d: Obj) => obj(obj(obj(d["spec"])["template"])["spec"]);
  const c0 = (d: Obj) => (podSpec(d)["containers"] as Obj[])[0]!;
  const sc = (d: Obj) => obj(c0(d)["securityContext"]);
  const asPod = (d: Obj): Obj => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: obj(d["metadata"])["namespace"] }, spec: podSpec(d) });
  const inNamespace = (d: Obj, ns: string): Obj => ({ ...d, metadata: { ...obj(d["metadata"]), namespace: ns } });
  const asCronJob = (d: Obj): Obj => ({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: obj(d["metadata"])["namespace"] }, spec: { schedule: "@daily", jobTemplate: { spec: { template: obj(obj(d["spec"])["template"]) } } } });

  const workloadCases: [string, (d: Obj) => void, RegExp][] = [
    ["privileged", (d) => (sc(d)["privileged"] = true), /baseline.*Privileged containers/],
    ["hostNetwork", (d) => (podSpec(d)["hostNetwork"] = true), /baseline.*hostNetwork/],
    ["hostPID", (d) => (podSpec(d)["hostPID"] = true), /baseline.*hostPID/],
    ["hostPort", (d) => (c0(d)["ports"] = [{ containerPort: 80, hostPort: 80 }]), /baseline.*hostPort/],
    ["hostPath", (d) => (podSpec(d)["volumes"] = [{ name: "h", hostPath: { path: "/" } }]), /baseline.*hostPath/],
    ["SYS_ADMIN added", (d) => (sc(d)["capabilities"] = { drop: ["ALL"], add: ["SYS_ADMIN"] }), /baseline.*NET_BIND_SERVICE/],
    ["container UID 0", (d) => (sc(d)["runAsUser"] = 0), /baseline.*UID 0/],
    ["pod UID 0", (d) => (obj(podSpec(d)["securityContext"])["runAsUser"] = 0), /baseline.*UID 0/],
    [":latest", (d) => (c0(d)["image"] = "docker.io/dockersamples/examplevotingapp_vote:latest"), /baseline.*Images are pinned/],
    ["untagged", (d) => (c0(d)["image"] = "docker.io/dockersamples/examplevotingapp_vote"), /baseline.*Images are pinned/],
    ["tag without digest in prod", (d) => (c0(d)["image"] = "docker.io/dockersamples/examplevotingapp_vote:before"), /workloads.*by digest/],
    ["escalation allowed", (d) => delete sc(d)["allowPrivilegeEscalation"], /workloads.*allowPrivilegeEscalation/],
    ["no memory limit", (d) => delete obj(obj(c0(d)["resources"])["limits"])["memory"], /workloads.*requests and limits/],
    ["password literal", (d) => (c0(d)["env"] = [{ name: "POSTGRES_PASSWORD", value: "postgres" }]), /workloads.*not a literal/],
    ["password in a URL", (d) => (c0(d)["env"] = [{ name: "DATABASE_URL", value: "postgres://postgres:postgres@db/postgres" }]), /workloads.*connection string/],
    ["password in key=value;", (d) => (c0(d)["env"] = [{ name: "DB", value: "Server=db;Username=postgres;Password=postgres;" }]), /workloads.*connection string/],
  ];
  for (const [title, change, expected] of workloadCases) {
    it(`${title}: denied as a Deployment, as a Pod and as a CronJob`, () => {
      const good = vote();
      assert.deepEqual(denials(doc, good), [], "the unchanged object passes");
      assert.deepEqual(denials(doc, asCronJob(good)), [], "the unchanged CronJob passes");
      const bad = vote();
      change(bad);
      assert.match(denials(doc, bad).join("\n"), expected);
      assert.match(denials(doc, asPod(bad)).join("\n"), expected);
      assert.match(denials(doc, asCronJob(bad)).join("\n"), expected);
    });
  }

  it("no readiness probe: denied as a Deployment (probes are not required of bare Pods)", () => {
    const bad = vote();
    delete c0(bad)["readinessProbe"];
    assert.match(denials(doc, bad).join("\n"), /workloads-workloads.*probes/);
    assert.deepEqual(denials(doc, asPod(bad)), []);
  });

  it("outside the app's namespace only the baseline applies; in kube-system nothing does", () => {
    const tagged = vote();
    c0(tagged)["image"] = "quay.io/prometheus/prometheus:v3.5.0";
    delete obj(c0(tagged)["resources"])["limits"];
    assert.deepEqual(denials(doc, inNamespace(tagged, "monitoring")), [], "a chart-like pod: tag only, no CPU limit");
    const privileged = vote();
    sc(privileged)["privileged"] = true;
    podSpec(privileged)["volumes"] = [{ name: "h", hostPath: { path: "/" } }];
    assert.match(denials(doc, inNamespace(privileged, "monitoring")).join("\n"), /Privileged/);
    for (const ns of SYSTEM_NAMESPACES) assert.deepEqual(denials(doc, inNamespace(privileged, ns)), [], ns);
    // Exact names, not prefixes: a namespace anyone may create is not exempt because of its name.
    for (const ns of ["amazon-x", "gke-team", "gmp-mine"]) assert.match(denials(doc, inNamespace(privileged, ns)).join("\n"), /Privileged/, ns);
  });

  it("on an existing cluster (kind) local-path-storage is left alone: its provisioner's helper pods mount hostPath", () => {
    const helper = vote();
    podSpec(helper)["volumes"] = [{ name: "data", hostPath: { path: "/var/local-path-provisioner" } }];
    assert.deepEqual(denials(planJson("local"), inNamespace(helper, "local-path-storage")), []);
    assert.match(denials(planJson("local"), inNamespace(helper, "team")).join(), /hostPath/);
    assert.match(denials(doc, inNamespace(helper, "local-path-storage")).join(), /hostPath/, "a cloud stack has no such namespace to spare");
  });

  it("exposure: a LoadBalancer, an internet-facing Ingress or an external Gateway where not allowed", () => {
    const svc = (name: string, ns = "voting"): Obj => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { type: "LoadBalancer" } });
    assert.deepEqual(denials(doc, svc("vote")), []);
    assert.match(denials(doc, svc("db")).join(), /exposure-services/);
    assert.match(denials(doc, svc("vote", "monitoring")).join(), /exposure-services/);
    const ingress = (ns: string, annotations: Obj, cls?: string): Obj => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: ns, annotations }, spec: cls ? { ingressClassName: cls } : {} });
    assert.deepEqual(denials(doc, ingress("voting", { "alb.ingress.kubernetes.io/scheme": "internet-facing" }, "alb")), []);
    assert.deepEqual(denials(doc, ingress("monitoring", { "alb.ingress.kubernetes.io/scheme": "internal" }, "alb")), []);
    assert.match(denials(doc, ingress("monitoring", { "alb.ingress.kubernetes.io/scheme": "internet-facing" }, "alb")).join(), /exposure-ingresses/);
    assert.match(denials(doc, ingress("monitoring", {})).join(), /exposure-ingresses/, "GKE: external unless gce-internal");
    assert.deepEqual(denials(doc, ingress("monitoring", {}, "gce-internal")), []);
    // An IngressGroup member is served by the group's ALB, internet-facing if any member says so.
    const group = { "alb.ingress.kubernetes.io/group.name": "voting-platform-prod" };
    assert.match(denials(doc, ingress("monitoring", group, "alb")).join(), /exposure-ingresses/, "joining the app's group without a scheme");
    assert.match(denials(doc, ingress("monitoring", { ...group, "alb.ingress.kubernetes.io/scheme": "internal" }, "alb")).join(), /exposure-ingresses/);
    assert.deepEqual(denials(doc, ingress("voting", { ...group, "alb.ingress.kubernetes.io/scheme": "internet-facing" }, "alb")), []);
    const gateway = (cls: string): Obj => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "gw", namespace: "monitoring" }, spec: { gatewayClassName: cls } });
    assert.deepEqual(denials(doc, gateway("gke-l7-rilb")), []);
    assert.match(denials(doc, gateway("gke-l7-global-external-managed")).join(), /exposure-gateways/);
  });

  it("an ALB IngressClassParams with scheme internet-facing (it overrides its Ingresses' annotations) only confined to the Ingress namespaces", () => {
    const params = (spec: Obj): Obj => ({ apiVersion: "elbv2.k8s.aws/v1beta1", kind: "IngressClassParams", metadata: { name: "public" }, spec });
    const key = "kubernetes.io/metadata.name";
    assert.deepEqual(denials(doc, params({})), [], "the chart's own, spec {}");
    assert.deepEqual(denials(doc, params({ scheme: "internal" })), []);
    assert.match(denials(doc, params({ scheme: "internet-facing" })).join(), /exposure-ingressclassparams/);
    assert.deepEqual(denials(doc, params({ scheme: "internet-facing", namespaceSelector: { matchLabels: { [key]: "voting" } } })), []);
    assert.match(denials(doc, params({ scheme: "internet-facing", namespaceSelector: { matchLabels: { [key]: "monitoring" } } })).join(), /exposure-ingressclassparams/);
    assert.match(denials(doc, params({ scheme: "internet-facing", namespaceSelector: { matchLabels: { team: "web" } } })).join(), /exposure-ingressclassparams/);
    assert.deepEqual(denials(doc, params({ scheme: "internet-facing", namespaceSelector: { matchExpressions: [{ key, operator: "In", values: ["voting"] }] } })), []);
    assert.match(denials(doc, params({ scheme: "internet-facing", namespaceSelector: { matchExpressions: [{ key, operator: "In", values: ["voting", "monitoring"] }] } })).join(), /exposure-ingressclassparams/);
    assert.match(denials(doc, params({ scheme: "internet-facing", namespaceSelector: { matchExpressions: [{ key, operator: "NotIn", values: ["monitoring"] }] } })).join(), /exposure-ingressclassparams/);
    // spec.group puts every Ingress of the class into that IngressGroup, whatever its scheme.
    assert.match(denials(doc, params({ group: { name: "voting-platform-prod" } })).join(), /exposure-ingressclassparams/);
    assert.deepEqual(denials(doc, params({ group: { name: "voting-platform-prod" }, namespaceSelector: { matchLabels: { [key]: "voting" } } })), []);
  });

  it("a Gateway of the amazon-vpc-lattice class (a VPC Lattice service network, not internet-facing) is not exposure; the pack agrees", () => {
    const gateway = (cls: string): Obj => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "gw", namespace: "monitoring" }, spec: { gatewayClassName: cls } });
    assert.deepEqual(denials(doc, gateway("amazon-vpc-lattice")), []);
    assert.match(denials(doc, gateway("amazon-vpc-lattice-public")).join(), /exposure-gateways/, "the exact class name only");
    assert.deepEqual(INTERNAL_GATEWAY_CLASSES, PACK_INTERNAL_GATEWAY_CLASSES);
  });

  describe("UPDATE: what a rule reads is checked again only when it changes (ratcheting)", () => {
    const update = (oldObject: Obj, object: Obj) =>
      deployed(doc).flatMap(({ policy, binding }) => admit(policy, binding, object, "kubernetes-admin", oldObject).failures.map((f) => `${String(obj(policy["metadata"])["name"])}: ${f}`));
    const lb = (finalizers: string[] = []): Obj => ({ apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "voting", finalizers }, spec: { type: "LoadBalancer", ports: [{ port: 5432 }] } });

    it("a LoadBalancer admitted before the allow list changed can lose its cleanup finalizer, but not change its spec", () => {
      assert.match(denials(doc, lb()).join(), /exposure-services/, "as a CREATE it is denied");
      assert.deepEqual(update(lb(["service.kubernetes.io/load-balancer-cleanup"]), lb()), [], "the service controller removes its finalizer");
      const moved = lb();
      obj(moved["spec"])["ports"] = [{ port: 5433 }];
      assert.deepEqual(update(lb(), moved), [], "only the type is read: a port change is no new exposure");
      const compliant: Obj = { ...lb(), spec: { type: "ClusterIP" } };
      assert.match(update(compliant, lb()).join(), /exposure-services/, "made a LoadBalancer by an UPDATE");
    });

    it("an Ingress: a changed annotation is a change", () => {
      const ing = (scheme: string): Obj => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "monitoring", annotations: { "alb.ingress.kubernetes.io/scheme": scheme } }, spec: { ingressClassName: "alb" } });
      assert.match(update(ing("internal"), ing("internet-facing")).join(), /exposure-ingresses/);
      assert.deepEqual(update(ing("internet-facing"), { ...ing("internet-facing"), metadata: { ...obj(ing("internet-facing")["metadata"]), finalizers: [] } }), []);
      // Only the annotations the rule reads: kubectl's last-applied-configuration or ingress-gce's status ones are not.
      const touched = ing("internet-facing");
      obj(obj(touched["metadata"])["annotations"])["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
      assert.deepEqual(update(ing("internet-facing"), touched), []);
      const grouped = ing("internal");
      obj(obj(grouped["metadata"])["annotations"])["alb.ingress.kubernetes.io/group.name"] = "voting-platform-prod";
      assert.match(update(ing("internal"), grouped).join(), /exposure-ingresses/, "joining a group is a change");
      const gke = (cls: string): Obj => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "monitoring" }, spec: { ingressClassName: cls } });
      assert.match(update(gke("gce-internal"), gke("gce")).join(), /exposure-ingresses/, "a class change is a change");
    });

    it("an old non-compliant ReplicaSet can be scaled down by the deployment controller; its template is still checked", () => {
      const rs = (replicas: number, image = "nginx"): Obj => ({
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "web-1", namespace: "team" },
        spec: { replicas, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image }] } } },
      });
      assert.match(denials(doc, rs(3)).join(), /baseline-workloads.*pinned/, "as a CREATE it is denied");
      assert.deepEqual(update(rs(3), rs(0)), [], "scaled 3 -> 0 (spec.replicas)");
      assert.match(update(rs(3), rs(3, "nginx:latest")).join(), /baseline-workloads.*pinned/, "a template change is checked");
      // The same in the app's namespace (the strict rules too), and for a CronJob's schedule.
      const appRs = (replicas: number): Obj => ({ ...inNamespace(vote(), "voting"), kind: "ReplicaSet", spec: { ...obj(vote()["spec"]), replicas } });
      const badRs = (replicas: number) => {
        const r = appRs(replicas);
        delete obj(c0(r)["resources"])["limits"];
        return r;
      };
      assert.match(denials(doc, badRs(3)).join(), /workloads-workloads/);
      assert.deepEqual(update(badRs(3), badRs(0)), []);
      const cron = (schedule: string): Obj => ({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: "team" }, spec: { schedule, jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }] } } } } } });
      assert.match(denials(doc, cron("0 1 * * *")).join(), /baseline-cronjobs/);
      assert.deepEqual(update(cron("0 1 * * *"), cron("0 2 * * *")), []);
    });

    it("an IngressClassParams is checked again only when its spec changes (the chart's has none)", () => {
      const params = (spec?: Obj, labels: Obj = {}): Obj => ({ apiVersion: "elbv2.k8s.aws/v1beta1", kind: "IngressClassParams", metadata: { name: "public", labels }, ...(spec ? { spec } : {}) });
      assert.deepEqual(update(params({ scheme: "internet-facing" }), params({ scheme: "internet-facing" }, { "helm.sh/chart": "x" })), []);
      assert.match(update(params(), params({ scheme: "internet-facing" })).join(), /exposure-ingressclassparams/);
      assert.deepEqual(update(params(), params(undefined, { a: "b" })), []);
    });

    it("a Deployment made worse by an UPDATE is denied; a namespace is checked when its labels change", () => {
      const good = vote();
      const bad = vote();
      sc(bad)["privileged"] = true;
      assert.match(update(good, bad).join(), /Privileged/);
      assert.deepEqual(update(good, { ...good, metadata: { ...obj(good["metadata"]), labels: { touched: "yes" } } }), []);
      const ns = (labels: Obj, annotations: Obj = {}): Obj => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team", labels, annotations } });
      assert.deepEqual(update(ns({}), ns({}, { note: "x" })), [], "an annotation on a namespace that predates the policy");
      assert.match(update(ns({}), ns({ owner: "me" })).join(), /namespace-pod-security/);
      assert.match(update(ns({ "pod-security.kubernetes.io/enforce": "baseline" }), ns({})).join(), /namespace-pod-security/);
    });

    it("every policy ratchets", () => {
      for (const { policy } of deployed(doc)) {
        const name = String(obj(policy["metadata"])["name"]);
        assert.ok(arr(obj(policy["spec"])["matchConditions"]).some((c) => obj(c)["name"] === "created-or-changed"), name);
      }
    });
  });

  it("namespaces without a Pod Security label, unless the cloud or the control plane makes them", () => {
    const ns = (name: string, labels: Obj = {}): Obj => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
    assert.deepEqual(denials(doc, ns("team", { "pod-security.kubernetes.io/enforce": "baseline" })), []);
    assert.match(denials(doc, ns("team")).join(), /namespace-pod-security/);
    assert.match(denials(doc, ns("team", { "pod-security.kubernetes.io/enforce": "privileged" })).join(), /namespace-pod-security/);
    // Exempt by exact name only, and only the control plane may create one.
    assert.match(denials(doc, ns("amazon-x")).join(), /namespace-pod-security.*Pod Security Standard/, "a cloud-like prefix exempts nothing");
    assert.match(denials(doc, ns("gke-managed-foo")).join(), /Pod Security Standard/);
    assert.match(denials(doc, ns("amazon-cloudwatch")).join(), /Only the control plane creates/, "a person cannot take an add-on's name");
    assert.match(denials(doc, ns("kube-system", { "pod-security.kubernetes.io/enforce": "baseline" })).join(), /Only the control plane creates/);
    assert.deepEqual(denials(doc, ns("amazon-cloudwatch"), "eks:addon-manager"), []);
    assert.deepEqual(denials(doc, ns("gmp-system"), "system:addon-manager"), []);
    assert.deepEqual(denials(doc, ns("gke-managed-system"), "system:gcp-controller-manager"), [], "any system: component, not a list");
    assert.match(denials(doc, ns("gke-managed-system"), "system:serviceaccount:team:deployer").join(), /Only the control plane creates/);
    const update = (oldObject: Obj, object: Obj) => deployed(doc).flatMap(({ policy, binding }) => admit(policy, binding, object, "kubernetes-admin", oldObject).failures);
    assert.deepEqual(update(ns("kube-system"), ns("kube-system", { team: "platform" })), [], "an admin may label an existing system namespace");
    assert.deepEqual(denials(doc, ns("team"), "system:serviceaccount:kube-system:addon-manager"), []);
    assert.deepEqual(denials(doc, ns("team"), "system:apiserver"), []);
    assert.deepEqual(denials(doc, ns("team"), "eks:addon-manager"), []);
    // Any other service account (CI runners, Argo CD, Flux) is checked like a person.
    assert.match(denials(doc, ns("team"), "system:serviceaccount:argocd:argocd-application-controller").join(), /namespace-pod-security/);
    assert.match(denials(doc, ns("team"), "system:serviceaccount:ci:runner").join(), /namespace-pod-security/);
    assert.deepEqual(denials(doc, ns("default")), []);
  });

  it("every validation of every policy is exercised by a bad object above", () => {
    const rules = admissionRules({ appNamespace: "voting", requireDigest: true, exposure: { allowed: [], ingressNamespaces: [] } });
    const messages = rules.flatMap((r) => policyObject(r).spec.validations.map((v) => v.message));
    const exercised = [
      ...workloadCases.map(([, , re]) => re.source),
      "probes",
      "LoadBalancer Services",
      "Internet-facing Ingresses",
      "External Gateways",
      "internet-facing IngressClassParams",
      "Pod Security Standard",
      "Only the control plane creates",
    ];
    const missing = [...new Set(messages)].filter((m) => !exercised.some((e) => new RegExp(e.replace(/^.*\.\*/, "")).test(m)));
    assert.deepEqual(missing, []);
    assert.equal(bindingObject(rules[0]!, "voting", ["Deny"]).spec.policyName, policyObject(rules[0]!).metadata.name);
  });
});

describe("the offline evaluator decides match conditions like the API server", () => {
  const policy = (conditions: string[]): Obj => ({
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE", "UPDATE"] }] },
      matchConditions: conditions.map((expression, i) => ({ name: `c${i}`, expression })),
      validations: [{ expression: "true", message: "never fails" }],
    },
  });
  const binding: Obj = { spec: { matchResources: { namespaceSelector: {} } } };
  const pod: Obj = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "team" }, spec: { containers: [] } };

  it("an erroring condition denies (failurePolicy Fail) instead of throwing; any false condition skips first", () => {
    const erroring = "object.spec.nothing.there == 1";
    const denied = admit(policy(["true", erroring]), binding, pod);
    assert.equal(denied.matched, true);
    assert.match(denied.failures.join(), /match condition c1/);
    assert.deepEqual(admit(policy([erroring, "false"]), binding, pod), { matched: false, failures: [] }, "false wins over an error, whatever the order");
    assert.deepEqual(admit(policy(["true"]), binding, pod), { matched: true, failures: [] });
  });
});
