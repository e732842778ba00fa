// Object storage: buckets hold the database's backups, i.e. every vote. None may be public or
// unencrypted, and each must carry the guard rails the program gives its own (versioning, a
// lifecycle): a bucket made elsewhere in the stack without them is refused too.
//
// S3 splits a bucket's settings over separate resources (public access block, encryption,
// versioning, lifecycle, policy), each naming the bucket: in a real preview a new bucket's name is
// unknown, so they are matched to their bucket through their dependencies, which the analyzer
// gives (and the offline plan records) either way.

import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { arr, obj } from "../lib/json";

const S3_BUCKET = "aws:s3/bucket:Bucket";
const S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const GCS_BUCKET = "gcp:storage/bucket:Bucket";
const PUBLIC_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
/** SSE algorithms S3 accepts (PutBucketEncryption): S3-managed keys, KMS, dual-layer KMS. */
export const S3_SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"] as const;
/** Canned ACLs that grant the public or every AWS account access. */
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

export const bucketsPrivate: ResourceValidationPolicy = {
  name: "storage-bucket-private",
  description: "Buckets are never public: S3 public access blocks set all four flags and no public canned ACL; GCS buckets enforce public access prevention and uniform bucket-level access.",
  validateResource: (args, report) => {
    if (args.type === PUBLIC_ACCESS_BLOCK) {
      const off = PUBLIC_FLAGS.filter((f) => args.props[f] !== true);
      if (off.length) report(`The public access block leaves ${off.join(", ")} off: set all four to true.`);
    }
    if (args.type === S3_BUCKET || args.type === S3_BUCKET_V2 || args.type === "aws:s3/bucketAcl:BucketAcl" || args.type === "aws:s3/bucketAclV2:BucketAclV2") {
      const acl = args.props["acl"];
      if (typeof acl === "string" && PUBLIC_ACLS.includes(acl)) report(`The canned ACL ${acl} opens the bucket beyond its owner.`);
    }
    if (args.type === GCS_BUCKET) {
      if (args.props["publicAccessPrevention"] !== "enforced") report('Set publicAccessPrevention: "enforced" (the default "inherited" lets an IAM grant to allUsers make objects public).');
      if (args.props["uniformBucketLevelAccess"] !== true) report("Set uniformBucketLevelAccess: true (no per-object ACLs).");
    }
  },
};

export const bucketsEncrypted: ResourceValidationPolicy = {
  name: "storage-bucket-encrypted",
  description: `S3 default encryption names a server-side algorithm (${S3_SSE_ALGORITHMS.join(", ")}); GCS buckets are always encrypted (Google-managed or the named KMS key).`,
  validateResource: (args, report) => {
    if (args.type !== SSE) return;
    const rules = arr(args.props["rules"]).map(obj);
    if (rules.length === 0) report("No encryption rule.");
    for (const r of rules) {
      const algorithm = obj(r["applyServerSideEncryptionByDefault"])["sseAlgorithm"];
      if (!(S3_SSE_ALGORITHMS as readonly unknown[]).includes(algorithm)) report(`Encryption algorithm ${JSON.stringify(algorithm)} is not one of ${S3_SSE_ALGORITHMS.join(", ")}.`);
    }
  },
};

/** The S3 settings resources that belong to `bucket`: those depending on it. */
function settingsOf(bucket: PolicyResource, resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type && r.dependencies.some((d) => d.urn === bucket.urn));
}

export const bucketsGuarded: StackValidationPolicy = {
  name: "storage-bucket-guarded",
  description: "Every S3 bucket has a public access block, default encryption, versioning enabled and a lifecycle; every GCS bucket has versioning and a lifecycle (old backups expire, deleted ones can be recovered).",
  validateStack: (args, report) => {
    for (const b of args.resources.filter((r) => r.type === S3_BUCKET || r.type === S3_BUCKET_V2)) {
      const missing: string[] = [];
      if (settingsOf(b, args.resources, PUBLIC_ACCESS_BLOCK).length === 0) missing.push("a public access block");
      if (settingsOf(b, args.resources, SSE).length === 0) missing.push("default encryption");
      const versioning = settingsOf(b, args.resources, VERSIONING);
      if (!versioning.some((v) => obj(v.props["versioningConfiguration"])["status"] === "Enabled")) missing.push("versioning (Enabled)");
      if (settingsOf(b, args.resources, LIFECYCLE).length === 0) missing.push("a lifecycle configuration");
      if (missing.length) report(`${b.name}: the bucket lacks ${missing.join(", ")}.`, b.urn);
    }
    for (const b of args.resources.filter((r) => r.type === GCS_BUCKET)) {
      const missing: string[] = [];
      if (obj(b.props["versioning"])["enabled"] !== true) missing.push("versioning");
      if (arr(b.props["lifecycleRules"]).length === 0) missing.push("a lifecycle rule");
      if (missing.length) report(`${b.name}: the bucket lacks ${missing.join(", ")}.`, b.urn);
    }
  },
};

export const storagePolicies = [bucketsPrivate, bucketsEncrypted, bucketsGuarded];
