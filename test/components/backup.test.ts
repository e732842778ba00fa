// Database backups: the CronJob, its storage per cloud (bucket, identity, retention), the traffic
// it may make, the restore Job's template, the config keys and the cost lines.

import type * as aws from "@pulumi/aws";
import type * as gcp from "@pulumi/gcp";
import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { parser } from "@prometheus-io/lezer-promql";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { BACKUP_PREFIX, LATEST_DUMP, s3RetentionRules, s3Tool } from "../../components/aws/backup";
import { GCS_UPLOAD_SCRIPT, METADATA_TOKEN_URL, gcsRetentionRules, gcsTool, workloadPrincipal } from "../../components/gcp/backup";
import { backupMaxAgeHours, backupMissingExpr } from "../../components/monitoring/rules";
import { DUMP_SCRIPT, RESTORE_SCRIPT, pruneScript } from "../../components/voting-app/backup";
import { networkPolicies } from "../../components/voting-app/manifests";
import { backupBuckets, estimateCost } from "../../estimates/cost";
import { type Obj, arr, obj } from "../../lib/json";
import { evaluatePolicies } from "../../plan/policy";
import type { PlanDocument, ResourceRecord } from "../../plan/record";
import { IDENTITY_WEBHOOK_ENV, noSecretLiterals } from "../../policy/kubernetes";
import { policies } from "../../policy/policies";
import { CRON_MACROS, cronProblem, runsPerDay } from "../../stacks/cron";
import { BACKUP_TOOL_IMAGES, DEFAULT_IMAGES, ENVIRONMENT_DEFAULTS, imageFor } from "../../stacks/presets";
import { validateSettings } from "../../stacks/validate";
import { admit } from "../helpers/admission";
import { validateObject } from "../helpers/k8s-schema";
import { type Endpoint, type Policy, allows } from "../helpers/network-policy";
import { ROOT, planJson, runPlan } from "../helpers/plan";
import { all, dependencyClosure, find, inputsOf } from "../helpers/records";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

