// Scheduled logical backups of the votes, and the Job that restores one.
//
// A CronJob in the app's namespace runs pg_dump (custom format: compressed, restorable table by
// table) with the same pinned postgres image as the database, into a scratch volume; a second
// container copies the dump to object storage with the cloud's CLI, credentials coming from the
// cloud's workload identity (EKS Pod Identity, GKE Workload Identity Federation) through the pod's
// own ServiceAccount. On an existing cluster the dump is written to a volume and dumps older than
// the retention are removed. The pure functions below are what tests read; the component wires them.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { BackupStore, ExternalEgress, ObjectStorageTool } from "../platform";
import { IMAGE_PROFILES, containerSecurityContext } from "./images";
import { DB_SECRET, PORTS, SERVICE_NAMES, labels, selector, to, type Workload } from "./manifests";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export const BACKUP_SERVICE_ACCOUNT = "postgres-backup";
export const RESTORE_SERVICE_ACCOUNT = "postgres-restore";
/** The claim that holds the dumps where there is no object storage (an existing cluster). */
export const BACKUP_CLAIM = "postgres-backups";
export const BACKUP_CRONJOB = "postgres-backup";
export const RESTORE_JOB = "postgres-restore";

const DUMP_DIR = "/backup";
const RESTORE_FILE = "/restore/voting.dump";
/** How long one run may take before Kubernetes stops it: a dump of the votes takes seconds. */
export const BACKUP_DEADLINE_SECONDS = 3600;

/** Where the dumps go, as the jobs see it (the store, with outputs resolved for the restore template). */
export type ResolvedStore = { readonly type: "objectStorage"; readonly url: pulumi.Input<string>; readonly tool: ObjectStorageTool; readonly egress: readonly ExternalEgress[] } | { readonly type: "volume" };

const BACKUP_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
// The cloud CLIs are Python programs: more memory than pg_dump.
const TOOL_RESOURCES = { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };

/** libpq's environment: host db (the Service the app uses), credentials from the database's Secret. */
function libpqEnv(): Container["env"] {
  const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: DB_SECRET, key } } });
  return [
    { name: "PGHOST", value: SERVICE_NAMES.db },
    { name: "PGPORT", value: String(PORTS.postgres) },
    { name: "PGDATABASE", value: "postgres" },
    { name: "PGUSER", ...fromSecret("username") },
    { name: "PGPASSWORD", ...fromSecret("password") },
  ];
}

const scratch = (name: string, sizeLimit = "64Mi") => ({ name, emptyDir: { sizeLimit } });

/** The postgres image's container settings (user 70, read-only root, /tmp writable). */
function postgresContainer(name: string, image: pulumi.Input<string>, script: string, extra: Partial<Container> = {}): Container {
  return {
    name,
    image,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", script],
    resources: BACKUP_RESOURCES,
    securityContext: containerSecurityContext("postgres"),
    ...extra,
    env: [...(libpqEnv() ?? []) as object[], ...((extra.env as object[] | undefined) ?? [])] as Container["env"],
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...((extra.volumeMounts as object[] | undefined) ?? [])] as Container["volumeMounts"],
  };
}

function toolContainer(name: string, tool: ObjectStorageTool, script: string, env: Record<string, pulumi.Input<string>>, mounts: Container["volumeMounts"]): Container {
  return {
    name,
    image: tool.image,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", script],
    env: Object.entries({ ...tool.env, ...env }).map(([n, value]) => ({ name: n, value })),
    resources: TOOL_RESOURCES,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: tool.user,
      runAsGroup: tool.user,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...((mounts as object[] | undefined) ?? [])] as Container["volumeMounts"],
  };
}

/**
 * pg_dump to a temporary name, renamed only once complete: a failed run never leaves a file that
 * looks like a dump. Custom format is compressed (zlib) and restorable with pg_restore.
 */
