// EKS access entries for read-only principals (the CI identity of previews and drift checks).

import { ADMIN_VIEW_POLICY_ARN } from "./iam";

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
