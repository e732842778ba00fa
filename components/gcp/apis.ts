import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The Google APIs this platform calls, enabled by the stack: on a fresh project none is, and the
 * first resource fails with "<API> has not been used in project ... or it is disabled".
 * - compute: network, subnetwork, router, Cloud NAT, the nodes' VMs and disks;
 * - container: the cluster and its node pool (the KMS grant's GKE service agent,
 *   service-<number>@container-engine-robot.iam.gserviceaccount.com, is made to exist by a
 *   ServiceIdentity: enabling the API does not guarantee it exists yet, see ./kms);
 * - iam: the nodes' service account; cloudresourcemanager: project IAM grants and the project
 *   lookup (gcp.organizations.getProject) that yields the project number;
 * - logging, monitoring: the cluster's system logs and metrics (loggingConfig, monitoringConfig);
 * - cloudkms (with secrets encryption only): the key ring and key;
 * - dns (with a gcpDnsManagedZone only): the apps' A records in that zone.
 * serviceusage.googleapis.com itself must already be on (it is on new projects): it is the API that
 * enables the others. Source: https://cloud.google.com/service-usage/docs/enable-disable
 */
export function requiredServices(secretsEncryption: boolean, cloudDns = false): readonly string[] {
  return [
    "cloudresourcemanager.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    ...(secretsEncryption ? ["cloudkms.googleapis.com"] : []),
    ...(cloudDns ? ["dns.googleapis.com"] : []),
  ];
}

/** Enabled first: the others wait for it (see enableServices). */
export const RESOURCE_MANAGER_API = "cloudresourcemanager.googleapis.com";

/**
 * One gcp.projects.Service per API. `disableOnDestroy: false`: destroying the stack must not turn
 * off APIs that other workloads in the project use (and disabling compute deletes every VM).
 * Cloud Resource Manager first, the others after it: the provider reads each enabled service
 * back through the project, and on a fresh project that read can be refused (403, "Cloud
 * Resource Manager API has not been used in project") until that API is on.
 */
export function enableServices(name: string, project: string, services: readonly string[], opts: pulumi.CustomResourceOptions): gcp.projects.Service[] {
  const service = (api: string, o: pulumi.CustomResourceOptions) => new gcp.projects.Service(`${name}-api-${api.split(".")[0]}`, { project, service: api, disableOnDestroy: false }, o);
  const first = services.includes(RESOURCE_MANAGER_API) ? service(RESOURCE_MANAGER_API, opts) : undefined;
  const rest = services.filter((api) => api !== RESOURCE_MANAGER_API).map((api) => service(api, first ? { ...opts, dependsOn: [...toArray(opts.dependsOn), first] } : opts));
  return first ? [first, ...rest] : rest;
}

function toArray(d: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (d === undefined) return [];
  return Array.isArray(d) ? [...(d as pulumi.Input<pulumi.Resource>[])] : [d as pulumi.Input<pulumi.Resource>];
}
