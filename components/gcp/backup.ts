// Where the database backups go on GCP: a private, versioned GCS bucket with a lifecycle, written
// and read through Workload Identity Federation for GKE (no service-account keys anywhere).

import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_TOOL_IMAGES } from "../../stacks/presets";
import { publicHttps, type BackupStore, type BackupStoreRequest, type ExternalEgress, type ObjectStorageTool } from "../platform";

export const BACKUP_PREFIX = "postgres";


/**
 * The GKE metadata server, which hands pods their Workload Identity tokens. Pods connect to
 * 169.254.169.254:80; on GKE the request is answered by the node's gke-metadata-server on
 * 169.254.169.252:988, and a NetworkPolicy may see either address depending on the datapath
 * (GKE network policy docs, "Workload Identity Federation for GKE" limitation): both are allowed.
 */
export const GKE_METADATA_SERVER: readonly ExternalEgress[] = [
  { cidr: "169.254.169.254/32", port: 80, why: "GKE metadata server (Workload Identity tokens)" },
  { cidr: "169.254.169.252/32", port: 988, why: "GKE metadata server, as the node answers it" },
];

/** The gcloud CLI's steps: config in a writable directory, no prompts, no parallel composite uploads (they need delete). */
export function gcsTool(): ObjectStorageTool {
  return {
    image: BACKUP_TOOL_IMAGES.googleCloudCli,
    // No USER in the image; gcloud needs only a writable config directory.
    user: 10001,
    env: {
      HOME: "/tmp",
      CLOUDSDK_CONFIG: "/tmp/gcloud",
      CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
      CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED: "False",
    },
    upload: ['set -eu', 'for f in "$DUMP_DIR"/voting-*.dump; do', '  gcloud storage cp "$f" "$BACKUP_URL/${f##*/}"', "done"].join("\n"),
    download: [
      "set -eu",
      'key="$DUMP"',
      'if [ "$key" = latest ]; then',
      '  key=$(gcloud storage ls "$BACKUP_URL/voting-*.dump" | sort | tail -n 1)',
      '  [ -n "$key" ] || { echo "no dump under $BACKUP_URL" >&2; exit 1; }',
      '  key="${key##*/}"',
      "fi",
      'echo "restoring $BACKUP_URL/$key"',
      'gcloud storage cp "$BACKUP_URL/$key" "$RESTORE_FILE"',
    ].join("\n"),
  };
}

/**
 * The IAM principal of one Kubernetes ServiceAccount under Workload Identity Federation for GKE,
 * granted roles directly (no Google service account, no annotation):
 * principal://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<ns>/sa/<ksa>
 * (cloud.google.com/kubernetes-engine/docs/how-to/workload-identity, "Configure authorization and principals").
 */
export function workloadPrincipal(projectNumber: string, project: string, namespace: string, serviceAccount: string): string {
  return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/${namespace}/sa/${serviceAccount}`;
}

/** Keeps each dump `days` days, and a replaced or deleted one `days` days more as a noncurrent version. Pure. */
export function gcsRetentionRules(days: number): gcp.types.input.storage.BucketLifecycleRule[] {
  return [
    { action: { type: "Delete" }, condition: { age: days, withState: "LIVE", matchesPrefixes: [`${BACKUP_PREFIX}/`] } },
    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: days, withState: "ARCHIVED", matchesPrefixes: [`${BACKUP_PREFIX}/`] } },
  ];
}

export interface GcsBackupArgs extends BackupStoreRequest {
  readonly project: string;
  readonly region: string;
}

export function createGcsBackupStore(name: string, args: GcsBackupArgs, opts: pulumi.CustomResourceOptions & { provider: gcp.Provider }): BackupStore {
  const bucket = new gcp.storage.Bucket(
    `${name}-backups`,
    {
      // In the cluster's region: no inter-region transfer, regional Standard storage price.
      location: args.region.toUpperCase(),
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      lifecycleRules: gcsRetentionRules(args.retentionDays),
      // Google-managed encryption at rest (always on); forceDestroy as the database volume is kept.
      forceDestroy: !args.retainData,
    },
    { ...opts, protect: args.protectData, retainOnDelete: args.retainData },
  );
  const projectNumber = gcp.organizations.getProjectOutput({ projectId: args.project }, { provider: opts.provider, dependsOn: opts.dependsOn }).number;
  const grant = (part: string, sa: string, role: string) =>
    new gcp.storage.BucketIAMMember(
      `${name}-${part}`,
      { bucket: bucket.name, role, member: projectNumber.apply((n) => workloadPrincipal(n, args.project, args.namespace, sa)) },
      opts,
    );
  // objectCreator: create objects only (no read, no overwrite, no delete); objectViewer: list and read.
  const writer = grant("backup-writer", args.writerServiceAccount, "roles/storage.objectCreator");
  const reader = grant("backup-reader", args.restoreServiceAccount, "roles/storage.objectViewer");
  return {
    type: "objectStorage",
    url: pulumi.interpolate`gs://${bucket.name}/${BACKUP_PREFIX}`,
    tool: gcsTool(),
    egress: [...GKE_METADATA_SERVER, publicHttps("Cloud Storage API over HTTPS (public addresses; Private Google Access routes them from private nodes)")],
    serviceAccountAnnotations: {},
    dependsOn: [bucket, writer, reader],
  };
}
