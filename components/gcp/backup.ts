// Where the database backups go on GCP: a private, versioned GCS bucket with a lifecycle, written
// and read through Workload Identity Federation for GKE (no service-account keys anywhere).

import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_TOOL_IMAGES } from "../../stacks/presets";
import { publicHttps, type BackupStore, type BackupStoreRequest, type ExternalEgress, type ObjectStorageTool } from "../platform";

export const BACKUP_PREFIX = "postgres";
/** The newest dump again under a fixed name: never expired while live (see gcsRetentionRules). */
export const LATEST_DUMP = "latest.dump";


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

/**
 * The GKE metadata server's token endpoint, by address (no DNS): under Workload Identity Federation
 * it answers with an access token for the pod's Kubernetes ServiceAccount principal.
 */
export const METADATA_TOKEN_URL = "http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token";

/**
 * The upload: one Cloud Storage JSON API objects.insert per dump (uploadType=media, streamed with
 * curl -T), with ifGenerationMatch=0 ("succeed only if there are no live versions of the object":
 * never an overwrite). That call needs storage.objects.create and nothing else, which is all
 * roles/storage.objectCreator grants (cloud.google.com/storage/docs/json_api/v1/objects/insert;
 * IAM permissions for JSON methods: objects.insert -> storage.objects.create, plus
 * storage.objects.delete only to overwrite). Not `gcloud storage cp`: it first GETs the
 * destination object and lists the prefix (googlecloudsdk command_lib/storage/copy_task_iterator.py
 * -> wildcard_iterator.py _try_getting_object_directly / _expand_object_path), so objectCreator alone
 * gets a 403 (GoogleCloudPlatform/gsutil#1889). The image ships curl and python3
 * (GoogleCloudPlatform/cloud-sdk-docker alpine/Dockerfile); the token goes to curl in a header file,
 * never on a command line.
 */
export const GCS_UPLOAD_SCRIPT = [
  "set -eu",
  'bucket="${BACKUP_URL#gs://}"; prefix="${bucket#*/}"; bucket="${bucket%%/*}"',
  "umask 077",
  // put FILE QUERY: a fresh token per upload (the metadata server may hand out a cached token with
  // minutes left), and the API's error body in the Job's log when an upload is refused.
  "put() {",
  `  token=$(curl -sS --fail -H 'Metadata-Flavor: Google' '${METADATA_TOKEN_URL}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')`,
  '  printf "Authorization: Bearer %s\\n" "$token" > /tmp/auth-header',
  '  curl -sS --fail-with-body -X POST -T "$1" -H @/tmp/auth-header -H "Content-Type: application/octet-stream" "https://storage.googleapis.com/upload/storage/v1/b/$bucket/o?uploadType=media$2" > /tmp/upload-response || { cat /tmp/upload-response >&2; exit 1; }',
  "}",
  'for f in "$DUMP_DIR"/voting-*.dump; do',
  '  name="${f##*/}"',
  '  put "$f" "&ifGenerationMatch=0&name=$prefix%2F$name"',
  '  echo "uploaded gs://$bucket/$prefix/$name"',
  // The same dump as latest.dump, replacing the previous one (no precondition: that needs
  // storage.objects.delete, granted on that one object only).
  `  put "$f" "&name=$prefix%2F${LATEST_DUMP}"`,
  `  echo "uploaded gs://$bucket/$prefix/${LATEST_DUMP}"`,
  "done",
].join("\n");

/** The gcloud CLI's steps (the restore) and the JSON API upload: config in a writable directory, no prompts. */
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
    upload: GCS_UPLOAD_SCRIPT,
    download: [
      "set -eu",
      'key="$DUMP"',
      `[ "$key" != latest ] || key=${LATEST_DUMP}`,
      'echo "restoring $BACKUP_URL/$key"',
      'gcloud storage cp "$BACKUP_URL/$key" "$RESTORE_FILE" || { echo "no dump $BACKUP_URL/$key" >&2; exit 1; }',
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

/**
 * Keeps each dump `days` days, and a deleted one `days` days more as a noncurrent version; the live
 * latest.dump never expires (at least the last dump survives N days of failed runs), its replaced
 * generations go after a day. Pure.
 */
export function gcsRetentionRules(days: number): gcp.types.input.storage.BucketLifecycleRule[] {
  const dumps = [`${BACKUP_PREFIX}/voting-`];
  return [
    { action: { type: "Delete" }, condition: { age: days, withState: "LIVE", matchesPrefixes: dumps } },
    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: days, withState: "ARCHIVED", matchesPrefixes: dumps } },
    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 1, withState: "ARCHIVED", matchesPrefixes: [`${BACKUP_PREFIX}/${LATEST_DUMP}`] } },
  ];
}

export interface GcsBackupArgs extends BackupStoreRequest {
  readonly project: string;
  readonly region: string;
  /**
   * The Workload Identity cluster: GKE creates the pool <project>.svc.id.goog with the project's
   * first such cluster, and a grant naming the pool before it exists fails with "Identity Pool does
   * not exist" (googleforgames/global-multiplayer-demo#39, terraform-google-kubernetes-engine#916).
   */
  readonly workloadPoolOwner: pulumi.Resource;
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
  const grant = (part: string, sa: string, role: string, condition?: gcp.types.input.storage.BucketIAMMemberCondition) =>
    new gcp.storage.BucketIAMMember(
      `${name}-${part}`,
      { bucket: bucket.name, role, member: projectNumber.apply((n) => workloadPrincipal(n, args.project, args.namespace, sa)), ...(condition ? { condition } : {}) },
      { ...opts, dependsOn: [args.workloadPoolOwner] },
    );
  // objectCreator: create objects only (no read, no overwrite, no delete); objectViewer: list and read.
  const writer = grant("backup-writer", args.writerServiceAccount, "roles/storage.objectCreator");
  const reader = grant("backup-reader", args.restoreServiceAccount, "roles/storage.objectViewer");
  // Replacing latest.dump needs storage.objects.delete: roles/storage.objectUser on that one object
  // only (IAM condition on resource.name, cloud.google.com/storage/docs/access-control/iam#conditions).
  // It can read back that dump, which holds nothing the pod's own database credentials do not.
  const latest = grant("backup-latest", args.writerServiceAccount, "roles/storage.objectUser", {
    title: "latest-dump-only",
    description: "Replace the latest dump, nothing else",
    expression: pulumi.interpolate`resource.name == "projects/_/buckets/${bucket.name}/objects/${BACKUP_PREFIX}/${LATEST_DUMP}"`,
  });
  return {
    type: "objectStorage",
    url: pulumi.interpolate`gs://${bucket.name}/${BACKUP_PREFIX}`,
    tool: gcsTool(),
    egress: [...GKE_METADATA_SERVER, publicHttps("Cloud Storage API over HTTPS (public addresses; Private Google Access routes them from private nodes)")],
    serviceAccountAnnotations: {},
    dependsOn: [bucket, writer, reader, latest],
  };
}
