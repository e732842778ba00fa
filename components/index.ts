// The one place where the cloud is chosen: settings.platform is a discriminated union on `cloud`.

import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../stacks/settings";
import { EksPlatform } from "./aws";
import { ExistingPlatform } from "./existing";
import { GkePlatform } from "./gcp";
import type { Platform } from "./platform";

export function createPlatform(settings: Settings): Platform {
  const p = settings.platform;
  switch (p.cloud) {
    case "existing":
      return new ExistingPlatform(settings.stack, {
        // A secret end to end: provider inputs, state and plan show "[secret]".
        kubeconfig: p.kubeconfig === undefined ? undefined : pulumi.secret(p.kubeconfig.reveal()),
        context: p.context,
        serviceType: p.serviceType,
        storageClassName: p.storageClass,
        scrapeControlPlane: p.scrapeControlPlane,
        allowedCidrs: settings.exposure.allowedCidrs,
      });
    case "aws": {
      const { cloud: _cloud, ...aws } = p;
      const domain = settings.exposure.domain;
      return new EksPlatform(settings.stack, {
        clusterName: `${settings.project}-${settings.stack}`,
        kubernetesVersion: settings.kubernetesVersion,
        aws,
        nodes: settings.nodes,
        tags: settings.tags,
        retainVolumes: settings.app.retainData,
        exposure: { allowedCidrs: settings.exposure.allowedCidrs, ...(domain && aws.hostedZoneId ? { domain: { name: domain, hostedZoneId: aws.hostedZoneId } } : {}) },
      });
    }
    case "gcp": {
      const { cloud: _cloud, dnsManagedZone, ...gcp } = p;
      const domain = settings.exposure.domain;
      return new GkePlatform(settings.stack, {
        clusterName: `${settings.project}-${settings.stack}`,
        kubernetesVersion: settings.kubernetesVersion,
        gcp,
        nodes: settings.nodes,
        labels: settings.tags,
        retainVolumes: settings.app.retainData,
        workloadLogs: settings.environment === "prod",
        allowedCidrs: settings.exposure.allowedCidrs,
        ...(domain ? { domain: { name: domain, managedZone: dnsManagedZone } } : {}),
      });
    }
  }
}
