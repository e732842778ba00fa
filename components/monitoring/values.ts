// Helm values for kube-prometheus-stack and Grafana, as pure functions of typed arguments.
// Chart facts (names, keys, defaults) were read from the charts' own values.yaml and templates.

import * as pulumi from "@pulumi/pulumi";
import type { MetricsTargets } from "../platform";

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
  return `${prometheusStackFullname(releaseName)}-prometheus`;
}

/** The chart's `kube-prometheus-stack.fullname` (templates/_helpers.tpl). */
export function prometheusStackFullname(releaseName: string): string {
  const chart = "kube-prometheus-stack";
  return (releaseName.includes(chart) ? releaseName : `${releaseName}-${chart}`).slice(0, 26).replace(/-+$/, "");
}

/** Prometheus replicas (the chart's default, set explicitly: one volume claim per replica). */
export const PROMETHEUS_REPLICAS = 1;

/**
 * The Prometheus custom resource's name: `<fullname>-prometheus` while
 * `cleanPrometheusOperatorObjectNames` is false (set explicitly in the values; chart
 * _helpers.tpl, `kube-prometheus-stack.prometheus.crname`).
 */
export function prometheusResourceName(releaseName: string): string {
  return `${prometheusStackFullname(releaseName)}-prometheus`;
}

/**
 * The claims prometheus-operator's StatefulSet gets, one per replica: the StatefulSet is
 * `prometheus-<cr>`, its claim template `prometheus-<cr>-db` (prometheus-operator v0.93
 * pkg/prometheus/common.go: PrefixedName, VolumeName; the template's name when ours leaves it
 * empty), and the StatefulSet controller names claims `<template>-<statefulset>-<ordinal>`.
 */
export function prometheusClaimNames(releaseName: string, replicas = PROMETHEUS_REPLICAS): string[] {
  const sts = `prometheus-${prometheusResourceName(releaseName)}`;
  return Array.from({ length: replicas }, (_, i) => `${sts}-db-${sts}-${i}`);
}

/**
 * The labels the StatefulSet controller gives those claims: the operator's selector labels
 * (prometheus-operator v0.93 pkg/prometheus/server/operator.go makeSelectorLabels, plus the shard).
 */
export function prometheusClaimLabels(releaseName: string): Record<string, string> {
  const cr = prometheusResourceName(releaseName);
  return {
    "app.kubernetes.io/managed-by": "prometheus-operator",
    "app.kubernetes.io/name": "prometheus",
    "app.kubernetes.io/instance": cr,
    "operator.prometheus.io/name": cr,
    "operator.prometheus.io/shard": "0",
    prometheus: cr,
  };
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
  readonly metricsTargets: MetricsTargets;
  readonly retentionDays: number;
  readonly storageGb: number;
  readonly storageClassName: pulumi.Input<string>;
  /** Secret holding `alertmanager.yaml` (created by Monitoring: receiver URLs stay Pulumi secrets). */
  readonly alertmanagerConfigSecret: string;
  /** busybox for the CRD upgrade job, `registry/repository:tag` (the chart default is docker.io busybox:latest). */
  readonly busyboxImage: string;
}

/** Requests and limits for the small pods the chart leaves unset. */
const small = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

