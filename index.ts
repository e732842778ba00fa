// stack config -> validated settings -> platform (cluster) -> workloads -> outputs
import { createPlatform } from "./components";
import { AdmissionPolicies } from "./components/admission";
import { Monitoring } from "./components/monitoring";
import { alertReceivers } from "./components/monitoring/alerting";
import { VOTING_NAMESPACE, VotingApp } from "./components/voting-app";
import { backupMaxAgeHours } from "./components/monitoring/rules";
import { BACKUP_CRONJOB, BACKUP_SERVICE_ACCOUNT, DatabaseBackup, RESTORE_SERVICE_ACCOUNT } from "./components/voting-app/backup";
import { METRICS_LABEL, SERVICE_NAMES } from "./components/voting-app/manifests";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, alertUrls, loadSettings } from "./stacks/config";
import { lastAppliedOutputs, shrunkVolumes, volumeSizes } from "./stacks/volumes";
import { runsPerDay } from "./stacks/cron";

const settings = loadSettings();

// Volumes only grow: the sizes this stack last applied, read back from its own outputs, gate every
// claim size; a smaller one stops the preview with the key to change (see stacks/volumes.ts).
const sizes = volumeSizes(settings);
const checkedSizes = lastAppliedOutputs(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`).apply((previous) => {
  const problems = shrunkVolumes(previous["volumeSizesGb"], sizes, settings.size);
  if (problems.length > 0) throw new ConfigError(problems, "shrinking volume");
  return sizes;
});
const platform = createPlatform(settings);
const k8sOpts = { providers: { kubernetes: platform.provider } };

// The pack's Kubernetes rules inside the cluster too: they gate Helm, kubectl and operators. Created
// first: the app and the monitoring releases wait for the bindings, so even the first `up` is gated.
const admission = new AdmissionPolicies(
  "admission",
  {
    environment: settings.environment,
    appNamespace: VOTING_NAMESPACE,
    requireDigest: settings.environment === "prod",
    exposure: { allowed: [SERVICE_NAMES.vote, SERVICE_NAMES.result].map((s) => `${VOTING_NAMESPACE}/${s}`), ingressNamespaces: [VOTING_NAMESPACE] },
    // kind's local-path-provisioner starts helper pods with hostPath volumes in local-path-storage
    // (https://github.com/rancher/local-path-provisioner): denied there, every PVC stays Pending.
    excludeNamespaces: settings.platform.cloud === "existing" ? ["local-path-storage"] : [],
    waitFor: platform.workloadsWaitFor,
  },
  k8sOpts,
);

/** The platform's readiness plus the admission bindings: what every workload waits for. */
const gated = [...platform.workloadsWaitFor, ...admission.bindings];

const app = new VotingApp(
  "voting",
  {
    images: { ...settings.app.images, redisExporter: settings.app.exporterImages.redis, postgresExporter: settings.app.exporterImages.postgres },
    optionA: settings.app.optionA,
    optionB: settings.app.optionB,
    replicas: settings.app.replicas,
    voteMaxReplicas: settings.app.voteMaxReplicas,
    databaseStorageGb: settings.app.databaseStorageGb,
    storageSizeGate: checkedSizes,
    storageClassName: platform.storageClassName,
    exposure: platform.exposure,
    retainData: settings.app.retainData,
    protectData: settings.app.protectData,
    namespace: VOTING_NAMESPACE,
    backupClients: settings.backup.enabled,
    waitFor: gated,
  },
  k8sOpts,
);

// In the app's namespace, once its database Secret exists (not after the app's load balancers:
// nothing here needs them).
const backup = settings.backup.enabled
  ? new DatabaseBackup(
      "backup",
      {
        namespace: app.namespace,
        postgresImage: settings.app.images.postgres,
        schedule: settings.backup.schedule,
        retentionDays: settings.backup.retentionDays,
        databaseStorageGb: settings.app.databaseStorageGb,
        storageClassName: platform.storageClassName,
        store: platform.backupStore({
          namespace: app.namespace,
          writerServiceAccount: BACKUP_SERVICE_ACCOUNT,
          restoreServiceAccount: RESTORE_SERVICE_ACCOUNT,
          retentionDays: settings.backup.retentionDays,
          retainData: settings.app.retainData,
          protectData: settings.app.protectData,
        }),
        retainData: settings.app.retainData,
        protectData: settings.app.protectData,
        waitFor: [...gated, ...app.databaseClientPrerequisites],
      },
      k8sOpts,
    )
  : undefined;

if (app.loadBalancerAddress) platform.publishAddress?.(app.loadBalancerAddress);

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
        storageSizeGate: checkedSizes,
        appNamespace: app.namespace,
        ...(backup ? { backup: { cronJob: BACKUP_CRONJOB, maxAgeHours: backupMaxAgeHours(runsPerDay(settings.backup.schedule)) } } : {}),
        metricsLabel: METRICS_LABEL,
        waitFor: gated,
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
export const backupLocation = backup?.location;
export const restoreJob = backup?.restoreJob;
/** With a domain on GKE and no gcpDnsManagedZone: the records to create where the domain's DNS is. */
export const dnsRecordsToCreate = platform.dnsRecordsToCreate;
export const grafanaAccess = monitoring?.grafanaAccess;
export const grafanaAdminPassword = monitoring?.grafanaAdminPassword;
/** The volume sizes applied (GB), read back by the next update: volumes only grow. */
export const volumeSizesGb = checkedSizes;
