// Exposure rules: which combinations of `domain`, `awsHostedZoneId`, `gcpDnsManagedZone`,
// `appAllowedCidrs` and the cloud can work. A domain needs a managed certificate and DNS: on aws an
// ACM certificate validated through the Route 53 zone given; on gcp a Google-managed certificate on
// a GKE Ingress, its records in the Cloud DNS zone given or created by the user; an existing
// cluster has no certificate service of this program's.

import { qualified } from "../schema";
import type { ExposureSettings } from "../settings";
import { checkOpenToWorld, type Report, type Typed } from "./common";

/** The longest name a ManagedCertificate accepts. */
export const MANAGED_CERTIFICATE_DOMAIN_MAX = 63;
/** The CRD's pattern for each of spec.domains (same source). */
export const MANAGED_CERTIFICATE_DOMAIN = /^(([a-z0-9]+|[a-z0-9][-a-z0-9]*[a-z0-9])\.)+[a-z][-a-z0-9]*[a-z0-9]$/;

export function checkExposure(v: Typed, report: Report): ExposureSettings {
  const domain = v.domain === "" ? undefined : v.domain;
  if (domain !== undefined) {
    if (v.cloud === "existing") {
      report("domain", "needs a managed certificate, which this program provides on aws (ACM) and gcp (a Google-managed certificate on a GKE Ingress) only: on an existing cluster leave it empty and put your own Ingress and certificate in front");
    } else if (v.cloud === "gcp") {
      // A ManagedCertificate's domains are at most 63 characters each (GoogleCloudPlatform/gke-managed-certs,
      // deploy/managedcertificates-crd.yaml: spec.domains items maxLength 63).
      const longest = `result.${domain}`;
      if (longest.length > MANAGED_CERTIFICATE_DOMAIN_MAX) {
        report("domain", `gives ${longest} (${longest.length} characters); a Google-managed certificate takes names of at most ${MANAGED_CERTIFICATE_DOMAIN_MAX}: use a domain of at most ${MANAGED_CERTIFICATE_DOMAIN_MAX - "result.".length} characters`);
      } else if (!MANAGED_CERTIFICATE_DOMAIN.test(longest)) {
        report("domain", `gives ${longest}, which a Google-managed certificate refuses: its last label must start with a letter and end with a letter or digit`);
      }
      // The load balancer of a GKE Ingress is global and proxies at Google's edge: it has no
      // source-range setting (loadBalancerSourceRanges is for LoadBalancer Services), only Cloud Armor
      // security policies, which are billed per policy, rule and request.
      if (v.appAllowedCidrs.length > 0) {
        report("appAllowedCidrs", `cannot be enforced with ${qualified("domain")} on gcp: the GKE Ingress's global load balancer filters clients only through Cloud Armor (billed per policy, rule and request; not built). Leave appAllowedCidrs empty, or leave the domain empty to keep LoadBalancer Services, which honour it`);
      }
    } else if (v.awsHostedZoneId === "") {
      report("awsHostedZoneId", `is required when ${qualified("domain")} is set (${domain}): the ID of the Route 53 hosted zone that holds it, where the certificate's validation records and vote.${domain} / result.${domain} go`);
    }
  }
  if (v.awsHostedZoneId !== "") {
    if (v.cloud !== "aws") report("awsHostedZoneId", `is only read when cloud is aws (cloud is ${v.cloud}): leave it empty`);
    else if (domain === undefined) report("awsHostedZoneId", `has no effect without ${qualified("domain")}: set the domain the zone holds, or leave it empty`);
  }
  if (v.gcpDnsManagedZone !== "") {
    if (v.cloud !== "gcp") report("gcpDnsManagedZone", `is only read when cloud is gcp (cloud is ${v.cloud}): leave it empty`);
    else if (domain === undefined) report("gcpDnsManagedZone", `has no effect without ${qualified("domain")}: set the domain the zone holds, or leave it empty`);
  }
  if (v.appAllowedCidrs.length > 0 && v.cloud === "existing" && v.existingServiceType === "NodePort") {
    report("appAllowedCidrs", `has nothing to restrict with ${qualified("existingServiceType")} NodePort (no load balancer): leave it empty, or use LoadBalancer`);
  }
  // Host bits only: the app is public by default, so 0.0.0.0/0 is allowed everywhere.
  checkOpenToWorld("appAllowedCidrs", v.appAllowedCidrs, false, report);
  return { domain, allowedCidrs: v.appAllowedCidrs };
}
