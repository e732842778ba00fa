// Exposure rules: which combinations of `domain`, `awsHostedZoneId`, `appAllowedCidrs` and the
// cloud can work. A domain needs a managed certificate and DNS: on aws an ACM certificate validated
// through the Route 53 zone given; GKE (Google-managed certificates need an Ingress or Gateway)
// is not built yet; an existing cluster has no certificate service of this program's.

import { qualified } from "../schema";
import type { ExposureSettings } from "../settings";
import { checkOpenToWorld, type Report, type Typed } from "./common";

export function checkExposure(v: Typed, report: Report): ExposureSettings {
  const domain = v.domain === "" ? undefined : v.domain;
  if (domain !== undefined) {
    if (v.cloud === "existing") {
      report("domain", "needs a managed certificate, which this program provides on aws (ACM) only: on an existing cluster leave it empty and put your own Ingress and certificate in front");
    } else if (v.cloud === "gcp") {
      report("domain", "HTTPS on GKE (a Google-managed certificate needs an Ingress or Gateway) is not built yet: leave it empty on gcp stacks; the apps are served over HTTP on their load balancers");
    } else if (v.awsHostedZoneId === "") {
      report("awsHostedZoneId", `is required when ${qualified("domain")} is set (${domain}): the ID of the Route 53 hosted zone that holds it, where the certificate's validation records and vote.${domain} / result.${domain} go`);
    }
  }
  if (v.awsHostedZoneId !== "") {
    if (v.cloud !== "aws") report("awsHostedZoneId", `is only read when cloud is aws (cloud is ${v.cloud}): leave it empty`);
    else if (domain === undefined) report("awsHostedZoneId", `has no effect without ${qualified("domain")}: set the domain the zone holds, or leave it empty`);
  }
  if (v.appAllowedCidrs.length > 0 && v.cloud === "existing" && v.existingServiceType === "NodePort") {
    report("appAllowedCidrs", `has nothing to restrict with ${qualified("existingServiceType")} NodePort (no load balancer): leave it empty, or use LoadBalancer`);
  }
  // Host bits only: the app is public by default, so 0.0.0.0/0 is allowed everywhere.
  checkOpenToWorld("appAllowedCidrs", v.appAllowedCidrs, false, report);
  return { domain, allowedCidrs: v.appAllowedCidrs };
}