const CRONJOB = "kubernetes:batch/v1:CronJob";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const cronJob = (d: PlanDocument) => find(d, CRONJOB);
const cronSpec = (d: PlanDocument) => inputsOf<k8s.batch.v1.CronJobArgs>(cronJob(d)).spec as Obj;
const backupPodOf = (d: PlanDocument) => obj(obj(obj(obj(cronSpec(d)["jobTemplate"])["spec"])["template"])["spec"]) as PodSpec & Obj;
const containersOf = (p: PodSpec) => [...((p.initContainers ?? []) as Container[]), ...((p.containers ?? []) as Container[])];
const env = (c: Container) => Object.fromEntries(((c.env ?? []) as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const dbImage = (d: PlanDocument) => String(((obj(obj(obj(find(d, "kubernetes:apps/v1:StatefulSet").inputs["spec"])["template"])["spec"])["containers"]) as Container[])[0]!.image);
const restoreJob = (d: PlanDocument) => parse(String(d.outputs["restoreJob"])) as Obj;
const restorePodOf = (d: PlanDocument) => obj(obj(obj(restoreJob(d)["spec"])["template"])["spec"]) as PodSpec & Obj;

/** The app namespace's NetworkPolicies as the API server would hold them. */
const policiesOf = (d: PlanDocument): Policy[] => all(d, NETPOL).map((r) => ({ namespace: String(obj(r.inputs["metadata"])["namespace"]), spec: obj(r.inputs["spec"]) }));
const pod = (name: string): Endpoint => ({ pod: { "app.kubernetes.io/name": name }, namespace: "voting" });
const KUBE_DNS: Endpoint = { pod: { "k8s-app": "kube-dns" }, namespace: "kube-system" };
const ip = (address: string): Endpoint => ({ ip: address });

describe("database backups: the CronJob", () => {
  for (const stack of ["dev", "gcp-dev", "local"] as const) {
    it(`${stack}: daily at 03:17 UTC, one run at a time, bounded history and run time, its own ServiceAccount`, () => {
      const d = planJson(stack);
      const spec = cronSpec(d);
      assert.equal(spec["schedule"], "17 3 * * *");
      assert.equal(spec["timeZone"], "Etc/UTC");
      assert.equal(spec["concurrencyPolicy"], "Forbid");
      assert.deepEqual([spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]], [3, 3]);
      assert.equal(typeof spec["startingDeadlineSeconds"], "number");
      const job = obj(obj(spec["jobTemplate"])["spec"]);
      assert.ok(Number(job["activeDeadlineSeconds"]) > 0 && Number(job["activeDeadlineSeconds"]) <= 3600);
      assert.ok(Number(job["backoffLimit"]) <= 3);
      const p = backupPodOf(d);
      assert.equal(p.serviceAccountName, "postgres-backup");
      assert.equal(p.restartPolicy, "Never");
      const sa = all(d, "kubernetes:core/v1:ServiceAccount").map((r) => obj(r.inputs["metadata"])["name"]).sort();
      assert.deepEqual(sa, ["postgres-backup", "postgres-restore"]);
    });

    it(`${stack}: pg_dump (custom format, compressed) with the database's own pinned image, the password from its Secret`, () => {
      const d = planJson(stack);
      const [dump] = (backupPodOf(d).initContainers ?? []) as Container[];
      assert.equal(dump!.name, "dump");
      assert.equal(dump!.image, dbImage(d), "the same postgres image as db: pg_dump matches the server");
      assert.deepEqual((dump!.command as string[]).slice(0, 2), ["/bin/sh", "-c"]);
      assert.match(String((dump!.command as string[])[2]), /pg_dump --format=custom/);
      assert.deepEqual(env(dump!)["PGPASSWORD"], { secretKeyRef: { name: "db-credentials", key: "password" } });
      assert.equal(env(dump!)["PGHOST"], "db");
    });

    it(`${stack}: every container non-root, read-only root filesystem, no capabilities; images pinned by digest`, () => {
      const d = planJson(stack);
      for (const p of [backupPodOf(d), restorePodOf(d)]) {
        assert.equal(p.automountServiceAccountToken, false);
        for (const c of containersOf(p)) {
          const sc = c.securityContext as Obj;
          assert.equal(sc["readOnlyRootFilesystem"], true, String(c.name));
          assert.equal(sc["runAsNonRoot"], true);
          assert.notEqual(sc["runAsUser"], 0);
          assert.equal(sc["allowPrivilegeEscalation"], false);
          assert.deepEqual(obj(sc["capabilities"])["drop"], ["ALL"]);
          assert.match(String(c.image), /@sha256:[0-9a-f]{64}$/, String(c.name));
          assert.ok(((c.volumeMounts ?? []) as { mountPath: string }[]).some((m) => m.mountPath === "/tmp"), "a writable /tmp");
        }
      }
    });
  }

  it("uploads with the cloud's CLI from its vendor's registry (no Docker Hub limit); prunes old dumps on a volume", () => {
    const upload = (stack: string) => ((backupPodOf(planJson(stack)).containers ?? []) as Container[])[0]!;
    assert.equal(upload("dev").image, BACKUP_TOOL_IMAGES.awsCli);
    assert.match(String(upload("dev").image), /^public\.ecr\.aws\//);
    assert.equal(env(upload("dev"))["AWS_REGION"], "us-east-1");
    assert.equal(upload("gcp-prod").image, BACKUP_TOOL_IMAGES.googleCloudCli);
    assert.match(String(upload("gcp-prod").image), /^gcr\.io\//);
    for (const s of ["dev", "gcp-prod"]) {
      assert.match(String(env(upload(s))["BACKUP_URL"]), /^(s3|gs):\/\/[a-z0-9-]+\/postgres$/);
      // No credentials anywhere: workload identity only.
      assert.deepEqual(Object.keys(env(upload(s))).filter((k) => /KEY|SECRET|CREDENTIALS|TOKEN/.test(k)), []);
    }
    const local = planJson("local");
    const prune = ((backupPodOf(local).containers ?? []) as Container[])[0]!;
    assert.equal(prune.image, imageFor(DEFAULT_IMAGES.postgres, "existing", ""));
    assert.equal((prune.command as string[])[2], pruneScript(ENVIRONMENT_DEFAULTS.dev.backupRetentionDays));
    assert.match(pruneScript(7), /-mtime \+6 /, "older than 7 whole days");
    const volumes = (backupPodOf(local).volumes ?? []) as unknown as Obj[];
    assert.deepEqual(volumes.find((v) => v["name"] === "dumps"), { name: "dumps", persistentVolumeClaim: { claimName: "postgres-backups" } });
    const claim = find(local, "kubernetes:core/v1:PersistentVolumeClaim");
    assert.deepEqual(obj(claim.inputs["spec"]), { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "2Gi" } } });
    assert.equal(local.outputs["backupLocation"], "PersistentVolumeClaim voting/postgres-backups");
    assert.deepEqual(claim.options.ignoreChanges, ["spec.resources"], "a size change would replace the claim and its dumps");
  });

  it("writes the dump under a temporary name and renames it only when pg_dump succeeded", () => {
    const lines = DUMP_SCRIPT.split("\n");
    assert.equal(lines[0], "set -eu");
    assert.ok(lines.findIndex((l) => l.startsWith("pg_dump")) < lines.findIndex((l) => l.startsWith("mv ")));
    assert.match(DUMP_SCRIPT, /\.partial/);
  });

  it("waits for the platform's readiness, the admission bindings, and the store's identity bindings", () => {
    const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
    const cases: [string, [string, RegExp][]][] = [
      ["dev", [["eks:index:ManagedNodeGroup", /./], ["aws:eks/addon:Addon", /coredns/], ["aws:eks/podIdentityAssociation:PodIdentityAssociation", /backup/], ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", /./]]],
      ["gcp-prod", [["gcp:container/nodePool:NodePool", /./], ["gcp:storage/bucketIAMMember:BucketIAMMember", /./], ["gcp:storage/bucket:Bucket", /./]]],
      ["local", [["kubernetes:core/v1:PersistentVolumeClaim", /./]]],
    ];
    for (const [stack, wanted] of cases) {
      const d = planJson(stack);
      const deps = dependencyClosure(d, cronJob(d).urn);
      for (const [type, name] of [...wanted, [BINDING, /./] as [string, RegExp]]) {
        const required = all(d, type).filter((r) => name.test(r.name));
        assert.ok(required.length > 0, `${stack}: some ${type}`);
        assert.deepEqual(required.filter((r) => !deps.has(r.urn)).map((r) => r.name), [], `${stack}: the CronJob waits for every ${type}`);
      }
      assert.ok(deps.has(find(d, "kubernetes:core/v1:Namespace", "voting-ns").urn), `${stack}: after the app's namespace`);
      assert.ok(deps.has(find(d, "kubernetes:core/v1:Secret", "voting-db-credentials").urn), `${stack}: after the database's Secret`);
      // Not after the app's load balancers: the backup needs none, and the deploy would wait minutes longer.
      assert.deepEqual(all(d, "kubernetes:networking.k8s.io/v1:Ingress").filter((r) => deps.has(r.urn)).map((r) => r.name), [], `${stack}: the Ingresses`);
    }
  });
});

describe("database backups: NetworkPolicy flows", () => {
  const flows = (stack: string) => {
    const p = policiesOf(planJson(stack));
    return { p, ok: (from: Endpoint, to: Endpoint, port: number, proto = "TCP") => allows(p, from, to, port, proto) };
  };

  for (const stack of ["dev", "gcp-dev", "local"] as const) {
    it(`${stack}: the backup and restore pods reach db:5432 and DNS, nothing else in the cluster; nobody reaches them`, () => {
      const { ok } = flows(stack);
      for (const w of ["postgres-backup", "postgres-restore"]) {
        assert.ok(ok(pod(w), pod("db"), 5432), `${w} -> db:5432`);
        assert.ok(ok(pod(w), KUBE_DNS, 53, "UDP"), `${w} -> DNS`);
        assert.ok(!ok(pod(w), pod("db"), 5433), `${w} -> db:5433`);
        assert.ok(!ok(pod(w), pod("redis"), 6379), `${w} -> redis`);
        assert.ok(!ok(pod(w), pod("vote"), 80), `${w} -> vote`);
        assert.ok(!ok(pod(w), ip("10.0.12.5"), 443), `${w} -> a private address on 443`);
        assert.ok(!ok(pod(w), ip("203.0.113.9"), 80), `${w} -> the internet on 80`);
        for (const from of ["worker", "vote", "db"]) assert.ok(!ok(pod(from), pod(w), 8080), `${from} -> ${w}`);
      }
      // The db admits exactly its clients: a pod with another name is still refused.
      assert.ok(!ok(pod("redis"), pod("db"), 5432));
      assert.ok(ok(pod("worker"), pod("db"), 5432));
    });
  }

  it("dev (EKS): the Pod Identity agent and S3 over HTTPS on public addresses; never instance metadata", () => {
    const { ok } = flows("dev");
    for (const w of ["postgres-backup", "postgres-restore"]) {
      assert.ok(ok(pod(w), ip("169.254.170.23"), 80), "Pod Identity agent");
      assert.ok(ok(pod(w), ip("52.216.10.1"), 443), "S3 (a public address)");
      assert.ok(!ok(pod(w), ip("169.254.169.254"), 80), "IMDS");
      assert.ok(!ok(pod(w), ip("169.254.170.23"), 443));
      assert.ok(!ok(pod(w), ip("172.20.0.10"), 443), "a private range");
    }
  });

  it("gcp-dev (GKE): the metadata server (both addresses Dataplane V2 may see) and Cloud Storage over HTTPS", () => {
    const { ok } = flows("gcp-dev");
    assert.ok(ok(pod("postgres-backup"), ip("169.254.169.254"), 80));
    assert.ok(ok(pod("postgres-backup"), ip("169.254.169.252"), 988));
    assert.ok(ok(pod("postgres-backup"), ip("142.250.72.16"), 443));
    assert.ok(!ok(pod("postgres-backup"), ip("169.254.170.23"), 80), "not EKS's agent");
    assert.ok(!ok(pod("postgres-backup"), ip("10.16.0.7"), 443), "not a pod on 443");
  });

  it("local: no egress beyond db and DNS (the dumps stay on a volume)", () => {
    const { ok } = flows("local");
    assert.ok(!ok(pod("postgres-backup"), ip("142.250.72.16"), 443));
    assert.ok(!ok(pod("postgres-backup"), ip("169.254.169.254"), 80));
  });

  it("the db admits the backup pods only when backups are on", () => {
    const from = (on: boolean) => (obj(arr(networkPolicies("monitoring", on)["db"]!.ingress)[0])["from"] as Obj[]).map((p) => obj(obj(p["podSelector"])["matchLabels"])["app.kubernetes.io/name"]);
    assert.deepEqual(from(false), ["worker", "result", "postgres-exporter"]);
    assert.deepEqual(from(true), ["worker", "result", "postgres-exporter", "postgres-backup", "postgres-restore"]);
  });
});

describe("database backups: S3 on AWS", () => {
  const byType = (d: PlanDocument, type: string) => find(d, type);

  for (const [stack, env] of [["dev", "dev"], ["staging", "staging"], ["prod", "prod"]] as const) {
    it(`${stack}: private, encrypted, versioned, TLS-only, kept ${ENVIRONMENT_DEFAULTS[env].backupRetentionDays} days`, () => {
      const d = planJson(stack);
      const pab = inputsOf<aws.s3.BucketPublicAccessBlockArgs>(byType(d, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"));
      assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
      const sse = inputsOf<aws.s3.BucketServerSideEncryptionConfigurationArgs>(byType(d, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"));
      assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      assert.deepEqual(inputsOf<aws.s3.BucketVersioningArgs>(byType(d, "aws:s3/bucketVersioning:BucketVersioning")).versioningConfiguration, { status: "Enabled" });
      assert.deepEqual(inputsOf<aws.s3.BucketOwnershipControlsArgs>(byType(d, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")).rule, { objectOwnership: "BucketOwnerEnforced" });
      const days = ENVIRONMENT_DEFAULTS[env].backupRetentionDays;
      const lifecycle = byType(d, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      assert.deepEqual(inputsOf<aws.s3.BucketLifecycleConfigurationArgs>(lifecycle).rules, JSON.parse(JSON.stringify(s3RetentionRules(days))));
      assert.deepEqual(s3RetentionRules(days)[0]!.expiration, { days });
      assert.deepEqual(s3RetentionRules(days)[0]!.noncurrentVersionExpiration, { noncurrentDays: days });
      assert.ok(lifecycle.dependsOn.includes(byType(d, "aws:s3/bucketVersioning:BucketVersioning").urn), "after versioning");
      // One setting after the other (S3: OperationAborted on concurrent configuration of a new bucket).
      const chain = ["bucketPublicAccessBlock:BucketPublicAccessBlock", "bucketOwnershipControls:BucketOwnershipControls", "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucketPolicy:BucketPolicy", "bucketVersioning:BucketVersioning", "bucketLifecycleConfiguration:BucketLifecycleConfiguration"].map((t) => byType(d, `aws:s3/${t}`));
      for (let i = 1; i < chain.length; i++) assert.ok(chain[i]!.dependsOn.includes(chain[i - 1]!.urn), `${chain[i]!.type} after ${chain[i - 1]!.type}`);
      const policy = JSON.parse(String(inputsOf<aws.s3.BucketPolicyArgs>(byType(d, "aws:s3/bucketPolicy:BucketPolicy")).policy)) as { Statement: Obj[] };
      assert.deepEqual(policy.Statement.map((s) => [s["Effect"], obj(obj(s["Condition"])["Bool"])["aws:SecureTransport"]]), [["Deny", "false"]]);
      const bucket = byType(d, "aws:s3/bucket:Bucket");
      assert.equal(inputsOf<aws.s3.BucketArgs>(bucket).forceDestroy, env !== "prod", "destroyed with its dumps only where the database volume is too");
      assert.equal(bucket.options.protect, env === "prod");
      assert.equal(bucket.options.retainOnDelete, env === "prod");
      assert.match(String(d.outputs["backupLocation"]), /^s3:\/\/[a-z0-9-]+\/postgres$/);
    });
  }

  it("two Pod Identity roles: the CronJob may only put dumps, the restore Job may only list and read them", () => {
    const d = planJson("dev");
    const policy = (name: string) => JSON.parse(String(inputsOf<aws.iam.RolePolicyArgs>(find(d, "aws:iam/rolePolicy:RolePolicy", name)).policy)) as { Statement: { Action: string[]; Resource: string | string[]; Condition?: Obj }[] };
    const writer = policy("dev-backup-writer").Statement;
    assert.deepEqual(writer.flatMap((s) => s.Action), ["s3:PutObject"]);
    assert.match(String(writer[0]!.Resource), new RegExp(`^arn:aws:s3:::dev-backups-[a-z0-9]+/${BACKUP_PREFIX}/\\*$`));
    const reader = policy("dev-backup-reader").Statement;
    assert.deepEqual(reader.flatMap((s) => s.Action).sort(), ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]);
    assert.deepEqual(obj(reader.find((s) => s.Action.includes("s3:ListBucket"))!.Condition)["StringLike"], { "s3:prefix": ["postgres/*"] });
    for (const name of ["dev-backup-writer", "dev-backup-reader"]) {
      const trust = JSON.parse(String(inputsOf<aws.iam.RoleArgs>(find(d, "aws:iam/role:Role", name)).assumeRolePolicy)) as { Statement: Obj[] };
      assert.deepEqual(trust.Statement[0]!["Principal"], { Service: "pods.eks.amazonaws.com" });
    }
    const assoc = (name: string) => find(d, "aws:eks/podIdentityAssociation:PodIdentityAssociation", name);
    assert.deepEqual([inputsOf<aws.eks.PodIdentityAssociationArgs>(assoc("dev-backup-writer")).namespace, inputsOf<aws.eks.PodIdentityAssociationArgs>(assoc("dev-backup-writer")).serviceAccount], ["voting", "postgres-backup"]);
    assert.equal(inputsOf<aws.eks.PodIdentityAssociationArgs>(assoc("dev-backup-reader")).serviceAccount, "postgres-restore");
    const agent = find(d, "aws:eks/addon:Addon", "dev-pod-identity-agent");
    assert.ok(assoc("dev-backup-writer").dependsOn.includes(agent.urn), "after the Pod Identity agent add-on");
  });
});

describe("database backups: GCS on GCP", () => {
  for (const [stack, env] of [["gcp-dev", "dev"], ["gcp-prod", "prod"]] as const) {
    it(`${stack}: uniform access, public access prevention, versioning, kept ${ENVIRONMENT_DEFAULTS[env].backupRetentionDays} days`, () => {
      const d = planJson(stack);
      const bucket = find(d, "gcp:storage/bucket:Bucket");
      const b = inputsOf<gcp.storage.BucketArgs>(bucket);
      assert.equal(b.uniformBucketLevelAccess, true);
      assert.equal(b.publicAccessPrevention, "enforced");
      assert.deepEqual(b.versioning, { enabled: true });
      assert.equal(b.location, "US-CENTRAL1", "the cluster's region");
      const days = ENVIRONMENT_DEFAULTS[env].backupRetentionDays;
      assert.deepEqual(b.lifecycleRules, [
        { action: { type: "Delete" }, condition: { age: days, withState: "LIVE", matchesPrefixes: ["postgres/voting-"] } },
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: days, withState: "ARCHIVED", matchesPrefixes: ["postgres/voting-"] } },
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 1, withState: "ARCHIVED", matchesPrefixes: ["postgres/latest.dump"] } },
      ]);
      assert.equal(b.forceDestroy, env !== "prod");
      const storageApi = all(d, "gcp:projects/service:Service").find((r) => r.inputs["service"] === "storage.googleapis.com")!;
      assert.ok(bucket.dependsOn.includes(storageApi.urn), "after the Cloud Storage API");
      assert.equal(bucket.options.protect, env === "prod");
      assert.equal(bucket.options.retainOnDelete, env === "prod");
      assert.match(String(d.outputs["backupLocation"]), /^gs:\/\/[a-z0-9-]+\/postgres$/);
    });
  }

  it("grants each Kubernetes ServiceAccount one role on the bucket only, as a Workload Identity principal", () => {
    const d = planJson("gcp-dev");
    const project = String(find(d, "pulumi:providers:gcp").inputs["project"]);
    const grants = all(d, "gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => inputsOf<gcp.storage.BucketIAMMemberArgs>(r));
    const members = grants.map((m) => [m.role, m.member]).sort();
    assert.deepEqual(members, [
      ["roles/storage.objectCreator", workloadPrincipal("123456789012", project, "voting", "postgres-backup")],
      ["roles/storage.objectUser", workloadPrincipal("123456789012", project, "voting", "postgres-backup")],
      ["roles/storage.objectViewer", workloadPrincipal("123456789012", project, "voting", "postgres-restore")],
    ]);
    // objectUser only on latest.dump (an IAM condition on the object's resource name).
    const user = grants.find((g) => g.role === "roles/storage.objectUser")!;
    assert.match(String(obj(user.condition)["expression"]), /^resource\.name == "projects\/_\/buckets\/.+\/objects\/postgres\/latest\.dump"$/);
    assert.deepEqual(grants.filter((g) => g.role !== "roles/storage.objectUser").map((g) => g.condition), [undefined, undefined]);
    assert.equal(workloadPrincipal("1", "p", "n", "s"), "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/n/sa/s");
    // The pool the principals name is the cluster's.
    assert.deepEqual(obj(find(d, "gcp:container/cluster:Cluster").inputs["workloadIdentityConfig"]), { workloadPool: `${project}.svc.id.goog` });
    assert.equal(all(d, "gcp:projects/iAMMember:IAMMember").filter((m) => /storage/.test(String(m.inputs["role"]))).length, 0, "no project-wide storage role");
  });
});

/**
 * The IAM permission each Cloud Storage JSON API request needs (cloud.google.com/storage/docs/access-control/iam-json:
 * objects.insert -> storage.objects.create, + storage.objects.delete when it may overwrite; objects.get
 * -> storage.objects.get; objects.list -> storage.objects.list; buckets.get -> storage.buckets.get).
 */
function gcsPermissions(method: string, url: string): string[] {
  const u = new URL(url);
  if (u.hostname === "169.254.169.254") return [];
  assert.equal(u.hostname, "storage.googleapis.com", url);
  if (method === "POST" && /^\/upload\/storage\/v1\/b\/[^/]+\/o$/.test(u.pathname)) return u.searchParams.get("ifGenerationMatch") === "0" ? ["storage.objects.create"] : ["storage.objects.create", "storage.objects.delete"];
  if (/\/b\/[^/]+\/o\/./.test(u.pathname)) return ["storage.objects.get"];
  if (/\/b\/[^/]+\/o$/.test(u.pathname)) return ["storage.objects.list"];
  return ["storage.buckets.get"];
}

describe("database backups: the GCS upload needs only roles/storage.objectCreator", () => {
  it("makes one objects.insert per dump (no overwrite), no read, no list, with the metadata server's token; gcloud is never called", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gcs-upload-"));
    const bin = path.join(dir, "bin");
    const dumps = path.join(dir, "dumps");
    mkdirSync(bin);
    mkdirSync(dumps);
    writeFileSync(path.join(dumps, "voting-20260101T030000Z.dump"), "PGDMP");
    const log = path.join(dir, "requests.log");
    // curl: logs method, URL, headers (the header file's content) and the uploaded file; answers like the servers.
    writeFileSync(path.join(bin, "curl"), `#!/bin/sh
m=GET; url=; hdr=; file=
while [ $# -gt 0 ]; do case "$1" in
  -X) m="$2"; shift ;; -T) file="$2"; shift ;; -o) shift ;;
  -H) case "$2" in @*) hdr="$hdr|$(cat "\${2#@}")" ;; *) hdr="$hdr|$2" ;; esac; shift ;;
  -*) ;; *) url="$1" ;; esac; shift; done
printf '%s %s %s %s\\n' "$m" "$url" "$hdr" "$file" >> "${log}"
case "$url" in *computeMetadata*) echo '{"access_token":"ya29.test","expires_in":3599,"token_type":"Bearer"}' ;; *) echo '{}' ;; esac
`);
    writeFileSync(path.join(bin, "gcloud"), "#!/bin/sh\necho gcloud called >&2\nexit 1\n");
    chmodSync(path.join(bin, "curl"), 0o755);
    chmodSync(path.join(bin, "gcloud"), 0o755);
    const script = GCS_UPLOAD_SCRIPT.replaceAll("/tmp/", `${dir}/`);
    const r = spawnSync("sh", ["-c", script], { env: { PATH: `${bin}:${process.env["PATH"] ?? ""}`, DUMP_DIR: dumps, BACKUP_URL: "gs://votes-backups/postgres" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const requests = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" "));
    assert.deepEqual(requests.map(([m, url]) => [m, url]), [
      ["GET", METADATA_TOKEN_URL],
      ["POST", "https://storage.googleapis.com/upload/storage/v1/b/votes-backups/o?uploadType=media&ifGenerationMatch=0&name=postgres%2Fvoting-20260101T030000Z.dump"],
      ["GET", METADATA_TOKEN_URL],
      ["POST", "https://storage.googleapis.com/upload/storage/v1/b/votes-backups/o?uploadType=media&name=postgres%2Flatest.dump"],
    ]);
    // A fresh token before each upload: a cached one may have minutes left.
    assert.match(requests[0]!.join(" "), /Metadata-Flavor: Google/);
    assert.match(requests[1]!.join(" "), /Authorization: Bearer ya29\.test/);
    assert.equal(requests[1]![requests[1]!.length - 1], path.join(dumps, "voting-20260101T030000Z.dump"));
    assert.doesNotMatch(script, /ya29|Bearer \$token"? /, "the token is not on a command line");
    // Per object: the named dump needs only what objectCreator grants; latest.dump (replaced) also
    // needs delete, which the conditional objectUser grant gives on that object alone.
    const needed = (i: number) => gcsPermissions(requests[i]![0]!, requests[i]![1]!);
    assert.deepEqual(needed(0), []);
    assert.deepEqual(needed(1), ["storage.objects.create"], "all that roles/storage.objectCreator grants");
    assert.deepEqual(needed(2), []);
    assert.deepEqual(needed(3), ["storage.objects.create", "storage.objects.delete"]);
    assert.equal(requests[3]![requests[3]!.length - 1], path.join(dumps, "voting-20260101T030000Z.dump"));
    assert.match(r.stdout, /uploaded gs:\/\/votes-backups\/postgres\/voting-20260101T030000Z\.dump/);
    // The check can fail: a failing upload (curl exits non-zero) fails the container.
    writeFileSync(path.join(bin, "curl"), "#!/bin/sh\ncase \"$*\" in *computeMetadata*) echo '{\"access_token\":\"t\"}' ;; *) exit 22 ;; esac\n");
    const failed = spawnSync("sh", ["-c", script], { env: { PATH: `${bin}:${process.env["PATH"] ?? ""}`, DUMP_DIR: dumps, BACKUP_URL: "gs://votes-backups/postgres" }, encoding: "utf8" });
    assert.notEqual(failed.status, 0);
    // ...and the API's answer reaches the Job's log, not only curl's status line.
    writeFileSync(path.join(bin, "curl"), "#!/bin/sh\ncase \"$*\" in *computeMetadata*) echo '{\"access_token\":\"t\"}' ;; *) echo '{\"error\":{\"code\":403,\"message\":\"denied by IAM\"}}'; exit 22 ;; esac\n");
    const refused = spawnSync("sh", ["-c", script], { env: { PATH: `${bin}:${process.env["PATH"] ?? ""}`, DUMP_DIR: dumps, BACKUP_URL: "gs://votes-backups/postgres" }, encoding: "utf8" });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /denied by IAM/);
  });

  it("grants the writer objectCreator unconditionally: no get, no list (it cannot read the dumps back)", () => {
    const members = all(planJson("gcp-prod"), "gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => inputsOf<gcp.storage.BucketIAMMemberArgs>(r));
    assert.deepEqual(members.filter((m) => String(m.member).endsWith("/sa/postgres-backup") && !m.condition).map((m) => m.role), ["roles/storage.objectCreator"]);
    // And the CronJob runs the script tested above.
    const upload = ((backupPodOf(planJson("gcp-prod")).containers ?? []) as Container[]).find((c) => c.name === "upload")!;
    assert.equal((upload.command as string[])[2], GCS_UPLOAD_SCRIPT);
  });
});

describe("database backups: the stores' settings and identities", () => {
  it("gcp: the bucket grants wait for the Workload Identity cluster (the pool <project>.svc.id.goog exists once it does)", () => {
    for (const stack of ["gcp-dev", "gcp-prod"]) {
      const d = planJson(stack);
      const cluster = find(d, "gcp:container/cluster:Cluster");
      const grants = all(d, "gcp:storage/bucketIAMMember:BucketIAMMember");
      assert.equal(grants.length, 3);
      for (const g of grants) assert.ok(dependencyClosure(d, g.urn).has(cluster.urn), `${stack}: ${g.name} after the cluster`);
    }
  });

  it("aws prod: every bucket setting is kept with the retained bucket (protect, retainOnDelete); dev deletes them", () => {
    const settings = ["bucketPublicAccessBlock:BucketPublicAccessBlock", "bucketOwnershipControls:BucketOwnershipControls", "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucketPolicy:BucketPolicy", "bucketVersioning:BucketVersioning", "bucketLifecycleConfiguration:BucketLifecycleConfiguration"];
    for (const [stack, kept] of [["prod", true], ["dev", false]] as const) {
      const d = planJson(stack);
      for (const t of ["bucket:Bucket", ...settings]) {
        const r = find(d, `aws:s3/${t}`);
        assert.equal(r.options.protect, kept, `${stack} ${t} protect`);
        assert.equal(r.options.retainOnDelete, kept, `${stack} ${t} retainOnDelete`);
      }
    }
  });

  it("restore of `latest`: reads latest.dump directly (no listing); a missing one says 'no dump …'", () => {
    for (const [tool, cli] of [[s3Tool("us-east-1"), "aws"], [gcsTool(), "gcloud"]] as const) {
      const dir = mkdtempSync(path.join(tmpdir(), "restore-"));
      const bin = path.join(dir, "bin");
      mkdirSync(bin);
      // The CLI: logs its arguments; a copy succeeds only when $PRESENT is 1.
      writeFileSync(path.join(bin, cli), `#!/bin/sh\necho "$*" >> "${dir}/calls"\n[ "$PRESENT" = 1 ]\n`);
      chmodSync(path.join(bin, cli), 0o755);
      const url = cli === "aws" ? "s3://b/postgres" : "gs://b/postgres";
      const run = (present: string) => spawnSync("sh", ["-c", tool.download], { env: { PATH: `${bin}:${process.env["PATH"] ?? ""}`, BACKUP_URL: url, DUMP: "latest", RESTORE_FILE: path.join(dir, "r.dump"), PRESENT: present }, encoding: "utf8" });
      const missing = run("0");
      assert.notEqual(missing.status, 0, cli);
      assert.match(missing.stderr, new RegExp(`no dump ${url}/latest\\.dump`), cli);
      const ok = run("1");
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, new RegExp(`restoring ${url}/latest\\.dump`), cli);
      assert.deepEqual(readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n").map((l) => l.split(" ").slice(0, 2).join(" ")), Array(2).fill(cli === "aws" ? "s3 cp" : "storage cp"), `${cli}: only copies, no listing`);
    }
  });

  it("after more days of failed runs than the retention, the last dump is still there (both clouds)", () => {
    const days = 7;
    const age = days + 30;
    const keys = [`${BACKUP_PREFIX}/voting-20260101T030000Z.dump`, `${BACKUP_PREFIX}/${LATEST_DUMP}`];
    // Current (live) objects a lifecycle expires at that age: S3 expiration by filter.prefix, GCS Delete of LIVE by matchesPrefixes.
    const s3Expired = (rules: aws.types.input.s3.BucketLifecycleConfigurationRule[]) =>
      keys.filter((k) => rules.some((r) => r.expiration && k.startsWith(String(obj(r.filter)["prefix"] ?? "")) && Number(obj(r.expiration)["days"]) <= age));
    const gcsExpired = (rules: gcp.types.input.storage.BucketLifecycleRule[]) =>
      keys.filter((k) => rules.some((r) => obj(r.condition)["withState"] === "LIVE" && arr(obj(r.condition)["matchesPrefixes"]).some((p) => k.startsWith(String(p))) && Number(obj(r.condition)["age"]) <= age));
    assert.deepEqual(s3Expired(s3RetentionRules(days)), [keys[0]]);
    assert.deepEqual(gcsExpired(gcsRetentionRules(days)), [keys[0]]);
    // The simulation can fail: a rule by age over the whole prefix leaves nothing.
    assert.deepEqual(s3Expired([{ id: "old", status: "Enabled", filter: { prefix: `${BACKUP_PREFIX}/` }, expiration: { days } }]), keys);
    // And both uploads write latest.dump.
    assert.match(s3Tool("us-east-1").upload, /aws s3 cp --no-progress "\$f" "\$BACKUP_URL\/latest\.dump"/);
    assert.match(GCS_UPLOAD_SCRIPT, /name=\$prefix%2Flatest\.dump"/);
  });
});

describe("database backups: the restore Job template", () => {
  for (const stack of ["dev", "gcp-prod", "local"] as const) {
    it(`${stack}: a valid Job (OpenAPI schema), admitted by every admission policy, restoring the newest dump into db in one transaction`, async () => {
      const d = planJson(stack);
      const job = restoreJob(d);
      assert.equal(await validateObject("batch/v1", "Job", job), undefined);
      assert.deepEqual(obj(job["metadata"])["namespace"], "voting");
      const p = restorePodOf(d);
      assert.equal(p.serviceAccountName, "postgres-restore");
      const restore = ((p.containers ?? []) as Container[]).find((c) => c.name === "restore")!;
      assert.equal(restore.image, dbImage(d));
      assert.match(String((restore.command as string[])[2]), /pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error/);
      const dump = containersOf(p).map((c) => env(c)["DUMP"]).find((v) => v !== undefined);
      assert.equal(dump, "latest");
      const podObj = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "voting" }, spec: p };
      const denials = (o: Obj) => admissionPairs(d).flatMap(([policy, binding]) => admit(policy, binding, o).failures);
      assert.deepEqual(denials(job), []);
      assert.deepEqual(denials(podObj), []);
      // The check can fail: the same pod as root is refused.
      const root = JSON.parse(JSON.stringify(podObj)) as { spec: { containers: { securityContext: Obj }[] } };
      root.spec.containers[0]!.securityContext["runAsUser"] = 0;
      assert.ok(denials(root as unknown as Obj).length > 0);
    });
  }

  it("fetches with the restore identity on a cloud, reads the volume on an existing cluster", () => {
    const init = (stack: string) => ((restorePodOf(planJson(stack)).initContainers ?? []) as Container[]);
    assert.deepEqual(init("dev").map((c) => [c.name, c.image]), [["fetch", BACKUP_TOOL_IMAGES.awsCli]]);
    assert.deepEqual(init("gcp-prod").map((c) => [c.name, c.image]), [["fetch", BACKUP_TOOL_IMAGES.googleCloudCli]]);
    assert.deepEqual(init("local"), []);
    assert.match(RESTORE_SCRIPT, /pg_restore --list/, "checks the archive before touching the database");
  });
});

/**
 * A pod as the EKS Pod Identity webhook mutates it (aws/amazon-eks-pod-identity-webhook @3bf80a3,
 * pkg/handler/handler.go addEnvToContainer, applied to init containers too): literal env vars in
 * every container, and the projected token volume.
 */
function podIdentityMutated(spec: PodSpec, fullUri = "http://169.254.170.23/v1/credentials"): Obj {
  const p = JSON.parse(JSON.stringify(spec)) as Obj;
  const add = [
    { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
    { name: "AWS_DEFAULT_REGION", value: "us-east-1" },
    { name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", value: fullUri },
    { name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", value: "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token" },
  ];
  for (const c of [...arr(p["initContainers"]), ...arr(p["containers"])].map(obj)) {
    c["env"] = [...arr(c["env"]), ...add];
    c["volumeMounts"] = [...arr(c["volumeMounts"]), { name: "eks-pod-identity-token", mountPath: "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount", readOnly: true }];
  }
  p["volumes"] = [...arr(p["volumes"]), { name: "eks-pod-identity-token", projected: { sources: [{ serviceAccountToken: { audience: "pods.eks.amazonaws.com", expirationSeconds: 86400, path: "eks-pod-identity-token" } }] } }];
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "voting" }, spec: p };
}

describe("database backups: pods as the EKS Pod Identity webhook mutates them", () => {
  const packDenials = (pod: Obj): string[] => {
    const out: string[] = [];
    const validate = noSecretLiterals.validateResource as (args: unknown, report: (m: string) => void) => void;
    validate({ type: "kubernetes:core/v1:Pod", props: pod }, (m) => out.push(m));
    return out;
  };
  for (const stack of ["staging", "prod"] as const) {
    it(`${stack}: the backup and restore pods are admitted (Deny mode) and pass the pack's k8s-no-secret-literals`, () => {
      const d = planJson(stack);
      const pairs = admissionPairs(d);
      assert.ok(pairs.some(([, b]) => arr(obj(b["spec"])["validationActions"]).includes("Deny")), "the binding denies here");
      const denials = (o: Obj) => pairs.flatMap(([policy, binding]) => admit(policy, binding, o).failures);
      for (const [what, spec] of [["backup", backupPodOf(d)], ["restore", restorePodOf(d)]] as const) {
        const mutated = podIdentityMutated(spec);
        assert.deepEqual(denials(mutated), [], what);
        assert.deepEqual(packDenials(mutated), [], what);
        // Only the exact values: the same name pointing elsewhere, or another token literal, is still refused.
        const elsewhere = podIdentityMutated(spec, "http://attacker.example/v1/credentials");
        assert.match(denials(elsewhere).join(), /k8s-no-secret-literals/, what);
        assert.equal(packDenials(elsewhere).length, containersOf(spec).length, what);
        const other = podIdentityMutated(spec);
        obj(arr(obj(other["spec"])["containers"])[0])["env"] = [{ name: "GITHUB_TOKEN", value: "ghp_x" }];
        assert.match(denials(other).join(), /k8s-no-secret-literals/, what);
        assert.equal(packDenials(other).length, 1, what);
      }
    });
  }

  it("allows exactly the webhook's names and values (aws/amazon-eks-pod-identity-webhook main.go defaults)", () => {
    assert.deepEqual(IDENTITY_WEBHOOK_ENV["AWS_CONTAINER_CREDENTIALS_FULL_URI"]?.[0], "http://169.254.170.23/v1/credentials");
    assert.deepEqual(IDENTITY_WEBHOOK_ENV["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], ["/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"]);
  });
});

/** The admission policies and their bindings a stack deploys. */
function admissionPairs(d: PlanDocument): [Obj, Obj][] {
  const bindings = all(d, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding").map((b) => b.inputs as Obj);
  return all(d, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy").map((p) => {
    const name = obj(p.inputs["metadata"])["name"];
    return [p.inputs as Obj, bindings.find((b) => obj(b["spec"])["policyName"] === name)!];
  });
}

describe("database backups: config", () => {
  const base = { "voting-platform:cloud": "existing", "voting-platform:environment": "dev", "voting-platform:size": "small", "voting-platform:kubeContext": "kind-voting" };
  const settings = (values: Record<string, string>) => validateSettings({ stack: "t", values: { ...base, ...values } });

  it("takes the retention from the environment unless given", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
      const r = settings({ "voting-platform:environment": env, "voting-platform:owner": "team" });
      assert.ok(r.ok);
      if (r.ok) assert.equal(r.settings.backup.retentionDays, ENVIRONMENT_DEFAULTS[env].backupRetentionDays);
    }
    assert.deepEqual([ENVIRONMENT_DEFAULTS.dev.backupRetentionDays, ENVIRONMENT_DEFAULTS.staging.backupRetentionDays, ENVIRONMENT_DEFAULTS.prod.backupRetentionDays], [7, 14, 30]);
    const r = settings({ "voting-platform:backupRetentionDays": "3", "voting-platform:backupSchedule": "@hourly", "voting-platform:backupEnabled": "false" });
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(r.settings.backup, { enabled: false, schedule: "@hourly", retentionDays: 3 });
  });

  it("refuses a bad schedule or retention with a message naming the key, the value and what is allowed", () => {
    const r = settings({ "voting-platform:backupSchedule": "61 3 * * *", "voting-platform:backupRetentionDays": "400" });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const schedule = r.problems.find((p) => p.key === "voting-platform:backupSchedule")!;
    assert.equal(schedule.value, "61 3 * * *");
    assert.match(schedule.message, /minute field "61" is outside 0-59: give five fields/);
    const days = r.problems.find((p) => p.key === "voting-platform:backupRetentionDays")!;
    assert.match(days.message, /from 1 to 365 \(or 0: the environment's default\)/);
  });

  it("parses schedules as a CronJob's: five fields or a descriptor, no time zone prefix", () => {
    for (const ok of ["17 3 * * *", "*/15 * * * *", "0 0 1,15 * *", "0 2 * * mon-fri", "0 4 * jan,jul sun", ...CRON_MACROS]) assert.equal(cronProblem(ok), undefined, ok);
    const bad: [string, RegExp][] = [
      ["", /empty/],
      ["0 3 * *", /4 fields, not 5/],
      ["0 24 * * *", /hour field "24" is outside 0-23/],
      ["0 3 0 * *", /day of month field "0" is outside 1-31/],
      ["0 3 * 13 *", /month/],
      ["*/0 * * * *", /step "0"/],
      ["5-1 * * * *", /backwards/],
      ["TZ=Europe/Paris 0 3 * * *", /time zone/],
      ["@fortnightly", /not a cron descriptor/],
      ["a b c d e", /not a number/],
    ];
    for (const [s, re] of bad) assert.match(cronProblem(s) ?? "(accepted)", re, s);
  });

  it("counts runs per day for the estimate", () => {
    assert.equal(runsPerDay("17 3 * * *"), 1);
    assert.equal(runsPerDay("@hourly"), 24);
    assert.equal(runsPerDay("*/15 * * * *"), 96);
    assert.equal(runsPerDay("0 3,15 * * *"), 2);
    // Day-of-month and day-of-week both restricted: a day matching either runs (the 1st, and Mondays).
    const either = runsPerDay("0 3 1 * 1");
    assert.ok(either > 1 / 7 && either < 1 / 7 + 12 / 365, String(either));
    assert.ok(Math.abs(runsPerDay("0 3 * * 1") - 1 / 7) < 1e-9);
    assert.ok(Math.abs(runsPerDay("0 3 1 * *") - 12 / 365) < 1e-9);
    assert.equal(runsPerDay("0 3 * * 1-5"), 5 / 7);
  });

  it("backupEnabled false: no CronJob, no bucket, no backup ServiceAccounts, and db admits only the app", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "backup-off-"));
    const file = path.join(dir, "Pulumi.local.yaml");
    writeFileSync(file, `${readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")}  voting-platform:backupEnabled: "false"\n`);
    const r = runPlan(["local", "--json", "--config-file", file]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as PlanDocument;
    assert.equal(all(d, CRONJOB).length, 0);
    assert.equal(all(d, "kubernetes:core/v1:ServiceAccount").length, 0);
    assert.equal(d.outputs["restoreJob"], undefined);
    const db = policiesOf(d).find((p) => obj(p.spec["podSelector"])["matchLabels"] && obj(obj(p.spec["podSelector"])["matchLabels"])["app.kubernetes.io/name"] === "db")!;
    assert.equal((obj(arr(db.spec["ingress"])[0])["from"] as unknown[]).length, 3);
  });
});

/** An expression's tree as Prometheus's grammar parses it (@prometheus-io/lezer-promql): binary operators as op(lhs, rhs), selectors by metric name. */
function promqlShape(expr: string): string {
  type Node = NonNullable<ReturnType<typeof parser.parse>["topNode"]["firstChild"]>;
  const kids = (n: Node): Node[] => {
    const out: Node[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  };
  const text = (n: Node) => expr.slice(n.from, n.to);
  const walk = (n: Node): string => {
    switch (n.type.name) {
      case "BinaryExpr": {
        const [lhs, op, ...rest] = kids(n);
        const modifier = rest.length > 1 ? ` ${text(rest[0]!).replace(/\s+/g, "")}` : "";
        return `${text(op!)}${modifier}(${walk(lhs!)}, ${walk(rest[rest.length - 1]!)})`;
      }
      case "ParenExpr":
        return walk(kids(n)[0]!);
      case "VectorSelector":
        return text(kids(n)[0]!);
      case "FunctionCall":
        return text(n);
      case "NumberDurationLiteral":
        return text(n);
      default:
        return kids(n).length === 1 ? walk(kids(n)[0]!) : `?${n.type.name}`;
    }
  };
  return walk(parser.parse(expr).topNode);
}

describe("database backups: the alert", () => {
  it("parses as: last success too old, or (CronJob older than the limit unless it ever succeeded)", () => {
    assert.equal(
      promqlShape(backupMissingExpr("voting", "postgres-backup", 37)),
      "or(>(-(time(), kube_cronjob_status_last_successful_time), 133200), unless on(namespace,cronjob)(>(-(time(), kube_cronjob_created), 133200), kube_cronjob_status_last_successful_time))",
    );
    // The shape is read from the parse: precedence changes it (the comparison would take the unless as its right side).
    assert.notEqual(promqlShape("time() - kube_cronjob_created > (133200 unless on (namespace, cronjob) kube_cronjob_status_last_successful_time)"), promqlShape("time() - kube_cronjob_created > 133200 unless on (namespace, cronjob) kube_cronjob_status_last_successful_time"));
  });

  it("warns when the last successful backup is older than one and a half schedule intervals plus its run time", () => {
    assert.equal(backupMaxAgeHours(1), 37);
    assert.equal(backupMaxAgeHours(24), 3);
    const rule = (stack: string) =>
      arr(obj(find(planJson(stack), "kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs["spec"])["groups"]).flatMap((g) => arr(obj(g)["rules"]).map(obj)).find((r) => r["alert"] === "VotingBackupMissing");
    const sel = '{namespace="voting",cronjob="postgres-backup"}';
    assert.equal(rule("prod")!["expr"], backupMissingExpr("voting", "postgres-backup", 37));
    assert.ok(rule("local"));
    const [lastTooOld, neverSucceeded] = String(rule("prod")!["expr"]).split(") or (");
    assert.equal(lastTooOld, `(time() - kube_cronjob_status_last_successful_time${sel} > 133200`);
    // kube-state-metrics has no last-success series until a first success: a CronJob that never
    // succeeded fires once it is older than the limit (by its creation time), and only then.
    assert.equal(neverSucceeded, `time() - kube_cronjob_created${sel} > 133200 unless on (namespace, cronjob) kube_cronjob_status_last_successful_time${sel})`);
  });
});

describe("database backups: cost", () => {
  it("prices the dumps kept and the uploads, with the bucket's retention and the schedule's rate", () => {
    for (const [stack, store, days] of [["prod", "S3 Standard", 30], ["gcp-dev", "GCS Standard", 7]] as const) {
      const lines = planJson(stack).cost.lines.filter((l) => l.item.startsWith("Database backup"));
      assert.equal(lines.length, 2, stack);
      // The named dumps, latest.dump, and its replaced versions kept a day (one run a day).
      assert.match(lines[0]!.item, new RegExp(`${store}: ${days + 2} dumps kept \\(${days} days, and the latest\\), assumed 50 MB each`));
      assert.equal(lines[0]!.unit, "GB");
      assert.ok(lines[0]!.monthly > 0 && lines[0]!.monthly < 1, "tiny, but shown");
      assert.equal(lines[1]!.unit, "request");
    }
    assert.equal(planJson("local").cost.lines.filter((l) => l.item.startsWith("Database backup")).length, 0);
  });

  it("scales with retention and schedule (the estimate reads the plan, not constants)", () => {
    const records = (days: number, schedule: string): ResourceRecord[] => [
      { type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name: "b", inputs: { rules: s3RetentionRules(days) } },
      { type: "kubernetes:batch/v1:CronJob", name: "c", inputs: { metadata: { labels: { "app.kubernetes.io/name": "postgres-backup" } }, spec: { schedule } } },
    ] as unknown as ResourceRecord[];
    assert.deepEqual(backupBuckets(records(30, "17 3 * * *")), { cloud: "aws", days: 30, perDay: 1 });
    const gb = (days: number, schedule: string) => estimateCost(records(days, schedule)).lines.find((l) => l.unit === "GB" && l.item.startsWith("Database"))!.quantity;
    assert.ok(gb(30, "17 3 * * *") > gb(7, "17 3 * * *"));
    // Named dumps (runs a day x days), latest.dump, and its replaced versions of the last day.
    const item = (days: number, schedule: string) => estimateCost(records(days, schedule)).lines.find((l) => l.unit === "GB" && l.item.startsWith("Database"))!.item;
    assert.match(item(7, "0 */6 * * *"), / 33 dumps kept /);
    assert.match(item(28, "17 3 * * *"), / 30 dumps kept /);
  });
});

describe("database backups: the policy pack's bucket rules", () => {
  const guarded = policies.filter((p) => p.name === "storage-bucket-guarded");
  const config = { "storage-bucket-guarded": { enforcementLevel: "mandatory" as const } };

  it("passes the stacks' own buckets and refuses a bucket that lost one of its guard rails", async () => {
    for (const stack of ["dev", "prod", "gcp-dev", "gcp-prod"]) assert.deepEqual(await evaluatePolicies(planJson(stack).resources, guarded, config), [], stack);
    const d = planJson("dev");
    for (const [type, expected] of [
      ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", /lacks a public access block/],
      ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", /lacks default encryption/],
      ["aws:s3/bucketVersioning:BucketVersioning", /lacks versioning \(Enabled\)/],
      ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", /lacks a lifecycle configuration/],
    ] as const) {
      const v = await evaluatePolicies(d.resources.filter((r) => r.type !== type), guarded, config);
      assert.equal(v.length, 1, type);
      assert.match(v[0]!.message, expected);
    }
    // Versioning suspended counts as none.
    const suspended = d.resources.map((r) => (r.type === "aws:s3/bucketVersioning:BucketVersioning" ? { ...r, inputs: { ...r.inputs, versioningConfiguration: { status: "Suspended" } } } : r));
    assert.equal((await evaluatePolicies(suspended, guarded, config)).length, 1);
    const g = planJson("gcp-dev").resources.map((r) => (r.type === "gcp:storage/bucket:Bucket" ? { ...r, inputs: { ...r.inputs, versioning: { enabled: false }, lifecycleRules: [] } } : r));
    assert.match((await evaluatePolicies(g, guarded, config))[0]!.message, /lacks versioning, a lifecycle rule/);
  });
});
