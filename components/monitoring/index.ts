import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels } from "../pod-security";
import * as random from "@pulumi/random";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { MetricsTargets } from "../platform";
import { alertmanagerConfig, type AlertReceivers } from "./alerting";
import { alertRules, type BackupWatch } from "./rules";
import { statefulSetClaim } from "../volumes";
import { GRAFANA_CHART, PROMETHEUS_STACK_CHART, grafanaValues, prometheusClaimLabels, prometheusClaimNames, prometheusStackValues, prometheusUrl } from "./values";

export interface MonitoringArgs {
  /** @default "monitoring" */
  readonly namespace?: string;
  /** What the cluster offers to scrape besides workloads (control plane, which DNS). */
  readonly metricsTargets: MetricsTargets;
  /** Where alerts go; URLs as Pulumi secrets. */
  readonly alerts: AlertReceivers<pulumi.Input<string>>;
  /** busybox for the chart's CRD upgrade job, `registry/repository:tag`. */
  readonly busyboxImage: string;
  readonly storageClassName: pulumi.Input<string>;
  readonly retentionDays: number;
  readonly storageGb: number;
  readonly grafana: { readonly persistence: boolean; readonly storageGb: number };
  /** Resolves once volume sizes may be applied (the program's no-shrink check). @default none */
  readonly storageSizeGate?: pulumi.Input<unknown>;
  /** Namespace of the voting app, whose exporters are scraped. */
  readonly appNamespace: string;
  /** The database backup CronJob to alert on when its last success gets too old. @default none */
  readonly backup?: BackupWatch;
  /** Label on the app's metrics Services. */
  readonly metricsLabel: string;
  /**
   * What every Kubernetes object here waits for (the platform's `workloadsWaitFor`). Put on each
   * object: children do not inherit a component's dependsOn. @default []
   */
  readonly waitFor?: readonly pulumi.Resource[];
}

export const MONITORING_NAMESPACE = "monitoring";
export const DASHBOARD_FILES = ["cluster-overview.json", "voting-app.json"] as const;
export const DASHBOARDS_DIR = path.join(__dirname, "dashboards");
export const ALERTMANAGER_CONFIG_SECRET = "alertmanager-config";

/** Recommended labels on the objects this component creates itself (the charts label theirs). */
export function monitoringLabels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": component,
    "app.kubernetes.io/instance": "monitoring",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "voting-platform-monitoring",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/**
 * A dashboard file with its `namespace` variable (a hidden constant the queries use) set to the
 * app's namespace, so the dashboards follow VotingAppArgs.namespace.
 */
export function dashboardJson(file: string, appNamespace: string): string {
  const dash = JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), "utf8")) as { templating?: { list?: { name: string; query?: string; current?: unknown }[] } };
  for (const v of dash.templating?.list ?? []) {
    if (v.name === "namespace") {
      v.query = appNamespace;
      v.current = { text: appNamespace, value: appNamespace };
    }
  }
  return JSON.stringify(dash, null, 2);
}

/**
 * Pod Security level the namespace enforces. "restricted": every pod the two charts render with
 * our values passes it (checked with helm template; see the README), as do the pods the operator
 * creates (Prometheus, Alertmanager: non-root, RuntimeDefault seccomp, no capabilities).
 */
export const MONITORING_POD_SECURITY = "restricted" as const;

/** alertmanager.yaml, rendered once the secret URLs are known (the result stays secret). */
function renderAlertmanagerConfig(alerts: AlertReceivers<pulumi.Input<string>>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([alerts.webhookUrl, alerts.slack?.url]).apply(([webhookUrl, slackUrl]) =>
      stringify(
        alertmanagerConfig<string>({
          minSeverity: alerts.minSeverity,
          ...(webhookUrl !== undefined ? { webhookUrl } : {}),
          ...(alerts.slack && slackUrl !== undefined ? { slack: { url: slackUrl, ...(alerts.slack.channel ? { channel: alerts.slack.channel } : {}) } } : {}),
        }),
      ),
    ),
  );
}

