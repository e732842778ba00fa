import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { ALERTMANAGER_CONFIG_SECRET, DASHBOARDS_DIR, DASHBOARD_FILES, dashboardJson } from "../../components/monitoring";
import { alertRules } from "../../components/monitoring/rules";
import { GRAFANA_CHART, PROMETHEUS_STACK_CHART, prometheusClaimNames, prometheusServiceName } from "../../components/monitoring/values";
import { METRICS_LABEL, POSTGRES_EXPORTER_QUERIES } from "../../components/voting-app/manifests";
import type { PlanDocument, ResourceRecord } from "../../plan/record";
import { planJson } from "../helpers/plan";
import { all, inputsOf } from "../helpers/records";

type Obj = Record<string, unknown>;
const release = (d: PlanDocument, chart: string): ResourceRecord => {
  const hits = all(d, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs["chart"] === chart);
  assert.equal(hits.length, 1, chart);
  return hits[0]!;
};
const values = (r: ResourceRecord) => inputsOf<k8s.helm.v3.ReleaseArgs>(r).values as Obj;
const at = (o: unknown, p: string): unknown => p.split(".").reduce<unknown>((x, k) => (x as Obj | undefined)?.[k], o);

// Metrics that something in the stack actually produces.
const pgQueries = parse(POSTGRES_EXPORTER_QUERIES) as Record<string, { metrics: Record<string, { usage: string }>[] }>;
const customPostgresMetrics = Object.entries(pgQueries).flatMap(([name, q]) =>
  q.metrics.flatMap((m) => Object.entries(m).filter(([, c]) => c.usage === "GAUGE" || c.usage === "COUNTER").map(([col]) => `${name}_${col}`)),
);
const PRODUCED = new Set([
  // kube-state-metrics
  "kube_node_info", "kube_node_status_condition", "kube_node_status_allocatable", "kube_pod_status_ready", "kube_pod_info", "kube_pod_status_phase",
  "kube_pod_container_status_restarts_total", "kube_pod_container_resource_requests", "kube_deployment_status_replicas_available",
  "kube_deployment_spec_replicas", "kube_statefulset_status_replicas_ready", "kube_statefulset_replicas", "kube_cronjob_status_last_successful_time", "kube_cronjob_created",
  // kubelet / cAdvisor
  "container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
  // redis_exporter (REDIS_EXPORTER_CHECK_SINGLE_KEYS gives redis_key_size)
  "redis_up", "redis_key_size",
  // postgres_exporter
  "pg_up", ...customPostgresMetrics,
]);
const PROMQL_WORDS = new Set(["sum", "count", "max", "min", "avg", "by", "without", "on", "ignoring", "group_left", "group_right", "or", "and", "unless", "bool", "offset", "rate", "irate", "increase", "deriv", "absent", "vector", "min_over_time", "max_over_time", "avg_over_time", "time"]);

/** Metric names in a PromQL expression: identifiers outside label matchers, strings and ranges, that are not functions or keywords. */
function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((t) => !PROMQL_WORDS.has(t));
}

