// How vote and result are reached on GKE with a domain: one GKE Ingress (class gce: a global
// external Application Load Balancer, container-native through NEGs) on a reserved global IPv4,
// a Google-managed certificate (ManagedCertificate), HTTP redirected to HTTPS (FrontendConfig),
// health checks on / and cookie affinity for result (BackendConfig), and A records in a Cloud DNS
// zone when one is given. Without a domain, GKE keeps LoadBalancer Services (their CLIENT_IP
// affinity keeps socket.io working): no Ingress, no static IP.
//
// Why GKE Ingress and not the Gateway API (gke-l7-global-external-managed): both are one global
// load balancer with two forwarding rules (:80, :443) at the same price, but the Gateway needs the
// cluster's gatewayApiConfig (an in-place cluster update in terraform-provider-google v7.x,
// resourceContainerClusterUpdate "gateway_api_config": no replacement, but an operation that locks
// the cluster), Certificate Manager resources (certificate, map, map entries, DNS authorizations
// and their CNAMEs) and GCPBackendPolicy/HealthCheckPolicy objects; the Ingress path needs none of
// that: ManagedCertificate, FrontendConfig and BackendConfig are installed on every GKE cluster with
// HttpLoadBalancing (on in components/gcp/cluster.ts). Its one drawback, a ManagedCertificate
// provisions only once DNS points at the load balancer, is met by the reserved IP: its records
// exist (or can be created) before the Ingress, and provisioning starts as soon as the load
// balancer answers. Sources: kubernetes/ingress-gce (pkg/annotations, pkg/apis/backendconfig/v1,
// pkg/apis/frontendconfig/v1beta1, pkg/utils/utils.go IsGCEIngress), GoogleCloudPlatform/
// gke-managed-certs deploy/managedcertificates-crd.yaml.

import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { CompanionObject, ExposedApp, IngressRoute, ServiceExposure } from "../platform";

/**
 * GKE's Ingress controller reads the class from this annotation only: an Ingress with
 * spec.ingressClassName (and no annotation) is not a GCE Ingress (ingress-gce
 * pkg/utils/utils.go IsGCEIngress: "Ingress controller does not have any ingress classes that can
 * be specified by spec.IngressClassName"), and the API server rejects an Ingress with both.
 */
export const GCE_INGRESS_CLASS = { annotation: "kubernetes.io/ingress.class", value: "gce" } as const;

/** ingress-gce pkg/annotations/ingress.go and service.go. */
export const GKE_ANNOTATIONS = {
  staticIp: "kubernetes.io/ingress.global-static-ip-name",
  managedCertificates: "networking.gke.io/managed-certificates",
  frontendConfig: "networking.gke.io/v1beta1.FrontendConfig",
  backendConfig: "cloud.google.com/backend-config",
  neg: "cloud.google.com/neg",
} as const;

/** Names of the objects beside the Ingress, in the app's namespace. */
export const GKE_OBJECTS = { certificate: "apps", frontend: "apps", backend: "apps", stickyBackend: "apps-sticky" } as const;

/**
 * How long the load balancer keeps a removed endpoint's open connections (connection draining; see
 * GRACEFUL_SHUTDOWN in voting-app/manifests.ts). It matters for vote: gunicorn finishes its in-flight
 * requests after SIGTERM. result's node process exits at SIGTERM (the upstream image runs
 * `tini -- node server.js` and server.js has no SIGTERM handler), so its open long-polls and
 * WebSockets end when the preStop sleep does, and the socket.io clients reconnect (a new handshake,
 * on another pod: the endpoint is already out of the NEG). Nothing is left to drain there.
 */
export const DRAINING_TIMEOUT_SECONDS = 20;

/**
 * result's cookie lifetime: a day, like the ALB's. It is also ingress-gce's upper bound: a
 * BackendConfig with affinityCookieTtlSec outside 0..86400 is rejected (pkg/backendconfig/
 * validation.go validateSessionAffinity), although the Compute API itself would take two weeks.
 */
export const AFFINITY_COOKIE_TTL_SECONDS = 86400;

/**
 * result's backend service timeout. For a WebSocket through the global external Application Load
 * Balancer this is the connection's maximum lifetime, idle or not (default 30 s: ingress-gce's
 * former examples/websocket README, https://cloud.google.com/load-balancing/docs/https#timeout-bes),
 * and ingress-gce sets it only from a BackendConfig (pkg/backends/features/timeout.go). With the
 * default, result's socket.io WebSocket is cut every 30 s and reconnects; and the upstream page adds
 * a `scores` listener per reconnect (result/views/app.js), so a dashboard left open grows heavier.
 * An hour: a reconnect an hour instead of 120. vote has no long-lived connection and keeps the
 * default 30 s (also its response timeout).
 */
export const RESULT_BACKEND_TIMEOUT_SECONDS = 3600;

export interface GkeDomain {
  /** The apps get `vote.<name>` and `result.<name>`. */
  readonly name: string;
  /** Cloud DNS managed zone (its name) in the stack's project that holds `name`; undefined: the user creates the records. */
  readonly managedZone: string | undefined;
}

export function appHost(app: ExposedApp, domain: string): string {
  return `${app}.${domain}`;
}

/** A Compute Engine resource name: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters. */
export function gceName(base: string, suffix: string): string {
  const head = base.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "");
  return `${head.slice(0, 62 - suffix.length).replace(/-+$/, "")}-${suffix}`;
}

