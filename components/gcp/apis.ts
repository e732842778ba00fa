import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The Google APIs this platform calls, enabled by the stack: on a fresh project none is, and the
 * first resource fails with "<API> has not been used in project ... or it is disabled".
 * - compute: network, subnetwork, router, Cloud NAT, the nodes' VMs and disks;
 * - container: the cluster and its node pool (enabling it also creates the GKE service agent,
 *   service-<number>@container-engine-robot.iam.gserviceaccount.com, that the KMS grant names);
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

/**
 * One gcp.projects.Service per API. `disableOnDestroy: false`: destroying the stack must not turn
 * off APIs that other workloads in the project use (and disabling compute deletes every VM).
 */
export function enableServices(name: string, project: string, services: readonly string[], opts: pulumi.CustomResourceOptions): gcp.projects.Service[] {
  return services.map((service) => new gcp.projects.Service(`${name}-api-${service.split(".")[0]}`, { project, service, disableOnDestroy: false }, opts));
}