export const DUMP_SCRIPT = [
  "set -eu",
  'name="voting-$(date -u +%Y%m%dT%H%M%SZ).dump"',
  'pg_dump --format=custom --file="$DUMP_DIR/.partial"',
  'mv "$DUMP_DIR/.partial" "$DUMP_DIR/$name"',
  'echo "dumped $name, $(wc -c < "$DUMP_DIR/$name") bytes"',
].join("\n");

/** Removes dumps older than `days` days from the volume (find -mtime +n: more than n+1 whole days). */
export function pruneScript(days: number): string {
  return ["set -eu", `find "$DUMP_DIR" -maxdepth 1 -name 'voting-*.dump' -mtime +${days - 1} -print -delete`, 'ls -l "$DUMP_DIR"'].join("\n");
}

/** Pod security shared by both jobs: non-root, seccomp, group 70 (postgres) on the volumes so every container reads the dump. */
function jobPod(serviceAccountName: string, containers: Container[], initContainers: Container[], volumes: PodSpec["volumes"]): PodSpec {
  return {
    serviceAccountName,
    // Neither job talks to the Kubernetes API. EKS Pod Identity mounts its own audience-bound token;
    // the GKE metadata server identifies the pod without one.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    restartPolicy: "Never",
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, fsGroup: IMAGE_PROFILES.postgres.group, fsGroupChangePolicy: "OnRootMismatch" },
    ...(initContainers.length ? { initContainers } : {}),
    containers,
    volumes,
  };
}

/** The backup CronJob's pod: dump, then upload (object storage) or prune (volume). */
export function backupPod(postgresImage: pulumi.Input<string>, store: ResolvedStore, retentionDays: number, databaseGb: number): PodSpec {
  const dumpEnv = [{ name: "DUMP_DIR", value: DUMP_DIR }];
  const dumpMount = [{ name: "dumps", mountPath: DUMP_DIR }];
  const dump = postgresContainer("dump", postgresImage, DUMP_SCRIPT, { env: dumpEnv, volumeMounts: dumpMount });
  if (store.type === "volume") {
    const prune = postgresContainer("prune", postgresImage, pruneScript(retentionDays), { env: dumpEnv, volumeMounts: dumpMount });
    return jobPod(BACKUP_SERVICE_ACCOUNT, [prune], [dump], [scratch("tmp"), { name: "dumps", persistentVolumeClaim: { claimName: BACKUP_CLAIM } }]);
  }
  const upload = toolContainer("upload", store.tool, store.tool.upload, { DUMP_DIR, BACKUP_URL: store.url }, [{ name: "dumps", mountPath: DUMP_DIR, readOnly: true }]);
  // A compressed dump is far smaller than the database; its volume bounds the scratch space.
  return jobPod(BACKUP_SERVICE_ACCOUNT, [upload], [dump], [scratch("tmp"), scratch("dumps", `${databaseGb}Gi`)]);
}

/**
 * The restore: fetch the chosen dump (`DUMP`: a file name, or `latest`), then pg_restore it into
 * db in one transaction, dropping and recreating what the dump contains (--clean --if-exists):
 * the votes table is exactly as it was at the dump, or, on any error, as it was before.
 */
export const RESTORE_SCRIPT = [
  "set -eu",
  'pg_restore --list "$RESTORE_FILE" > /dev/null',
  'pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$PGDATABASE" "$RESTORE_FILE"',
  'echo "restored into $PGHOST/$PGDATABASE"',
].join("\n");

const RESTORE_FROM_VOLUME = [
  "set -eu",
  'if [ "$DUMP" = latest ]; then RESTORE_FILE=$(ls -1 "$DUMP_DIR"/voting-*.dump | tail -n 1); else RESTORE_FILE="$DUMP_DIR/$DUMP"; fi',
  'echo "restoring $RESTORE_FILE"',
  "export RESTORE_FILE",
  ...RESTORE_SCRIPT.split("\n").slice(1),
].join("\n");

