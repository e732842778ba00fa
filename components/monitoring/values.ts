// Helm values for kube-prometheus-stack and Grafana, as pure functions of typed arguments.
// Chart facts (names, keys, defaults) were read from the charts' own values.yaml and templates.

import type * as pulumi from "@pulumi/pulumi";

export const PROMETHEUS_STACK_CHART = {
  chart: "kube-prometheus-stack",
  repo: "https://prometheus-community.github.io/helm-charts",
  version: "88.5.3",
  /** Set explicitly: helm.v3.Release would otherwise add a random suffix, changing every Service name. */
  releaseName: "kube-prometheus-stack",
} as const;

// grafana/helm-charts' copy is deprecated; the chart moved to grafana-community (Grafana 13.2.0).
export const GRAFANA_CHART = {
  chart: "grafana",
  repo: "https://grafana-community.github.io/helm-charts",
  version: "12.11.1",
  releaseName: "grafana",
} as const;

/**
 * The Prometheus Service kube-prometheus-stack renders: `<fullname>-prometheus`, where fullname is
 * the release name if it contains "kube-prometheus-stack", else `<release>-kube-prometheus-stack`,
 * cut to 26 characters (trailing '-' trimmed).
 */
export function prometheusServiceName(releaseName: string): string {
  const chart = "kube-prometheus-stack";
  const full = (releaseName.includes(chart) ? releaseName : `${releaseName}-${chart}`).slice(0, 26).replace(/-+$/, "");
  return `${full}-prometheus`;
}

export function prometheusUrl(releaseName: string, namespace: string): string {
  return `http://${prometheusServiceName(releaseName)}.${namespace}.svc:9090`;
}

export interface Sizing {
  readonly prometheus: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
}

export function sizing(retentionDays: number): Sizing {
  // Memory grows with series and retention; these fit the app plus cluster metrics.
  if (retentionDays <= 3) return { prometheus: { cpu: "200m", memory: "768Mi", memoryLimit: "1536Mi" } };
  if (retentionDays <= 7) return { prometheus: { cpu: "300m", memory: "1Gi", memoryLimit: "2Gi" } };
  return { prometheus: { cpu: "500m", memory: "1536Mi", memoryLimit: "3Gi" } };
}

export interface PrometheusStackValuesArgs {
  readonly managedControlPlane: boolean;
  readonly retentionDays: number;
  readonly storageGb: number;
  readonly storageClassName: pulumi.Input<string>;
}

export function prometheusStackValues(a: PrometheusStackValuesArgs): Record<string, unknown> {
  const scrapeControlPlane = !a.managedControlPlane;
  const s = sizing(a.retentionDays);
  return {
    // Grafana is its own release (from the grafana-community chart).
    grafana: { enabled: false },
    // EKS and GKE do not expose these to scrapes: enabled, they only raise false "down" alerts.
    kubeControllerManager: { enabled: scrapeControlPlane },
    kubeScheduler: { enabled: scrapeControlPlane },
    kubeEtcd: { enabled: scrapeControlPlane },
    kubeProxy: { enabled: scrapeControlPlane },
    // node-exporter needs hostNetwork, hostPID and host paths (Pod Security "privileged"); the
    // cloud watches managed nodes, and the dashboards use kubelet/cAdvisor and kube-state-metrics.
    nodeExporter: { enabled: false },
    defaultRules: {
      rules: {
        etcd: scrapeControlPlane,
        kubeControllerManager: scrapeControlPlane,
        kubeSchedulerAlerting: scrapeControlPlane,
        kubeSchedulerRecording: scrapeControlPlane,
        kubeProxy: scrapeControlPlane,
        node: false,
        nodeExporterAlerting: false,
        nodeExporterRecording: false,
      },
    },
    prometheusOperator: { resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "200m", memory: "256Mi" } } },
    "kube-state-metrics": { resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } } },
    alertmanager: {
      alertmanagerSpec: { resources: { requests: { cpu: "10m", memory: "48Mi" }, limits: { cpu: "100m", memory: "128Mi" } } },
    },
    prometheus: {
      prometheusSpec: {
        retention: `${a.retentionDays}d`,
        // Stop before the volume fills: 85% of it.
        retentionSize: `${Math.floor(a.storageGb * 0.85)}GB`,
        resources: { requests: { cpu: s.prometheus.cpu, memory: s.prometheus.memory }, limits: { memory: s.prometheus.memoryLimit } },
        storageSpec: {
          volumeClaimTemplate: {
            spec: { storageClassName: a.storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${a.storageGb}Gi` } } },
          },
        },
        // Select ServiceMonitors and rules labelled release=<release name> (the chart's default
        // when these are true): ours carry that label, see Monitoring.
        serviceMonitorSelectorNilUsesHelmValues: true,
        ruleSelectorNilUsesHelmValues: true,
      },
    },
  };
}

export interface GrafanaValuesArgs {
  readonly adminSecretName: string;
  readonly prometheusUrl: string;
  readonly dashboardsConfigMap: pulumi.Input<string>;
  readonly persistence: boolean;
  readonly storageGb: number;
  readonly storageClassName: pulumi.Input<string>;
}

export const GRAFANA_DASHBOARD_PATH = "/var/lib/grafana/dashboards/default";

export function grafanaValues(a: GrafanaValuesArgs): Record<string, unknown> {
  return {
    admin: { existingSecret: a.adminSecretName, userKey: "admin-user", passwordKey: "admin-password" },
    persistence: a.persistence ? { enabled: true, type: "pvc", size: `${a.storageGb}Gi`, storageClassName: a.storageClassName } : { enabled: false },
    // The chown init container runs as root; fsGroup 472 already makes the volume writable.
    initChownData: { enabled: false },
    testFramework: { enabled: false },
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "384Mi" } },
    // No plugin downloads and no phone-home: the cluster needs no egress for Grafana.
    plugins: [],
    "grafana.ini": { analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false } },
    datasources: {
      "datasources.yaml": {
        apiVersion: 1,
        datasources: [{ name: "Prometheus", type: "prometheus", uid: "prometheus", url: a.prometheusUrl, access: "proxy", isDefault: true }],
      },
    },
    // Dashboards from a ConfigMap this program creates: no download init container, no sidecar.
    dashboardProviders: {
      "dashboardproviders.yaml": {
        apiVersion: 1,
        providers: [{ name: "default", orgId: 1, folder: "voting-platform", type: "file", disableDeletion: true, editable: false, options: { path: GRAFANA_DASHBOARD_PATH } }],
      },
    },
    dashboardsConfigMaps: { default: a.dashboardsConfigMap },
  };
}