export interface GkeIngressNames {
  /** The reserved global address's name (the Ingress names it, not its IP). */
  readonly address: string;
  /** The SSL policy's name (the FrontendConfig names it). */
  readonly sslPolicy: string;
}

/**
 * The exposure the voting app applies (pure: tests read it): one Ingress for both hosts, the
 * objects the GKE Ingress controller reads beside it, and the Services' annotations.
 */
export function gkeIngressExposure(domain: string, names: GkeIngressNames): Extract<ServiceExposure, { type: "Ingress" }> {
  const annotations = {
    [GCE_INGRESS_CLASS.annotation]: GCE_INGRESS_CLASS.value,
    [GKE_ANNOTATIONS.staticIp]: names.address,
    [GKE_ANNOTATIONS.managedCertificates]: GKE_OBJECTS.certificate,
    [GKE_ANNOTATIONS.frontendConfig]: GKE_OBJECTS.frontend,
  };
  const route = (app: ExposedApp): IngressRoute => ({ annotations, host: appHost(app, domain), url: { scheme: "https", port: 443 } });
  const backend = (sticky: boolean): CompanionObject => ({
    apiVersion: "cloud.google.com/v1",
    kind: "BackendConfig",
    name: sticky ? GKE_OBJECTS.stickyBackend : GKE_OBJECTS.backend,
    spec: {
      // vote and result answer GET / with 200 (their readiness probes check the same). With NEGs
      // the health check goes to the pod's serving port (80), from Google's health-check ranges.
      healthCheck: { type: "HTTP", requestPath: "/", port: 80, checkIntervalSec: 10, timeoutSec: 5, healthyThreshold: 1, unhealthyThreshold: 3 },
      connectionDraining: { drainingTimeoutSec: DRAINING_TIMEOUT_SECONDS },
      // result (socket.io): one pod per browser, and WebSockets that live longer than 30 s.
      ...(sticky ? { sessionAffinity: { affinityType: "GENERATED_COOKIE", affinityCookieTtlSec: AFFINITY_COOKIE_TTL_SECONDS }, timeoutSec: RESULT_BACKEND_TIMEOUT_SECONDS } : {}),
    },
  });
  return {
    type: "Ingress",
    layout: "single",
    // Container-native load balancing: the load balancer targets pod IPs through NEGs (ClusterIP
    // Services are only served that way). Default on VPC-native clusters, stated all the same.
    serviceAnnotations: { [GKE_ANNOTATIONS.neg]: JSON.stringify({ ingress: true }), [GKE_ANNOTATIONS.backendConfig]: JSON.stringify({ default: GKE_OBJECTS.backend }) },
    // socket.io's long-polling needs every request of a session on one pod: the load balancer's own cookie.
    stickyServiceAnnotations: { [GKE_ANNOTATIONS.backendConfig]: JSON.stringify({ default: GKE_OBJECTS.stickyBackend }) },
    namespaceLabels: {},
    routes: { vote: route("vote"), result: route("result") },
    companions: [
      { apiVersion: "networking.gke.io/v1", kind: "ManagedCertificate", name: GKE_OBJECTS.certificate, spec: { domains: [appHost("vote", domain), appHost("result", domain)] } },
      {
        apiVersion: "networking.gke.io/v1beta1",
        kind: "FrontendConfig",
        name: GKE_OBJECTS.frontend,
        spec: { sslPolicy: names.sslPolicy, redirectToHttps: { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" } },
      },
      backend(false),
      backend(true),
    ],
    dependsOn: [],
  };
}

export interface GkeExposureResources {
  readonly exposure: Extract<ServiceExposure, { type: "Ingress" }>;
  /** Records for the user to create when no managed zone is given. */
  readonly dnsRecordsToCreate: pulumi.Output<string[]> | undefined;
}

/**
 * The cloud side: the reserved global IPv4 the Ingress names, the SSL policy its FrontendConfig
 * names, and (with a managed zone) the apps' A records pointing at that address.
 */
export function createGkeExposure(name: string, clusterName: string, domain: GkeDomain, opts: pulumi.CustomResourceOptions): GkeExposureResources {
  const names: GkeIngressNames = { address: gceName(clusterName, "apps"), sslPolicy: gceName(clusterName, "tls") };
  const address = new gcp.compute.GlobalAddress(`${name}-apps-ip`, { name: names.address, addressType: "EXTERNAL", ipVersion: "IPV4", description: "vote and result (GKE Ingress)" }, opts);
  // TLS 1.2 and 1.3 with the MODERN profile's ciphers; GCP's default policy (COMPATIBLE, TLS 1.0) is wider.
  const sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, { name: names.sslPolicy, profile: "MODERN", minTlsVersion: "TLS_1_2" }, opts);
  const exposure = gkeIngressExposure(domain.name, names);
  const hosts = (["vote", "result"] as const).map((app) => appHost(app, domain.name));
  if (domain.managedZone) {
    for (const app of ["vote", "result"] as const) {
      // Cloud DNS names are absolute: the trailing dot is required.
      new gcp.dns.RecordSet(`${name}-dns-${app}`, { managedZone: domain.managedZone, name: `${appHost(app, domain.name)}.`, type: "A", ttl: 300, rrdatas: [address.address] }, opts);
    }
  }
  return {
    // The Ingress waits for the address and the policy it names.
    exposure: { ...exposure, dependsOn: [address, sslPolicy] },
    dnsRecordsToCreate: domain.managedZone ? undefined : address.address.apply((ip) => hosts.map((h) => `${h}. A ${ip}`)),
  };
}