export function restorePod(postgresImage: pulumi.Input<string>, store: ResolvedStore, dump: string, databaseGb: number): PodSpec {
  if (store.type === "volume") {
    const restore = postgresContainer("restore", postgresImage, RESTORE_FROM_VOLUME, {
      env: [{ name: "DUMP_DIR", value: DUMP_DIR }, { name: "DUMP", value: dump }],
      volumeMounts: [{ name: "dumps", mountPath: DUMP_DIR, readOnly: true }],
    });
    return jobPod(RESTORE_SERVICE_ACCOUNT, [restore], [], [scratch("tmp"), { name: "dumps", persistentVolumeClaim: { claimName: BACKUP_CLAIM, readOnly: true } }]);
  }
  const restoreDir = RESTORE_FILE.slice(0, RESTORE_FILE.lastIndexOf("/"));
  const fetch = toolContainer("fetch", store.tool, store.tool.download, { BACKUP_URL: store.url, DUMP: dump, RESTORE_FILE }, [{ name: "restore", mountPath: restoreDir }]);
  const restore = postgresContainer("restore", postgresImage, RESTORE_SCRIPT, { env: [{ name: "RESTORE_FILE", value: RESTORE_FILE }], volumeMounts: [{ name: "restore", mountPath: restoreDir, readOnly: true }] });
  return jobPod(RESTORE_SERVICE_ACCOUNT, [restore], [fetch], [scratch("tmp"), scratch("restore", `${databaseGb}Gi`)]);
}

/** The CronJob's spec: one run at a time, bounded history and run time, UTC. */
export function backupCronJobSpec(schedule: string, pod: PodSpec): k8s.types.input.batch.v1.CronJobSpec {
  return {
    schedule,
    timeZone: "Etc/UTC",
    // A run still going when the next is due: skip the next rather than dump twice at once.
    concurrencyPolicy: "Forbid",
    // Missed by more than an hour (controller down, cluster upgrade): wait for the next slot.
    startingDeadlineSeconds: 3600,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobTemplate: {
      metadata: { labels: labels("postgres-backup") },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
        template: { metadata: { labels: labels("postgres-backup") }, spec: pod },
      },
    },
  };
}

/** The restore Job as a manifest (what `pulumi stack output restoreJob` prints). */
export function restoreJobManifest(namespace: string, pod: PodSpec): Record<string, unknown> {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: RESTORE_JOB, namespace, labels: labels("postgres-restore") },
    spec: {
      // One attempt: a failed restore changed nothing (single transaction); read its log first.
      backoffLimit: 0,
      activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
      ttlSecondsAfterFinished: 86400,
      template: { metadata: { labels: labels("postgres-restore") }, spec: pod },
    },
  };
}

