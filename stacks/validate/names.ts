// The stack name as the clouds will use it. Pulumi accepts stack names of letters, digits, '-',
// '_' and '.'; the cluster is named `<project>-<stack>` and the stack is a label value on GCP, and
// each cloud has stricter rules. Checked here so a bad name fails in seconds, not at `pulumi up`.

import { serviceAccountId } from "../../components/gcp/nodes";
import type { Cloud, ConfigProblem, ConfigWarning } from "../settings";

/** Problems are keyed on this pseudo-key: the stack name is not a config key. */
export const STACK_NAME_KEY = "(stack name)";

// EKS CreateCluster `name`: "Must be between 1-100 characters in length. Must begin with an
// alphanumeric character, and must only contain alphanumeric characters, dashes and underscores
// (`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)" (node_modules/@pulumi/aws/eks/cluster.d.ts, from the EKS API
// reference, API_CreateCluster.html).
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]*$/;
const EKS_CLUSTER_NAME_MAX = 100;

// GKE Cluster `name` (container v1 REST reference, projects.locations.clusters): "can be up to 40
// characters with the following restrictions: Lowercase letters, numbers, and hyphens only. Must
// start with a letter. Must end with a number or a letter."
const GKE_CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const GKE_CLUSTER_NAME_MAX = 40;

// GCP label values (Resource Manager, "Requirements for labels"): at most 63 characters, "only
// lowercase letters, numeric characters, underscores and dashes. International characters are
// allowed." The stack is the `stack` label on every GCP resource (settings.tags).
const GCP_LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

// IAM CreateServiceAccountRequest `account_id`: "unique within a project, must be 6-30 characters
// long, and match the regular expression [a-z]([-a-z0-9]*[a-z0-9])". The node pool's account ID is
// derived from the cluster name and cut to 30 characters (components/gcp/nodes.ts).
const SERVICE_ACCOUNT_ID_MAX = 30;

export interface NameCheck {
  readonly problems: ConfigProblem[];
  readonly warnings: ConfigWarning[];
}

/** The cluster name this program gives a stack's EKS or GKE cluster (components/index.ts). */
export function clusterNameOf(project: string, stack: string): string {
  return `${project}-${stack}`;
}

export function checkStackName(project: string, stack: string, cloud: Cloud): NameCheck {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  const problem = (message: string) => problems.push({ key: STACK_NAME_KEY, value: stack, message });
  const cluster = clusterNameOf(project, stack);
  if (cloud === "aws") {
    if (!EKS_CLUSTER_NAME.test(cluster)) {
      problem(`the EKS cluster would be named ${cluster}, and EKS cluster names take only letters, digits, '-' and '_' (no '.'); rename the stack (pulumi stack rename)`);
    } else if (cluster.length > EKS_CLUSTER_NAME_MAX) {
      problem(`the EKS cluster would be named ${cluster} (${cluster.length} characters); EKS allows at most ${EKS_CLUSTER_NAME_MAX}: use a stack name of at most ${EKS_CLUSTER_NAME_MAX - project.length - 1}`);
    }
  }
  if (cloud === "gcp") {
    if (!GKE_CLUSTER_NAME.test(cluster)) {
      problem(`the GKE cluster would be named ${cluster}, and GKE cluster names take only lowercase letters, digits and '-', ending with a letter or digit; rename the stack (pulumi stack rename)`);
    } else if (cluster.length > GKE_CLUSTER_NAME_MAX) {
      problem(`the GKE cluster would be named ${cluster} (${cluster.length} characters); GKE allows at most ${GKE_CLUSTER_NAME_MAX}: use a stack name of at most ${GKE_CLUSTER_NAME_MAX - project.length - 1} characters`);
    }
    if (!GCP_LABEL_VALUE.test(stack)) {
      problem("is the 'stack' label on every GCP resource, and GCP label values take at most 63 lowercase letters, digits, '_' or '-'");
    }
    const accountId = serviceAccountId(cluster);
    if (`nodes-${cluster}`.length > SERVICE_ACCOUNT_ID_MAX) {
      warnings.push({
        key: STACK_NAME_KEY,
        value: stack,
        message: `the nodes' service account ID is cut to ${SERVICE_ACCOUNT_ID_MAX} characters (${accountId}); another stack in the same GCP project whose name starts the same way would get the same account. Keep GCP stack names to ${SERVICE_ACCOUNT_ID_MAX - "nodes-".length - project.length - 1} characters, or use one project per stack`,
      });
    }
  }
  return { problems, warnings };
}
