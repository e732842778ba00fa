// Pod Security Standards labels for a namespace: the enforced level, with "restricted" always
// warned and audited so that anything short of it shows up.

export type PodSecurityLevel = "baseline" | "restricted";

export function podSecurityLabels(enforce: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };
}