/** A backup pod's NetworkPolicy: no ingress; egress to db and what the store needs (DNS: allow-dns). */
export function backupNetworkPolicy(workload: Extract<Workload, "postgres-backup" | "postgres-restore">, egress: readonly ExternalEgress[]): NetworkPolicySpec {
  return {
    podSelector: { matchLabels: selector(workload) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: [
      to("db", PORTS.postgres),
      ...egress.map((e) => ({ to: [{ ipBlock: { cidr: e.cidr, ...(e.except?.length ? { except: [...e.except] } : {}) } }], ports: [{ protocol: "TCP", port: e.port }] })),
    ],
  };
}

export interface DatabaseBackupArgs {
  readonly namespace: string;
  readonly postgresImage: pulumi.Input<string>;
  /** Cron expression, UTC. */
  readonly schedule: string;
  readonly retentionDays: number;
  /** Bounds the scratch space for a dump, and sizes the backup volume where there is no object storage. */
  readonly databaseStorageGb: number;
  readonly storageClassName: pulumi.Input<string>;
  readonly store: BackupStore;
  readonly retainData: boolean;
  readonly protectData: boolean;
  /** What every object waits for: the platform's readiness, the admission bindings, the app (its namespace and database). */
  readonly waitFor: readonly pulumi.Resource[];
}

/** The backup CronJob, its ServiceAccounts and NetworkPolicies, and the restore Job's template as an output. */
export class DatabaseBackup extends pulumi.ComponentResource {
  /** Where the dumps are: the bucket URL and prefix, or the claim. */
  readonly location: pulumi.Output<string>;
  /** The restore Job's manifest (YAML), restoring the newest dump unless DUMP is changed. */
  readonly restoreJob: pulumi.Output<string>;

  constructor(name: string, args: DatabaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:app:DatabaseBackup", name, {}, opts);
    const store = args.store;
    const storeDeps = store.type === "objectStorage" ? [...store.dependsOn] : [];
    const o = { parent: this, dependsOn: [...args.waitFor] };
    const meta = (objName: string, workload: Workload, annotations: Record<string, string> = {}) => ({
      name: objName,
      namespace: args.namespace,
      labels: labels(workload),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    });
    const annotations = store.type === "objectStorage" ? { ...store.serviceAccountAnnotations } : {};
    const writer = new k8s.core.v1.ServiceAccount(`${name}-writer`, { metadata: meta(BACKUP_SERVICE_ACCOUNT, "postgres-backup", annotations), automountServiceAccountToken: false }, o);
    new k8s.core.v1.ServiceAccount(`${name}-reader`, { metadata: meta(RESTORE_SERVICE_ACCOUNT, "postgres-restore", annotations), automountServiceAccountToken: false }, o);

    const egress = store.type === "objectStorage" ? store.egress : [];
    for (const workload of ["postgres-backup", "postgres-restore"] as const) {
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${workload}`, { metadata: { ...meta(workload, workload), labels: labels(undefined, "network-policy") }, spec: backupNetworkPolicy(workload, egress) }, o);
    }

    const deps: pulumi.Resource[] = [writer, ...storeDeps];
    if (store.type === "volume") {
      const claim = new k8s.core.v1.PersistentVolumeClaim(
        `${name}-claim`,
        {
          // skipAwait: a WaitForFirstConsumer class (kind's, GKE's, EKS's) binds the claim only when the first backup pod is scheduled.
          metadata: { ...meta(BACKUP_CLAIM, "postgres-backup"), annotations: { "pulumi.com/skipAwait": "true" } },
          spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClassName, resources: { requests: { storage: `${args.databaseStorageGb}Gi` } } },
        },
        // A claim's size change is a replacement for Pulumi (and would lose the dumps): the size is
        // the database's at creation, kept when the database grows (dumps are far smaller).
        { ...o, protect: args.protectData, retainOnDelete: args.retainData, ignoreChanges: ["spec.resources"] },
      );
      deps.push(claim);
    }
    const resolved: ResolvedStore = store.type === "objectStorage" ? { type: "objectStorage", url: store.url, tool: store.tool, egress: store.egress } : { type: "volume" };
    new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      { metadata: meta(BACKUP_CRONJOB, "postgres-backup"), spec: backupCronJobSpec(args.schedule, backupPod(args.postgresImage, resolved, args.retentionDays, args.databaseStorageGb)) },
      { ...o, dependsOn: [...o.dependsOn, ...deps] },
    );

    this.location = store.type === "objectStorage" ? store.url : pulumi.output(`PersistentVolumeClaim ${args.namespace}/${BACKUP_CLAIM}`);
    this.restoreJob = pulumi.all([pulumi.output(args.postgresImage), store.type === "objectStorage" ? store.url : pulumi.output("")]).apply(([image, url]) => {
      const s: ResolvedStore = store.type === "objectStorage" ? { ...resolved, url } as ResolvedStore : resolved;
      // Literal blocks, unwrapped: the scripts read as they run.
      return stringify(restoreJobManifest(args.namespace, restorePod(image, s, "latest", args.databaseStorageGb)), { lineWidth: 0, blockQuote: "literal" });
    });
    this.registerOutputs({ location: this.location, restoreJob: this.restoreJob });
  }
}
