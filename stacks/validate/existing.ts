// Existing-cluster rules: which kubeconfig context, how Services are exposed, which StorageClass.

import { SecretValue, type PlatformSettings } from "../settings";
import type { Report, Typed } from "./common";

/** `warn` adds a warning (ConfigWarning) for a key: the stack still plans. */
export function checkExisting(v: Typed, report: Report, _warn: Report): PlatformSettings {
  if (v.kubeContext === "") {
    report("kubeContext", "is required when cloud is existing: name the kubeconfig context (e.g. kind-voting), so that switching your current context cannot point this stack at another cluster");
  }
  return {
    cloud: "existing",
    kubeconfig: v.kubeconfig ? new SecretValue(v.kubeconfig) : undefined,
    context: v.kubeContext,
    serviceType: v.existingServiceType,
    storageClass: v.existingStorageClass,
    scrapeControlPlane: v.existingScrapeControlPlane,
  };
}