/** `registry/repository:tag` split the way the chart's image values want it. */
export function chartImage(ref: string): { registry: string; repository: string; tag: string } {
  const slash = ref.indexOf("/");
  const registry = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  const colon = rest.indexOf(":");
  return { registry, repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
}

export function prometheusStackValues(a: PrometheusStackValuesArgs): Record<string, unknown> {
  const scrapeControlPlane = a.metricsTargets.controlPlane;
  const s = sizing(a.retentionDays);
  return {
    // The default, stated: prometheusClaimNames derives the claims' names from it.
    cleanPrometheusOperatorObjectNames: false,
    // The chart installs its CRDs only on first install (Helm never upgrades CRDs); this
    // pre-install/pre-upgrade hook Job server-side-applies the chart version's CRDs, so a chart
    // bump never runs a new operator on old CRDs (chart values.yaml, crds.upgradeJob).
    crds: {
      upgradeJob: {
        enabled: true,
        forceConflicts: true,
        image: { busybox: { ...chartImage(a.busyboxImage), pullPolicy: "IfNotPresent" } },
        resources: small("50m", "64Mi", "500m", "256Mi"),
      },
    },
    // Grafana is its own release (from the grafana-community chart).
    grafana: { enabled: false },
    // Managed control planes (EKS, GKE) and kubeadm/kind defaults (127.0.0.1) cannot be scraped:
    // enabled, these only raise false "down" alerts. An existing cluster may opt in.
    kubeControllerManager: { enabled: scrapeControlPlane },
    kubeScheduler: { enabled: scrapeControlPlane },
    kubeEtcd: { enabled: scrapeControlPlane },
    kubeProxy: { enabled: scrapeControlPlane },
    // Scrape the DNS the cluster runs: GKE Standard runs kube-dns, where a CoreDNS target (:9153)
    // would always be down.
    coreDns: { enabled: a.metricsTargets.clusterDns === "coredns" },
    kubeDns: { enabled: a.metricsTargets.clusterDns === "kube-dns" },
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
    prometheusOperator: {
      resources: small("50m", "96Mi", "200m", "256Mi"),
      // The admission webhook's certificate jobs (hooks) and their pods.
      admissionWebhooks: { patch: { resources: small("10m", "32Mi", "100m", "64Mi") } },
    },
    "kube-state-metrics": { resources: small("20m", "64Mi", "200m", "256Mi") },
    alertmanager: {
      // Our own Secret (Monitoring): the chart would otherwise render the config, receiver URLs
      // included, into its own Secret from the Release's values.
      alertmanagerSpec: {
        useExistingSecret: true,
        configSecret: a.alertmanagerConfigSecret,
        resources: small("10m", "48Mi", "100m", "128Mi"),
      },
    },
    prometheus: {
      prometheusSpec: {
        replicas: PROMETHEUS_REPLICAS,
        retention: `${a.retentionDays}d`,
        // Stop before the volume fills: 85% of it. The claims really have that size: Monitoring
        // grows them in place (prometheus-operator recreates its StatefulSet on a new template
        // size but never resizes the claims: its Documentation/platform/storage.md, "Resizing volumes").
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
  /**
   * Resolves once the size may be applied (the program's no-shrink check). The chart's own claim
   * grows in place on a bigger size (a Helm upgrade patches its request); a smaller one fails.
   * @default none
   */
  readonly sizeGate?: pulumi.Input<unknown>;
}

export const GRAFANA_DASHBOARD_PATH = "/var/lib/grafana/dashboards/default";

export function grafanaValues(a: GrafanaValuesArgs): Record<string, unknown> {
  return {
    admin: { existingSecret: a.adminSecretName, userKey: "admin-user", passwordKey: "admin-password" },
    persistence: a.persistence
      ? { enabled: true, type: "pvc", size: a.sizeGate === undefined ? `${a.storageGb}Gi` : pulumi.output(a.sizeGate).apply(() => `${a.storageGb}Gi`), storageClassName: a.storageClassName }
      : { enabled: false },
    // A ReadWriteOnce volume attaches to one node: a rolling update starts the new pod first, which
    // cannot attach it elsewhere, and the atomic release rolls back. Recreate stops the old pod first.
    ...(a.persistence ? { deploymentStrategy: { type: "Recreate" } } : {}),
    // The chown init container runs as root; fsGroup 472 already makes the volume writable.
    initChownData: { enabled: false },
    testFramework: { enabled: false },
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "384Mi" } },
    // No plugin downloads and no phone-home: the cluster needs no egress for Grafana. Grafana 12+
    // installs a default plugin list from grafana.com at start unless preinstall_disabled (the
    // image bundles the core datasources, Prometheus included, in plugins-bundled).
    plugins: [],
    "grafana.ini": {
      analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false },
      plugins: { preinstall_disabled: true },
    },
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