describe("monitoring releases", () => {
  for (const stack of ["local", "dev", "gcp-prod"]) {
    describe(stack, () => {
      const d = () => planJson(stack);

      it("installs kube-prometheus-stack and Grafana with explicit names, pinned charts and repositories, atomic, long enough timeouts", () => {
        const kps = inputsOf<k8s.helm.v3.ReleaseArgs>(release(d(), "kube-prometheus-stack"));
        assert.equal(kps.name, PROMETHEUS_STACK_CHART.releaseName);
        assert.equal(kps.namespace, "monitoring");
        assert.equal(kps.version, "88.5.3");
        assert.deepEqual(kps.repositoryOpts, { repo: "https://prometheus-community.github.io/helm-charts" });
        assert.equal(kps.atomic, true);
        assert.equal(kps.cleanupOnFail, true);
        assert.ok((kps.timeout as number) >= 600, "kube-prometheus-stack needs more than the default 300 s");
        const g = inputsOf<k8s.helm.v3.ReleaseArgs>(release(d(), "grafana"));
        assert.equal(g.name, "grafana");
        assert.equal(g.version, "12.11.1");
        assert.deepEqual(g.repositoryOpts, { repo: "https://grafana-community.github.io/helm-charts" }, "the grafana-community chart, not the deprecated copy");
        assert.equal(at(values(release(d(), "kube-prometheus-stack")), "grafana.enabled"), false, "the bundled Grafana is off");
      });

      it("turns off the control-plane scrapes and their rules (managed, or kind binding them to localhost)", () => {
        const v = values(release(d(), "kube-prometheus-stack"));
        for (const k of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) assert.equal(at(v, `${k}.enabled`), false, k);
        for (const r of ["etcd", "kubeControllerManager", "kubeSchedulerAlerting", "kubeProxy"]) assert.equal(at(v, `defaultRules.rules.${r}`), false, r);
      });

      it("scrapes only targets that exist on this cloud", () => {
        const v = values(release(d(), "kube-prometheus-stack"));
        const cloud = (d().settings as { platform: { cloud: keyof typeof TARGETS_THAT_EXIST } }).platform.cloud;
        const rendered = chartServiceMonitors(v);
        const missing = rendered.filter((t) => !TARGETS_THAT_EXIST[cloud].includes(t));
        assert.deepEqual(missing, [], `ServiceMonitors without a target on ${cloud}`);
        assert.ok(rendered.includes(cloud === "gcp" ? "kube-dns" : "coredns"), "the cluster's DNS is scraped");
      });

      it("upgrades the chart's CRDs with the chart (pre-upgrade job), with a pinned busybox", () => {
        const v = values(release(d(), "kube-prometheus-stack"));
        assert.equal(at(v, "crds.upgradeJob.enabled"), true);
        const busybox = at(v, "crds.upgradeJob.image.busybox") as { registry: string; repository: string; tag: string };
        assert.notEqual(busybox.tag, "latest");
        assert.match(busybox.tag, /^\d+\.\d+\.\d+/);
        assert.ok(at(v, "crds.upgradeJob.resources.requests.cpu"));
      });

      it("sends alerts through the Alertmanager config Secret this program creates", () => {
        const v = values(release(d(), "kube-prometheus-stack"));
        assert.equal(at(v, "alertmanager.alertmanagerSpec.useExistingSecret"), true, "the chart renders no config Secret of its own");
        assert.equal(at(v, "alertmanager.alertmanagerSpec.configSecret"), ALERTMANAGER_CONFIG_SECRET);
        assert.equal(at(v, "alertmanager.config"), undefined, "no receiver in the Release's values");
        const secret = all(d(), "kubernetes:core/v1:Secret").find((r) => (r.inputs["metadata"] as { name: string }).name === ALERTMANAGER_CONFIG_SECRET)!;
        assert.ok(secret);
        assert.equal(secret.inputs["stringData"], "[secret]", "receiver URLs stay secret in state");
        assert.ok(release(d(), "kube-prometheus-stack").dependsOn.includes(secret.urn), "Alertmanager starts with its config");
      });

      it("enforces Pod Security restricted on the monitoring namespace", () => {
        const ns = all(d(), "kubernetes:core/v1:Namespace").find((r) => (r.inputs["metadata"] as { name: string }).name === "monitoring")!;
        assert.equal((ns.inputs["metadata"] as { labels: Obj }).labels["pod-security.kubernetes.io/enforce"], "restricted");
      });

      it("puts the recommended labels on the objects it creates itself", () => {
        // Patches excepted: Prometheus's claims carry the labels the operator's StatefulSet gives them.
        const own = d().resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && !x.type.startsWith("kubernetes:helm") && !x.type.endsWith("Patch") && (x.inputs["metadata"] as { namespace?: string } | undefined)?.namespace === "monitoring");
        assert.ok(own.length > 0, "the program creates objects in monitoring (else this test checks nothing)");
        for (const r of own) {
          const l = (r.inputs["metadata"] as { labels?: Obj }).labels ?? {};
          for (const k of ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"]) assert.ok(l[k], `${r.type} ${r.name}: ${k}`);
        }
      });

      it(`gives Grafana ${stack === "gcp-prod" ? "the Recreate strategy for its ReadWriteOnce volume" : "no volume and the chart's rolling updates"}, and no plugin preinstall`, () => {
        const g = values(release(d(), "grafana"));
        const persistent = at(g, "persistence.enabled") === true;
        assert.equal(persistent, stack === "gcp-prod");
        assert.deepEqual(g["deploymentStrategy"], persistent ? { type: "Recreate" } : undefined);
        assert.equal(at(g["grafana.ini"], "plugins.preinstall_disabled"), true, "no plugin downloads from grafana.com at start");
      });

      it("gives Prometheus retention, a volume on the platform's class and resource requests from the size", () => {
        const v = values(release(d(), "kube-prometheus-stack"));
        const spec = at(v, "prometheus.prometheusSpec") as Obj;
        const s = d().settings as { monitoring: { retentionDays: number; storageGb: number } };
        assert.equal(spec["retention"], `${s.monitoring.retentionDays}d`);
        const claim = at(spec, "storageSpec.volumeClaimTemplate.spec") as { storageClassName: string; resources: { requests: { storage: string } } };
        assert.equal(claim.storageClassName, d().outputs["storageClassName"]);
        assert.equal(claim.resources.requests.storage, `${s.monitoring.storageGb}Gi`);
        assert.ok(at(spec, "resources.requests.cpu") && at(spec, "resources.requests.memory"));
        for (const p of ["prometheusOperator.resources.requests.cpu", "kube-state-metrics.resources.requests.memory", "alertmanager.alertmanagerSpec.resources.requests.memory"]) assert.ok(at(v, p), p);
      });

      it("keeps Prometheus's claims at the size retentionSize counts on: one per replica, applied before the release", () => {
        const r = release(d(), "kube-prometheus-stack");
        const v = values(r);
        const spec = at(v, "prometheus.prometheusSpec") as Obj;
        const s = d().settings as { monitoring: { storageGb: number } };
        assert.equal(v["cleanPrometheusOperatorObjectNames"], false, "the claim names below assume the <fullname>-prometheus resource name");
        const claims = all(d(), "kubernetes:core/v1:PersistentVolumeClaimPatch").filter((x) => x.name.startsWith("monitoring-prometheus-data-"));
        assert.equal(claims.length, spec["replicas"]);
        assert.deepEqual(claims.map((c) => (c.inputs["metadata"] as { name: string }).name), prometheusClaimNames(PROMETHEUS_STACK_CHART.releaseName, spec["replicas"] as number));
        for (const c of claims) {
          const cs = c.inputs["spec"] as { storageClassName: string; resources: { requests: { storage: string } } };
          assert.equal(cs.resources.requests.storage, `${s.monitoring.storageGb}Gi`);
          assert.equal(cs.storageClassName, d().outputs["storageClassName"]);
          assert.ok(r.dependsOn.includes(c.urn), "the release (and a Prometheus rollout) waits for the grown claim");
          assert.equal(c.options.retainOnDelete, true);
        }
        // retentionSize in GB (10^9) stays under the claim's GiB.
        assert.ok(parseInt(String(spec["retentionSize"]), 10) < s.monitoring.storageGb);
      });

      it("points Grafana's datasource at the Service kube-prometheus-stack renders for that release name", () => {
        const g = values(release(d(), "grafana"));
        const ds = (g["datasources"] as Obj)["datasources.yaml"] as { datasources: { url: string; uid: string; isDefault: boolean }[] };
        assert.equal(ds.datasources[0]!.url, "http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
        assert.equal(ds.datasources[0]!.uid, "prometheus");
      });

      it("takes the admin password from a Secret this program creates (existingSecret), generated with @pulumi/random", () => {
        const g = values(release(d(), "grafana"));
        assert.deepEqual(g["admin"], { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        const secret = all(d(), "kubernetes:core/v1:Secret").find((r) => (r.inputs["metadata"] as { name: string }).name === "grafana-admin");
        assert.ok(secret, "the Secret exists");
        assert.equal((secret.inputs["metadata"] as { namespace: string }).namespace, "monitoring");
        assert.ok(release(d(), "grafana").dependsOn.includes(secret.urn), "Grafana waits for its Secret");
        assert.equal(all(d(), "random:index/randomPassword:RandomPassword").length, 1);
        assert.equal(d().outputs["grafanaAdminPassword"], "[secret]");
        assert.match(String(d().outputs["grafanaAccess"]), /kubectl -n monitoring port-forward svc\/grafana 3000:80/);
      });

      it("provisions the dashboards from a ConfigMap, with no download container or plugin", () => {
        const g = values(release(d(), "grafana"));
        assert.equal(g["dashboards"], undefined, "a non-empty `dashboards` adds a curl init container");
        assert.deepEqual(g["plugins"], []);
        assert.deepEqual(g["dashboardsConfigMaps"], { default: "grafana-dashboards" });
        const cm = all(d(), "kubernetes:core/v1:ConfigMap").find((r) => (r.inputs["metadata"] as { name: string }).name === "grafana-dashboards")!;
        assert.deepEqual(Object.keys(cm.inputs["data"] as Obj).sort(), [...DASHBOARD_FILES].sort());
        assert.equal(at(g, "initChownData.enabled"), false, "the chown init container runs as root");
      });

      it("scrapes the app's exporters: the ServiceMonitor's labels, selector and port match the metrics Services", () => {
        const sm = all(d(), "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")[0]!;
        const spec = sm.inputs["spec"] as { namespaceSelector: { matchNames: string[] }; selector: { matchLabels: Obj }; endpoints: { port: string }[] };
        assert.equal((sm.inputs["metadata"] as { labels: Obj }).labels["release"], PROMETHEUS_STACK_CHART.releaseName, "selected by the release's Prometheus");
        assert.deepEqual(spec.namespaceSelector.matchNames, ["voting"]);
        const services = all(d(), "kubernetes:core/v1:Service").filter((r) => {
          const labels = (r.inputs["metadata"] as { labels?: Obj }).labels ?? {};
          return Object.entries(spec.selector.matchLabels).every(([k, v]) => labels[k] === v);
        });
        assert.deepEqual(services.map((r) => (r.inputs["metadata"] as { name: string }).name).sort(), ["db-metrics", "redis-metrics"]);
        for (const svc of services) {
          const ports = (svc.inputs["spec"] as { ports: { name: string }[] }).ports.map((p) => p.name);
          assert.ok(ports.includes(spec.endpoints[0]!.port), `${svc.name} exposes port ${spec.endpoints[0]!.port}`);
        }
        assert.equal(METRICS_LABEL, Object.keys(spec.selector.matchLabels)[0]);
        const kps = release(d(), "kube-prometheus-stack");
        for (const cr of [...all(d(), "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), ...all(d(), "kubernetes:monitoring.coreos.com/v1:PrometheusRule")]) {
          assert.ok(cr.dependsOn.includes(kps.urn), `${cr.type} waits for the release that installs its CRD`);
        }
      });
    });
  }
});

/**
 * The chart's ServiceMonitors for given values (kube-prometheus-stack 88.5.3 templates: one per
 * enabled exporter section, kube-state-metrics and node-exporter from their subcharts).
 */
function chartServiceMonitors(v: Obj): string[] {
  const on = (key: string, byDefault: boolean) => (at(v, `${key}.enabled`) as boolean | undefined) ?? byDefault;
  const table: [string, string, boolean][] = [
    ["kubeApiServer", "apiserver", true],
    ["kubelet", "kubelet", true],
    ["kubeControllerManager", "kube-controller-manager", true],
    ["kubeScheduler", "kube-scheduler", true],
    ["kubeEtcd", "kube-etcd", true],
    ["kubeProxy", "kube-proxy", true],
    ["coreDns", "coredns", true],
    ["kubeDns", "kube-dns", false],
    ["kubeStateMetrics", "kube-state-metrics", true],
    ["nodeExporter", "node-exporter", true],
    ["prometheus", "prometheus", true],
    ["alertmanager", "alertmanager", true],
    ["prometheusOperator", "operator", true],
  ];
  return table.filter(([key, , byDefault]) => on(key, byDefault)).map(([, target]) => target);
}

/**
 * What each platform has to scrape. EKS runs CoreDNS (add-on) and GKE Standard kube-dns; neither
 * exposes the control plane's components; kind/kubeadm bind them to 127.0.0.1 (the existing
 * platform opts in with existingScrapeControlPlane).
 */
const COMMON_TARGETS = ["apiserver", "kubelet", "kube-state-metrics", "prometheus", "alertmanager", "operator"];
const TARGETS_THAT_EXIST = {
  aws: [...COMMON_TARGETS, "coredns"],
  gcp: [...COMMON_TARGETS, "kube-dns"],
  existing: [...COMMON_TARGETS, "coredns"],
} as const;

describe("Prometheus Service name", () => {
  const table: [string, string][] = [
    ["kube-prometheus-stack", "kube-prometheus-stack-prometheus"],
    ["monitoring", "monitoring-kube-prometheus-prometheus"],
    ["prod-kube-prometheus-stack-eu", "prod-kube-prometheus-stack-prometheus"],
    ["kps", "kps-kube-prometheus-stack-prometheus"],
  ];
  for (const [rel, svc] of table) it(`${rel} -> ${svc}`, () => assert.equal(prometheusServiceName(rel), svc));
  it("prometheus-operator's claim name for that release: prometheus-<cr>-db-prometheus-<cr>-<ordinal>", () => {
    assert.deepEqual(prometheusClaimNames("kube-prometheus-stack", 2), [
      "prometheus-kube-prometheus-stack-prometheus-db-prometheus-kube-prometheus-stack-prometheus-0",
      "prometheus-kube-prometheus-stack-prometheus-db-prometheus-kube-prometheus-stack-prometheus-1",
    ]);
    assert.deepEqual(prometheusClaimNames("monitoring"), ["prometheus-monitoring-kube-prometheus-prometheus-db-prometheus-monitoring-kube-prometheus-prometheus-0"]);
  });
  it("the release name is fixed (no random suffix)", () => assert.equal(GRAFANA_CHART.releaseName, "grafana"));
});

describe("dashboards and alerts use only metrics the stack produces", () => {
  it("finds metric names in PromQL", () => {
    assert.deepEqual(metricsIn('sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="voting",container!=""}[5m]))'), ["container_cpu_usage_seconds_total"]);
    assert.deepEqual(metricsIn('pg_up{namespace="x"} == 0 or absent(pg_up{namespace="x"})'), ["pg_up", "pg_up"]);
    assert.deepEqual(metricsIn("made_up_metric > 0"), ["made_up_metric"]);
  });

  for (const file of DASHBOARD_FILES) {
    it(`${file} is valid JSON with panels whose queries use produced metrics`, () => {
      const dash = JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), "utf8")) as { uid: string; title: string; panels: { title: string; targets: { expr: string; datasource: { uid: string } }[] }[] };
      assert.ok(dash.uid && dash.title && dash.panels.length > 0);
      for (const p of dash.panels) {
        assert.ok(p.targets.length > 0, p.title);
        for (const t of p.targets) {
          assert.equal(t.datasource.uid, "prometheus", "the provisioned datasource's uid");
          for (const m of metricsIn(t.expr)) assert.ok(PRODUCED.has(m), `${file} / ${p.title}: ${m} is produced by nothing in the stack`);
        }
      }
    });
  }

  it("the voting-app dashboard shows votes per option, queue length, CPU, memory and restarts", () => {
    const exprs = JSON.stringify(JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, "voting-app.json"), "utf8")));
    for (const m of ["voting_votes_count", "redis_key_size", "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "kube_pod_container_status_restarts_total"]) assert.ok(exprs.includes(m), m);
  });

  it("the dashboards follow the app's namespace: no hard-coded namespace in a query", () => {
    const dash = JSON.parse(dashboardJson("voting-app.json", "polls")) as { templating: { list: { name: string; query: string }[] }; panels: { targets: { expr: string }[] }[] };
    assert.deepEqual(dash.templating.list.map((t) => [t.name, t.query]), [["namespace", "polls"]]);
    for (const p of dash.panels) for (const t of p.targets) if (t.expr.includes("namespace=")) assert.match(t.expr, /namespace="\$namespace"/);
  });

  it("cluster panels count only running or pending pods (completed Job pods are neither)", () => {
    const dash = readFileSync(path.join(DASHBOARDS_DIR, "cluster-overview.json"), "utf8");
    for (const m of ["kube_pod_info", 'kube_pod_status_ready{condition=\\"false\\"}', 'kube_pod_container_resource_requests{resource=\\"cpu\\"}']) {
      assert.ok(dash.includes(`${m} and on (namespace, pod) (kube_pod_status_phase`), m);
    }
  });

  it("pages (critical) only for an outage of the app: an exporter gone is a warning", () => {
    const rules = alertRules("voting")[0]!.rules;
    for (const r of rules) {
      const exporterOnly = /^absent\(/.test(r.expr.trim());
      assert.equal(r.labels.severity, exporterOnly ? "warning" : r.labels.severity, `${r.alert}: an exporter being down is not an outage`);
      if (r.labels.severity === "critical") assert.doesNotMatch(r.expr, /absent\(/, `${r.alert}: a critical alert must not fire on a missing exporter alone`);
    }
    assert.equal(rules.filter((r) => /^absent\(/.test(r.expr)).length, 2, "one exporter-down alert per exporter");
  });

  it("the queue alert's value is the current queue length", () => {
    const rule = alertRules("voting")[0]!.rules.find((r) => r.alert === "VotingQueueNotDraining")!;
    assert.match(rule.expr, /^redis_key_size\{[^}]*\} and min_over_time/);
  });

  it("alert rules cover not-ready workloads, a queue that does not drain and Postgres down", () => {
    const rules = alertRules("voting")[0]!.rules;
    assert.deepEqual(rules.map((r) => r.alert).sort(), ["VotingDatabaseNotReady", "VotingDeploymentNotReady", "VotingPostgresDown", "VotingPostgresExporterDown", "VotingQueueNotDraining", "VotingRedisDown", "VotingRedisExporterDown"]);
    assert.match(rules.find((r) => r.alert === "VotingDeploymentNotReady")!.expr, /vote\|result\|worker\|redis/);
    for (const r of rules) for (const m of metricsIn(r.expr)) assert.ok(PRODUCED.has(m), `${r.alert}: ${m}`);
    // With backups on, one more: the backup CronJob's last success (kube-state-metrics).
    const withBackup = alertRules("voting", { cronJob: "postgres-backup", maxAgeHours: 37 })[0]!.rules;
    assert.deepEqual(withBackup.map((r) => r.alert).filter((a) => !rules.some((r) => r.alert === a)), ["VotingBackupMissing"]);
    for (const r of withBackup) for (const m of metricsIn(r.expr)) assert.ok(PRODUCED.has(m), `${r.alert}: ${m}`);
  });
});
