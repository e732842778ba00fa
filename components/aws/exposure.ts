// How vote and result are reached on EKS: one internet-facing ALB, shared by the two apps'
// Ingresses through an IngressGroup, served by the AWS Load Balancer Controller (v3.5.0 docs:
// guide/ingress/annotations.md). With a domain: an ACM certificate validated through Route 53,
// HTTPS with a redirect from HTTP, and DNS names for the apps.
//
// Why an IngressGroup and not a Gateway: the controller serves HTTPRoutes (ALBGatewayAPI) only
// once the Gateway API CRDs are installed (standard v1.6.0, plus its own), which EKS does not ship
// and the chart does not install: one more pinned artefact to keep in step; and certificates on a
// Gateway come from discovery only (no certificateRefs). Ingress is core Kubernetes, validated
// offline against its schema, and carries everything needed here as annotations.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ExposedApp, IngressRoute, ServiceExposure } from "../platform";
import { ALB_INGRESS_CLASS } from "./load-balancer-controller";

const A = "alb.ingress.kubernetes.io";

/**
 * Listener ports without a domain. vote and result are separate apps that both live at `/`:
 * result's page loads /stylesheets/style.css, socket.io.js and app.js and opens socket.io at
 * /socket.io (dockersamples/example-voting-app result/views/index.html), vote's form posts to `/`
 * and loads /static/... (vote/templates/index.html). A path prefix per app would break both, so
 * without host names they get a listener port each on the one ALB.
 */
export const HTTP_PORTS: Readonly<Record<ExposedApp, number>> = { vote: 80, result: 8080 };

/** TLS 1.3 and 1.2 only; the controller's default (ELBSecurityPolicy-2016-08) still allows TLS 1.0. */
export const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * How long the ALB lets in-flight requests to a deregistered target finish (the default is 300 s,
 * range 0-3600: annotations.md, target-group-attributes). vote answers in milliseconds and gunicorn
 * finishes its requests after SIGTERM. result's node process exits at SIGTERM (no handler upstream),
 * so its socket.io long-polls (up to pingInterval, 25 s) and WebSockets are cut when the pod's preStop
 * sleep ends and reconnect on their own, to another target: nothing of result's is left to drain
 * after that. It must end before the pod is killed: the pods' preStop sleep plus this fits
 * their terminationGracePeriodSeconds (components/voting-app/manifests.ts GRACEFUL_SHUTDOWN).
 */
export const DEREGISTRATION_DELAY_SECONDS = 20;
const DEREGISTRATION = `deregistration_delay.timeout_seconds=${DEREGISTRATION_DELAY_SECONDS}`;

/** result's target group keeps a browser on one pod: socket.io's long-polling needs every request of a session on the same pod. */
export const STICKINESS = "stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=86400";

export interface AppDomain {
  /** The apps get `vote.<name>` and `result.<name>`. */
  readonly name: string;
  /** Route 53 hosted zone that holds `name`: certificate validation and the apps' records go there. */
  readonly hostedZoneId: string;
}

export interface AlbExposureArgs {
  /** Names the IngressGroup, hence the one ALB (the cluster's name). */
  readonly groupName: string;
  /** Client CIDRs the ALB's security group admits; empty: anywhere. */
  readonly allowedCidrs: readonly string[];
  readonly domain?: AppDomain;
}

/** An IngressGroup name: at most 63 of [a-z0-9-.], starting and ending alphanumeric (annotations.md, group.name). */
export function ingressGroupName(clusterName: string): string {
  const name = clusterName.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").slice(0, 63).replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return name || "voting";
}

export function appHost(app: ExposedApp, domain: string): string {
  return `${app}.${domain}`;
}

/**
 * The exposure the voting app applies (pure: tests read it). Annotations of "Exclusive" merge
 * behaviour (scheme, inbound-cidrs, ssl-redirect, ssl-policy, load-balancer-attributes) carry the
 * same value on both Ingresses, as the controller requires within a group.
 */
