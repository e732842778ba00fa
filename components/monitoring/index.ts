import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels } from "../pod-security";
import * as random from "@pulumi/random";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { alertRules } from "./rules";
import { GRAFANA_CHART, PROMETHEUS_STACK_CHART, grafanaValues, prometheusStackValues, prometheusUrl } from "./values";

export interface MonitoringArgs {
  /** @default "monitoring" */
  readonly namespace?: string;
  /** EKS/GKE: the control plane is not scrapeable. */
  readonly managedControlPlane: boolean;
  readonly storageClassName: pulumi.Input<string>;
  readonly retentionDays: number;
  readonly storageGb: number;
  readonly grafana: { readonly persistence: boolean; readonly storageGb: number };
  /** Namespace of the voting app, whose exporters are scraped. */
  readonly appNamespace: string;
  /** Label on the app's metrics Services. */
  readonly metricsLabel: string;
}

export const MONITORING_NAMESPACE = "monitoring";
export const DASHBOARD_FILES = ["cluster-overview.json", "voting-app.json"] as const;
export const DASHBOARDS_DIR = path.join(__dirname, "dashboards");

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

    // Baseline, not restricted: the charts' admission-webhook jobs and operator do not all drop
    // every capability. "restricted" is still reported (warn, audit).
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: ns,
          labels: podSecurityLabels("baseline"),
        },
      },
      child,
    );
    const inNs = { ...child, dependsOn: [namespace] };

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
        values: prometheusStackValues({ managedControlPlane: args.managedControlPlane, retentionDays: args.retentionDays, storageGb: args.storageGb, storageClassName: args.storageClassName }),
      },
      inNs,
    );

    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, child);
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      { metadata: { name: "grafana-admin", namespace: ns }, type: "Opaque", stringData: { "admin-user": "admin", "admin-password": password.result } },
      inNs,
    );
    const dashboards = new k8s.core.v1.ConfigMap(
      `${name}-dashboards`,
      {
        metadata: { name: "grafana-dashboards", namespace: ns },
        data: Object.fromEntries(DASHBOARD_FILES.map((f) => [f, readFileSync(path.join(DASHBOARDS_DIR, f), "utf8")])),
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
        }),
      },
      { ...child, dependsOn: [namespace, adminSecret, dashboards] },
    );

    // Custom resources: their CRDs come with kube-prometheus-stack, so they wait for it.
    const selectedBy = { release: PROMETHEUS_STACK_CHART.releaseName };
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
      { ...child, dependsOn: [stack] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-voting-app-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "voting-app", namespace: ns, labels: selectedBy },
        spec: { groups: alertRules(args.appNamespace) },
      },
      { ...child, dependsOn: [stack] },
    );

    this.grafanaAccess = pulumi.output(`kubectl -n ${ns} port-forward svc/${GRAFANA_CHART.releaseName} 3000:80, then http://localhost:3000 (user admin)`);
    this.grafanaAdminPassword = pulumi.secret(password.result);
    this.registerOutputs({ namespace: ns, grafanaAccess: this.grafanaAccess, grafanaAdminPassword: this.grafanaAdminPassword });
  }
}
