// Where the database backups go on AWS: a private, encrypted, versioned S3 bucket with a lifecycle,
// written and read through EKS Pod Identity (no access keys anywhere).

import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_TOOL_IMAGES } from "../../stacks/presets";
import { publicHttps, type BackupStore, type BackupStoreRequest, type ExternalEgress, type ObjectStorageTool } from "../platform";
import { backupReaderPolicy, backupWriterPolicy, podIdentityTrustPolicy, tlsOnlyBucketPolicy } from "./iam";

/** The key prefix of the dumps (the lifecycle and both roles are limited to it). */
export const BACKUP_PREFIX = "postgres";


/**
 * The EKS Pod Identity agent: a DaemonSet on the host network answering on the link-local address
 * 169.254.170.23, port 80 (EKS user guide, "Learn how EKS Pod Identity grants pods access to AWS
 * services", agent overview; the SDKs read AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials).
 */
export const POD_IDENTITY_AGENT: ExternalEgress = { cidr: "169.254.170.23/32", port: 80, why: "EKS Pod Identity agent (temporary credentials)" };

/** The AWS CLI's steps. Region given: the nodes' IMDSv2 hop limit of 1 keeps pods from instance metadata. */
export function s3Tool(region: string): ObjectStorageTool {
  return {
    image: BACKUP_TOOL_IMAGES.awsCli,
    // No USER in the image (Amazon Linux); the CLI needs only a writable HOME.
    user: 10001,
    env: { AWS_REGION: region, AWS_EC2_METADATA_DISABLED: "true", AWS_PAGER: "", HOME: "/tmp" },
    upload: ['set -eu', 'for f in "$DUMP_DIR"/voting-*.dump; do', '  aws s3 cp --no-progress "$f" "$BACKUP_URL/${f##*/}"', "done"].join("\n"),
    download: [
      "set -eu",
      'bucket="${BACKUP_URL#s3://}"; prefix="${bucket#*/}"; bucket="${bucket%%/*}"',
      'key="$DUMP"',
      'if [ "$key" = latest ]; then',
      "  key=$(aws s3api list-objects-v2 --bucket \"$bucket\" --prefix \"$prefix/voting-\" --query 'sort_by(Contents || `[]`, &Key)[-1].Key' --output text)",
      '  [ "$key" != None ] || { echo "no dump under $BACKUP_URL" >&2; exit 1; }',
      '  key="${key##*/}"',
      "fi",
      'echo "restoring $BACKUP_URL/$key"',
      'aws s3 cp --no-progress "$BACKUP_URL/$key" "$RESTORE_FILE"',
    ].join("\n"),
  };
}

export interface S3BackupArgs extends BackupStoreRequest {
  readonly region: string;
  /** The Pod Identity agent add-on: associations only work once it runs. */
  readonly podIdentityAgent: pulumi.Resource;
}

/** The bucket, its guard rails, and one Pod Identity role per ServiceAccount. */
export function createS3BackupStore(name: string, args: S3BackupArgs, cluster: eks.Cluster, parent: pulumi.Resource, provider: aws.Provider): BackupStore {
  const opts = { parent, provider };
  // Kept like the database: protected and retained in prod; elsewhere destroyed with its dumps
  // (forceDestroy), as the database volume is.
  const data = { ...opts, protect: args.protectData, retainOnDelete: args.retainData };
  const bucket = new aws.s3.Bucket(`${name}-backups`, { forceDestroy: !args.retainData }, data);
  // One bucket setting after the other: S3 answers concurrent configuration calls on a new bucket
  // with "OperationAborted: A conflicting conditional operation is currently in progress"
  // (hashicorp/terraform-provider-aws#7628 policy + public access block, #33552 versioning + policy).
  let previous: pulumi.Resource = bucket;
  // The settings are kept with the bucket (protect, retainOnDelete): a retained bucket keeps its
  // versioning (deleting aws.s3.BucketVersioning suspends it), public access block, TLS-only policy,
  // encryption default and lifecycle instead of losing them on destroy.
  const next = <T extends pulumi.Resource>(make: (o: pulumi.CustomResourceOptions) => T): T => {
    const r = make({ ...data, dependsOn: [previous] });
    previous = r;
    return r;
  };
  const guards: pulumi.Resource[] = [
    next((o) => new aws.s3.BucketPublicAccessBlock(`${name}-backups`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, o)),
    next((o) => new aws.s3.BucketOwnershipControls(`${name}-backups`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, o)),
    // SSE-S3: encrypted at rest at no cost and with no key policy for the roles to need. A
    // customer-managed KMS key would add $1/month plus requests and kms:GenerateDataKey/Decrypt grants.
    next((o) => new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-backups`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, o)),
    next((o) => new aws.s3.BucketPolicy(`${name}-backups`, { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyBucketPolicy) }, o)),
  ];
  guards.push(next((o) => new aws.s3.BucketVersioning(`${name}-backups`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, o)));
  // S3 applies a lifecycle to versions only once versioning is on (provider docs: depend on it).
  const lifecycle = next((o) => new aws.s3.BucketLifecycleConfiguration(`${name}-backups`, { bucket: bucket.id, rules: [s3RetentionRule(args.retentionDays)] }, o));

  const role = (part: string, sa: string, policy: (arn: string) => string, description: string) => {
    const r = new aws.iam.Role(`${name}-${part}`, { assumeRolePolicy: podIdentityTrustPolicy(), description }, opts);
    const inline = new aws.iam.RolePolicy(`${name}-${part}`, { role: r.id, policy: bucket.arn.apply(policy) }, opts);
    return new aws.eks.PodIdentityAssociation(
      `${name}-${part}`,
      { clusterName: cluster.eksCluster.name, namespace: args.namespace, serviceAccount: sa, roleArn: r.arn },
      { ...opts, dependsOn: [inline, args.podIdentityAgent] },
    );
  };
  const writer = role("backup-writer", args.writerServiceAccount, (arn) => backupWriterPolicy(arn, BACKUP_PREFIX), "Postgres backup CronJob: put dumps (Pod Identity)");
  const reader = role("backup-reader", args.restoreServiceAccount, (arn) => backupReaderPolicy(arn, BACKUP_PREFIX), "Postgres restore Job: list and read dumps (Pod Identity)");

  return {
    type: "objectStorage",
    url: pulumi.interpolate`s3://${bucket.bucket}/${BACKUP_PREFIX}`,
    tool: s3Tool(args.region),
    egress: [POD_IDENTITY_AGENT, publicHttps("S3 regional endpoint over HTTPS (public addresses only)")],
    serviceAccountAnnotations: {},
    dependsOn: [bucket, ...guards, lifecycle, writer, reader],
  };
}

/**
 * Keeps each dump `days` days, and a replaced or deleted one `days` days more as a noncurrent
 * version; unfinished multipart uploads go after a day. Pure: tests read it.
 */
export function s3RetentionRule(days: number): aws.types.input.s3.BucketLifecycleConfigurationRule {
  return {
    id: "retention",
    status: "Enabled",
    filter: { prefix: `${BACKUP_PREFIX}/` },
    expiration: { days },
    noncurrentVersionExpiration: { noncurrentDays: days },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
  };
}