export function albExposure(args: AlbExposureArgs, certificateArn: pulumi.Input<string> | undefined, dependsOn: readonly pulumi.Resource[]): Extract<ServiceExposure, { type: "Ingress" }> {
  const shared: Record<string, pulumi.Input<string>> = {
    [`${A}/group.name`]: ingressGroupName(args.groupName),
    [`${A}/scheme`]: "internet-facing",
    [`${A}/target-type`]: "ip",
    [`${A}/ip-address-type`]: "ipv4",
    // The ALB's own security group opens the listeners to these; the controller then allows the
    // ALB (not the world) into the pods' security group.
    [`${A}/inbound-cidrs`]: (args.allowedCidrs.length ? args.allowedCidrs : ["0.0.0.0/0"]).join(","),
    // Security Hub ELB.4: drop requests with invalid header fields.
    [`${A}/load-balancer-attributes`]: "routing.http.drop_invalid_header_fields.enabled=true",
  };
  const route = (app: ExposedApp): IngressRoute => {
    if (!args.domain || certificateArn === undefined) {
      return { annotations: { ...shared, [`${A}/listen-ports`]: JSON.stringify([{ HTTP: HTTP_PORTS[app] }]) }, url: { scheme: "http", port: HTTP_PORTS[app] } };
    }
    return {
      annotations: {
        ...shared,
        [`${A}/listen-ports`]: JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
        [`${A}/certificate-arn`]: certificateArn,
        [`${A}/ssl-redirect`]: "443",
        [`${A}/ssl-policy`]: SSL_POLICY,
      },
      host: appHost(app, args.domain.name),
      url: { scheme: "https", port: 443 },
    };
  };
  return {
    type: "Ingress",
    ingressClassName: ALB_INGRESS_CLASS,
    layout: "per-app",
    companions: [],
    // vote and result answer GET / with 200 (their readiness probes check the same). One
    // target-group-attributes annotation per Service: result's carries the deregistration delay too.
    serviceAnnotations: { [`${A}/healthcheck-path`]: "/", [`${A}/success-codes`]: "200", [`${A}/target-group-attributes`]: DEREGISTRATION },
    stickyServiceAnnotations: { [`${A}/target-group-attributes`]: `${DEREGISTRATION},${STICKINESS}` },
    // The controller's webhook adds a readiness gate to pods in namespaces with this label, so a
    // rolling update waits until the new pod is healthy in its target group (deploy/pod_readiness_gate.md).
    namespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
    routes: { vote: route("vote"), result: route("result") },
    dependsOn,
  };
}

/**
 * With a domain: an ACM certificate for vote.<domain> and result.<domain>, validated through DNS
 * records in the hosted zone; returns the ARN once ACM has issued it (an ALB listener refuses a
 * certificate still pending validation).
 */
export function createCertificate(name: string, domain: AppDomain, parent: pulumi.Resource, provider: aws.Provider): pulumi.Output<string> {
  const opts = { parent, provider };
  const hosts = (["vote", "result"] as const).map((app) => appHost(app, domain.name));
  const certificate = new aws.acm.Certificate(
    `${name}-app-cert`,
    { domainName: hosts[0]!, subjectAlternativeNames: hosts.slice(1), validationMethod: "DNS" },
    opts,
  );
  const records = hosts.map((host, i) => {
    const option = certificate.domainValidationOptions.apply((options) => {
      const o = options.find((x) => x.domainName === host);
      if (!o) throw new Error(`ACM returned no DNS validation record for ${host}`);
      return o;
    });
    return new aws.route53.Record(
      `${name}-app-cert-validation-${i}`,
      {
        zoneId: domain.hostedZoneId,
        name: option.apply((o) => o.resourceRecordName!),
        type: option.apply((o) => o.resourceRecordType!),
        records: [option.apply((o) => o.resourceRecordValue!)],
        ttl: 300,
        // The same validation record is shared by every certificate for the name (a re-created stack's too).
        allowOverwrite: true,
      },
      opts,
    );
  });
  const validation = new aws.acm.CertificateValidation(`${name}-app-cert`, { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) }, opts);
  return validation.certificateArn;
}

/** vote.<domain> and result.<domain> point at the ALB's DNS name. */
export function createAppRecords(name: string, domain: AppDomain, address: pulumi.Output<string>, parent: pulumi.Resource, provider: aws.Provider): aws.route53.Record[] {
  return (["vote", "result"] as const).map(
    (app) => new aws.route53.Record(`${name}-dns-${app}`, { zoneId: domain.hostedZoneId, name: appHost(app, domain.name), type: "CNAME", ttl: 300, records: [address] }, { parent, provider }),
  );
}
