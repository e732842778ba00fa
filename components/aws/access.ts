// Who may use the cluster: one EKS access entry per `awsAdminPrincipals` ARN (cluster admin) and per
// `awsViewPrincipals` ARN (read-only, the CI identity of previews and drift checks), nothing implicit.
//
// @pulumi/eks 4.3 creates the cluster with `accessConfig.bootstrapClusterCreatorAdminPermissions:
// true`, hard-coded (nodejs/eks/cluster/cluster.ts at v4.3.0, the aws.eks.Cluster it creates;
// pulumi/pulumi-eks#2373 asks for it to be settable). EKS then gives the identity that runs the
// first `pulumi up` its own admin entry, and an entry this program creates for the same principal
// fails with `409 ResourceInUseException` — on every later run too. Leaving the deployer out of the
// list instead would tie the entries to whoever runs `pulumi up`: when CI and a person take turns,
// one run deletes the other's entry and re-creates its own over a bootstrap entry (409 again).
// So the creator's implicit entry is switched off (a transform on the cluster beneath eks.Cluster,
// the only way in: transforms reach packaged components' children) and the list is the whole
// truth. The deployer must be in it, which `deployerCheck` verifies before anything is created.

import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { ADMIN_VIEW_POLICY_ARN, CLUSTER_ADMIN_POLICY_ARN } from "./iam";

/** The admin access entries eks.Cluster creates (key → entry), one per principal, cluster-admin policy. */
export function adminAccessEntries(principals: readonly string[]): Record<string, eks.types.input.AccessEntryArgs> {
  return Object.fromEntries(
    principals.map((principalArn, i) => [
      `admin-${i}`,
      { principalArn, accessPolicies: { admin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: "cluster" } } } },
    ]),
  );
}

/**
 * One access entry per principal with AmazonEKSAdminViewPolicy on the whole cluster. Not
 * AmazonEKSViewPolicy: that one (like Kubernetes' `view` role) cannot read Secrets, and a refresh or
 * a preview with `refresh` reads every object this program owns — its Secrets, and the Secrets in
 * which Helm keeps each release — so with it they fail with 403 Forbidden instead of reporting
 * drift. AmazonEKSAdminViewPolicy is "list/view all resources, including Secrets" with no write
 * verbs (EKS user guide, "Review access policy permissions"; added for read-only automation in
 * aws/containers-roadmap#2244).
 */
export function viewAccessEntries(principals: readonly string[]) {
  return Object.fromEntries(
    principals.map((principalArn, i) => [
      `view-${i}`,
      { principalArn, accessPolicies: { view: { policyArn: ADMIN_VIEW_POLICY_ARN, accessScope: { type: "cluster" } } } },
    ]),
  );
}

/**
 * Turns off EKS's implicit admin entry for the cluster creator on the aws.eks.Cluster that
 * eks.Cluster creates. Only at creation: pulumi-eks ignores later changes of the field (it cannot
 * change on a live cluster), so a cluster created with it on keeps its creator entry.
 */
export const noCreatorAdminEntry: pulumi.ResourceTransform = (args) => {
  if (args.type !== "aws:eks/cluster:Cluster") return undefined;
  const accessConfig = (args.props["accessConfig"] ?? {}) as Record<string, unknown>;
  return { props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } }, opts: args.opts };
};

const IAM_PRINCIPAL = /^arn:(aws[\w-]*):iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const ASSUMED_ROLE = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/;

/**
 * The identity of an IAM role or user ARN: partition, account, kind and name. A role's path is not
 * part of it (names are unique per account), so `role/platform-admins` and
 * `role/teams/platform-admins` are the same principal. undefined for anything else.
 */
export function principalKey(arn: string): string | undefined {
  const m = IAM_PRINCIPAL.exec(arn);
  return m ? `${m[1]}:${m[2]}:${m[3]}/${m[4]}` : undefined;
}

/** True for an STS assumed-role session ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
export function isAssumedRoleSession(arn: string): boolean {
  return ASSUMED_ROLE.test(arn);
}

export interface DeployerVerdict {
  readonly level: "ok" | "warn" | "error";
  readonly message: string;
}

/** The principals given access entries, by the config key that lists them. */
export interface AccessPrincipals {
  readonly admin: readonly string[];
  readonly view: readonly string[];
}

/**
 * Whether the identity running Pulumi (its IAM role or user ARN) has the access entry it needs.
 * A deployment needs an admin entry: without one it would create a cluster it cannot deploy into
 * (every Kubernetes object fails Unauthorized ~13 minutes in), so it stops before creating
 * anything. A preview needs to read (a view entry does); lacking both, it only warns, since a
 * preview before the cluster exists reads nothing.
 */
export function deployerVerdict(deployer: string, principals: AccessPrincipals, preview: boolean): DeployerVerdict {
  const key = principalKey(deployer);
  const has = (list: readonly string[]) => key !== undefined && list.some((p) => principalKey(p) === key);
  if (has(principals.admin)) return { level: "ok", message: `${deployer} has an admin access entry (voting-platform:awsAdminPrincipals)` };
  if (preview && has(principals.view)) return { level: "ok", message: `${deployer} has a read-only access entry (voting-platform:awsViewPrincipals)` };
  const message =
    `the identity running Pulumi (${deployer}) is not in voting-platform:awsAdminPrincipals ` +
    `(${principals.admin.length ? principals.admin.join(", ") : "empty"}): EKS gives the cluster creator no implicit entry here, ` +
    `so ${preview ? "a deployment by it" : "it"} could not deploy the workloads. Add it: ` +
    `pulumi config set --path 'voting-platform:awsAdminPrincipals[${principals.admin.length}]' ${deployer}`;
  return { level: preview ? "warn" : "error", message };
}

/** The IAM principal behind the current AWS credentials: a user, or the role of an assumed-role session (with its path). */
export function deployerPrincipal(opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return aws.getCallerIdentityOutput({}, opts).arn.apply((arn) =>
    isAssumedRoleSession(arn) ? aws.iam.getSessionContextOutput({ arn }, opts).issuerArn : pulumi.output(arn),
  );
}

/**
 * Resolves the deployer and applies `deployerVerdict`: logs a warning, or fails the run with the
 * message (no stack trace). The cluster waits for it (see createControlPlane), so a failure stops
 * the run before the cluster is created.
 */
export function deployerCheck(principals: AccessPrincipals, parent: pulumi.Resource, provider: aws.Provider): pulumi.Output<string> {
  return deployerPrincipal({ parent, provider }).apply((deployer) => {
    const verdict = deployerVerdict(deployer, principals, pulumi.runtime.isDryRun());
    if (verdict.level === "error") throw new pulumi.RunError(verdict.message);
    if (verdict.level === "warn") pulumi.log.warn(verdict.message, parent);
    return deployer;
  });
}
