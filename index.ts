// stack config -> validated settings -> platform (cluster) -> workloads -> outputs
import { createPlatform } from "./components";
import { AdmissionPolicies } from "./components/admission";
import { Monitoring } from "./components/monitoring";
import { alertReceivers } from "./components/monitoring/alerting";
import { VotingApp } from "./components/voting-app";
import { METRICS_LABEL, SERVICE_NAMES } from "./components/voting-app/manifests";
import { alertUrls, loadSettings } from "./stacks/config";

const settings = loadSettings();
const platform = createPlatform(settings);
const k8sOpts = { providers: { kubernetes: platform.provider } };

const app = new VotingApp(
  "voting",
  {
    images: { ...settings.app.images, redisExporter: settings.app.exporterImages.redis, postgresExporter: settings.app.exporterImages.postgres },
    optionA: settings.app.optionA,
    optionB: settings.app.optionB,
    replicas: settings.app.replicas,
    voteMaxReplicas: settings.app.voteMaxReplicas,
    databaseStorageGb: settings.app.databaseStorageGb,
    storageClassName: platform.storageClassName,
    exposure: platform.exposure,
    retainData: settings.app.retainData,
    protectData: settings.app.protectData,
    waitFor: platform.workloadsWaitFor,
  },
  k8sOpts,
);

// The pack's Kubernetes rules inside the cluster too: they gate Helm, kubectl and operators.
new AdmissionPolicies(
  "admission",
  {
    environment: settings.environment,
    appNamespace: app.namespace,
    requireDigest: settings.environment === "prod",
    exposure: { allowed: [SERVICE_NAMES.vote, SERVICE_NAMES.result].map((s) => `${app.namespace}/${s}`), ingressNamespaces: [app.namespace] },
    waitFor: platform.workloadsWaitFor,
  },
  k8sOpts,
);

const monitoring = settings.monitoring.enabled
  ? new Monitoring(
      "monitoring",
      {
        metricsTargets: platform.metricsTargets,
        alerts: alertReceivers(settings.monitoring.alerts, alertUrls(settings)),
        busyboxImage: settings.monitoring.busyboxImage,
        storageClassName: platform.storageClassName,
        retentionDays: settings.monitoring.retentionDays,
        storageGb: settings.monitoring.storageGb,
        grafana: settings.monitoring.grafana,
        appNamespace: app.namespace,
        metricsLabel: METRICS_LABEL,
        waitFor: platform.workloadsWaitFor,
      },
      k8sOpts,
    )
  : undefined;

export const cloud = settings.platform.cloud;
export const environment = settings.environment;
export const size = settings.size;
export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const storageClassName = platform.storageClassName;
export const serviceExposure = platform.exposure.type;
export const appNamespace = app.namespace;
export const voteUrl = app.voteUrl;
export const resultUrl = app.resultUrl;
export const grafanaAccess = monitoring?.grafanaAccess;
export const grafanaAdminPassword = monitoring?.grafanaAdminPassword;