/** kube-prometheus-stack and Grafana releases, the app's ServiceMonitor, alert rules and dashboards. */
export class Monitoring extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly grafanaAccess: pulumi.Output<string>;
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:monitoring:Monitoring", name, {}, opts);
    const ns = args.namespace ?? MONITORING_NAMESPACE;
    this.namespace = ns;
    const child = { parent: this };
    const waitFor = args.waitFor ?? [];

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: ns,
          labels: { ...monitoringLabels("monitoring"), ...podSecurityLabels(MONITORING_POD_SECURITY) },
        },
      },
      { ...child, dependsOn: [...waitFor] },
    );
    const inNs = { ...child, dependsOn: [namespace, ...waitFor] };

    // Alertmanager's config in a Secret of ours (not in the Release's values): receiver URLs stay
    // Pulumi secrets, and Kubernetes stores them as a Secret. The chart points Alertmanager at it.
    const alertmanagerSecret = new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: ALERTMANAGER_CONFIG_SECRET, namespace: ns, labels: monitoringLabels("alertmanager") },
        type: "Opaque",
        stringData: { "alertmanager.yaml": renderAlertmanagerConfig(args.alerts) },
      },
      inNs,
    );

    // Prometheus's claims, applied before the release (see statefulSetClaim): on a first install
    // the operator's StatefulSet finds them; later a bigger size grows them, so retentionSize
    // (85% of the size) always fits the real volume.
    const prometheusClaims = prometheusClaimNames(PROMETHEUS_STACK_CHART.releaseName).map((claimName, i) =>
      statefulSetClaim(
        `${name}-prometheus-data-${i}`,
        { claimName, namespace: ns, sizeGb: args.storageGb, storageClassName: args.storageClassName, labels: prometheusClaimLabels(PROMETHEUS_STACK_CHART.releaseName), sizeGate: args.storageSizeGate },
        { ...child, dependsOn: [...inNs.dependsOn] },
      ),
    );

    const stack = new k8s.helm.v3.Release(
      `${name}-kube-prometheus-stack`,
      {
        name: PROMETHEUS_STACK_CHART.releaseName,
        namespace: ns,
        chart: PROMETHEUS_STACK_CHART.chart,
        version: PROMETHEUS_STACK_CHART.version,
        repositoryOpts: { repo: PROMETHEUS_STACK_CHART.repo },
        // Its CRDs, operator, admission-webhook hook jobs and a Prometheus with a new volume take
        // longer than Release's default 300 s.
        timeout: 900,
        atomic: true,
        cleanupOnFail: true,
        values: prometheusStackValues({
          metricsTargets: args.metricsTargets,
          retentionDays: args.retentionDays,
          storageGb: args.storageGb,
          storageClassName: args.storageClassName,
          alertmanagerConfigSecret: ALERTMANAGER_CONFIG_SECRET,
          busyboxImage: args.busyboxImage,
        }),
      },
      { ...child, dependsOn: [namespace, alertmanagerSecret, ...prometheusClaims] },
    );

    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, child);
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      { metadata: { name: "grafana-admin", namespace: ns, labels: monitoringLabels("grafana") }, type: "Opaque", stringData: { "admin-user": "admin", "admin-password": password.result } },
      inNs,
    );
    const dashboards = new k8s.core.v1.ConfigMap(
      `${name}-dashboards`,
      {
        metadata: { name: "grafana-dashboards", namespace: ns, labels: monitoringLabels("grafana") },
        data: Object.fromEntries(DASHBOARD_FILES.map((f) => [f, dashboardJson(f, args.appNamespace)])),
      },
      inNs,
    );
    new k8s.helm.v3.Release(
      `${name}-grafana`,
      {
        name: GRAFANA_CHART.releaseName,
        namespace: ns,
        chart: GRAFANA_CHART.chart,
        version: GRAFANA_CHART.version,
        repositoryOpts: { repo: GRAFANA_CHART.repo },
        timeout: 600,
        atomic: true,
        cleanupOnFail: true,
        values: grafanaValues({
          adminSecretName: "grafana-admin",
          prometheusUrl: prometheusUrl(PROMETHEUS_STACK_CHART.releaseName, ns),
          dashboardsConfigMap: dashboards.metadata.name,
          persistence: args.grafana.persistence,
          storageGb: args.grafana.storageGb,
          storageClassName: args.storageClassName,
          ...(args.storageSizeGate === undefined ? {} : { sizeGate: args.storageSizeGate }),
        }),
      },
      { ...child, dependsOn: [...inNs.dependsOn, adminSecret, dashboards] },
    );

    // Custom resources: their CRDs come with kube-prometheus-stack, so they wait for it.
    const selectedBy = { ...monitoringLabels("voting-app-metrics"), release: PROMETHEUS_STACK_CHART.releaseName };
    new k8s.apiextensions.CustomResource(
      `${name}-voting-app`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "voting-app", namespace: ns, labels: selectedBy },
        spec: {
          namespaceSelector: { matchNames: [args.appNamespace] },
          selector: { matchLabels: { [args.metricsLabel]: "true" } },
          endpoints: [{ port: "metrics", interval: "30s", scrapeTimeout: "10s" }],
        },
      },
      { ...child, dependsOn: [stack, ...waitFor] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-voting-app-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "voting-app", namespace: ns, labels: selectedBy },
        spec: { groups: alertRules(args.appNamespace, args.backup) },
      },
      { ...child, dependsOn: [stack, ...waitFor] },
    );

    this.grafanaAccess = pulumi.output(`kubectl -n ${ns} port-forward svc/${GRAFANA_CHART.releaseName} 3000:80, then http://localhost:3000 (user admin)`);
    this.grafanaAdminPassword = pulumi.secret(password.result);
    this.registerOutputs({ namespace: ns, grafanaAccess: this.grafanaAccess, grafanaAdminPassword: this.grafanaAdminPassword });
  }
}
