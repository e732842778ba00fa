import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DRAINING_TIMEOUT_SECONDS, GCE_INGRESS_CLASS, GKE_ANNOTATIONS, RESULT_BACKEND_TIMEOUT_SECONDS, gceName, gkeIngressExposure } from "../../components/gcp/exposure";
import { GRACEFUL_SHUTDOWN } from "../../components/voting-app/manifests";
import { MANAGED_CERTIFICATE_DOMAIN, MANAGED_CERTIFICATE_DOMAIN_MAX } from "../../stacks/validate/exposure";
import { gceIngressForwardingRules } from "../../estimates/cost";
import { GLOBAL_ADDRESS } from "../../plan/cloud-mocks";
import type { PlanDocument, ResourceRecord } from "../../plan/record";
import { checkSchema, type Schema } from "../helpers/crd-schema";
import { validateRecords } from "../helpers/k8s-schema";
import { ROOT, planJson } from "../helpers/plan";
import { all, find } from "../helpers/records";

const HTTPS = ["--config-file", "test/fixtures/Pulumi.gcp-https.yaml"];
const NO_DNS = ["--config-file", "test/fixtures/Pulumi.gcp-https-nodns.yaml"];
const doc = () => planJson("gcp-dev", HTTPS);

type Meta = { name: string; namespace?: string; annotations?: Record<string, string> };
const meta = (r: ResourceRecord) => r.inputs["metadata"] as Meta;
const named = (d: PlanDocument, type: string, name: string) => {
  const hits = all(d, type).filter((r) => meta(r).name === name);
  assert.equal(hits.length, 1, `one ${type} named ${name}`);
  return hits[0]!;
};
const spec = <T>(r: ResourceRecord) => r.inputs["spec"] as T;
const CUSTOM = (apiVersion: string, kind: string) => `kubernetes:${apiVersion}:${kind}`;
const backendConfig = (d: PlanDocument, name: string) => spec<Record<string, Record<string, unknown>>>(named(d, CUSTOM("cloud.google.com/v1", "BackendConfig"), name));
const ingresses = (d: PlanDocument) => all(d, "kubernetes:networking.k8s.io/v1:Ingress");
/** The BackendConfig a Service names through cloud.google.com/backend-config. */
const backendOf = (d: PlanDocument, app: string) => (JSON.parse(meta(named(d, "kubernetes:core/v1:Service", app)).annotations![GKE_ANNOTATIONS.backendConfig]!) as { default: string }).default;

const CRDS = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/crds/gke-ingress.json"), "utf8")) as { kinds: Record<string, Schema> };

describe("HTTPS on GKE (test/fixtures/Pulumi.gcp-https.yaml)", () => {
  it("serves both apps from ONE GKE Ingress (one load balancer), by host, class by annotation (GKE ignores ingressClassName)", () => {
    const d = doc();
    const list = ingresses(d);
    assert.equal(list.length, 1);
    const ing = list[0]!;
    const ann = meta(ing).annotations!;
    assert.equal(ann[GCE_INGRESS_CLASS.annotation], "gce");
    assert.equal(spec<{ ingressClassName?: string }>(ing).ingressClassName, undefined, "the API server rejects class annotation and field together");
    const rules = spec<{ rules: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] }>(ing).rules;
    assert.deepEqual(
      rules.map((r) => [r.host, r.http.paths[0]!.path, r.http.paths[0]!.backend.service.name]),
      [
        ["vote.apps.example.com", "/", "vote"],
        ["result.apps.example.com", "/", "result"],
      ],
    );
    assert.equal(gceIngressForwardingRules(d.resources), 2, ":80 (redirect) and :443");
  });

  it("uses a reserved global IPv4 named on the Ingress, which the Ingress waits for", () => {
    const d = doc();
    const address = find(d, "gcp:compute/globalAddress:GlobalAddress");
    assert.equal(address.inputs["addressType"], "EXTERNAL");
    assert.equal(address.inputs["ipVersion"], "IPV4");
    const ing = ingresses(d)[0]!;
    assert.equal(meta(ing).annotations![GKE_ANNOTATIONS.staticIp], address.inputs["name"]);
    assert.ok(ing.dependsOn.includes(address.urn));
  });

  it("gets a Google-managed certificate for vote.<domain> and result.<domain>, named on the Ingress", () => {
    const d = doc();
    const cert = named(d, CUSTOM("networking.gke.io/v1", "ManagedCertificate"), "apps");
    assert.deepEqual(spec<{ domains: string[] }>(cert).domains, ["vote.apps.example.com", "result.apps.example.com"]);
    assert.equal(meta(cert).namespace, "voting", "a ManagedCertificate must be in the Ingress's namespace");
    const ing = ingresses(d)[0]!;
    assert.equal(meta(ing).annotations![GKE_ANNOTATIONS.managedCertificates], "apps");
    assert.ok(ing.dependsOn.includes(cert.urn));
  });

  it("redirects HTTP to HTTPS (FrontendConfig) with a TLS 1.2+ SSL policy", () => {
    const d = doc();
    const frontend = named(d, CUSTOM("networking.gke.io/v1beta1", "FrontendConfig"), "apps");
    const s = spec<{ redirectToHttps: { enabled: boolean; responseCodeName: string }; sslPolicy: string }>(frontend);
    assert.deepEqual(s.redirectToHttps, { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" });
    const policy = find(d, "gcp:compute/sSLPolicy:SSLPolicy");
    assert.equal(s.sslPolicy, policy.inputs["name"]);
    assert.equal(policy.inputs["minTlsVersion"], "TLS_1_2");
    assert.equal(policy.inputs["profile"], "MODERN");
    const ing = ingresses(d)[0]!;
    assert.equal(meta(ing).annotations![GKE_ANNOTATIONS.frontendConfig], "apps");
    // The redirect needs the HTTP listener: allow-http must not be "false".
    assert.notEqual(meta(ing).annotations!["kubernetes.io/ingress.allow-http"], "false");
    assert.ok(ing.dependsOn.includes(policy.urn), "the Ingress waits for the SSL policy its FrontendConfig names");
    assert.ok(ing.dependsOn.includes(frontend.urn), "the Ingress waits for its FrontendConfig");
  });

  it("keeps result's sessions on one pod (generated cookie) and vote's free, through BackendConfigs on the Services", () => {
    const d = doc();
    const result = backendConfig(d, backendOf(d, "result"));
    const vote = backendConfig(d, backendOf(d, "vote"));
    assert.notEqual(backendOf(d, "result"), backendOf(d, "vote"));
    assert.equal(result["sessionAffinity"]!["affinityType"], "GENERATED_COOKIE");
    assert.ok(Number(result["sessionAffinity"]!["affinityCookieTtlSec"]) >= 3600);
    assert.equal(vote["sessionAffinity"], undefined);
    for (const app of ["vote", "result"]) {
      const svc = named(d, "kubernetes:core/v1:Service", app);
      const s = spec<{ type: string; sessionAffinity?: string }>(svc);
      assert.equal(s.type, "ClusterIP", "NEGs target the pods; no LoadBalancer Service besides the Ingress");
      assert.equal(s.sessionAffinity, undefined, "kube-proxy is bypassed: the load balancer's cookie is what keeps the pod");
      assert.deepEqual(JSON.parse(meta(svc).annotations![GKE_ANNOTATIONS.neg]!), { ingress: true });
    }
    assert.equal(all(d, "kubernetes:core/v1:Service").filter((s) => spec<{ type: string }>(s).type === "LoadBalancer").length, 0);
  });

  it("lets result's socket.io WebSocket live an hour (backend timeout: the load balancer's 30 s default is its whole lifetime); vote keeps the default", () => {
    const d = doc();
    const result = backendConfig(d, backendOf(d, "result"));
    assert.equal(result["timeoutSec"], RESULT_BACKEND_TIMEOUT_SECONDS);
    // At least an hour (a reconnect, and a leaked listener on the upstream page, per hour instead
    // of per 30 s), at most a day (gcpdiag lb/BP/2025_002).
    assert.ok(RESULT_BACKEND_TIMEOUT_SECONDS >= 3600 && RESULT_BACKEND_TIMEOUT_SECONDS <= 86400);
    assert.equal(backendConfig(d, backendOf(d, "vote"))["timeoutSec"], undefined, "vote: short requests, the default 30 s response timeout");
  });

  it("health-checks GET / on the pods' serving port, and drains within the pods' grace period", () => {
    const d = doc();
    for (const app of ["vote", "result"]) {
      const b = backendConfig(d, backendOf(d, app));
      assert.equal(b["healthCheck"]!["type"], "HTTP");
      assert.equal(b["healthCheck"]!["requestPath"], "/");
      // With NEGs the health check goes to the pod: the port the container serves on.
      const pod = (named(d, "kubernetes:apps/v1:Deployment", app).inputs["spec"] as { template: { spec: { containers: { ports: { containerPort: number }[] }[]; terminationGracePeriodSeconds: number } } }).template.spec;
      assert.equal(b["healthCheck"]!["port"], pod.containers[0]!.ports[0]!.containerPort);
      assert.equal(b["connectionDraining"]!["drainingTimeoutSec"], DRAINING_TIMEOUT_SECONDS);
      assert.ok(pod.terminationGracePeriodSeconds >= GRACEFUL_SHUTDOWN.preStopSleepSeconds + DRAINING_TIMEOUT_SECONDS);
    }
  });

  it("lets Google's front ends and health checkers reach vote and result (Dataplane V2 enforces NetworkPolicy)", () => {
    // GFE and health-check sources: 130.211.0.0/22 and 35.191.0.0/16 (GKE "Container-native load
    // balancing", firewall and NetworkPolicy notes). The app's policies admit any source on :80.
    const d = doc();
    for (const app of ["vote", "result"]) {
      const policy = named(d, "kubernetes:networking.k8s.io/v1:NetworkPolicy", app);
      const rules = spec<{ ingress: { from?: unknown[]; ports: { port: number }[] }[] }>(policy).ingress;
      assert.ok(
        rules.some((r) => r.from === undefined && r.ports.some((p) => p.port === 80)),
        `${app}: an ingress rule without a source restriction on :80`,
      );
    }
  });

  it("puts A records for both hosts in the Cloud DNS zone, at the reserved address, and outputs the https URLs", () => {
    const d = doc();
    const address = find(d, "gcp:compute/globalAddress:GlobalAddress");
    for (const app of ["vote", "result"]) {
      const r = find(d, "gcp:dns/recordSet:RecordSet", `gcp-dev-dns-${app}`);
      assert.equal(r.inputs["managedZone"], "apps-example-com");
      assert.equal(r.inputs["name"], `${app}.apps.example.com.`);
      assert.equal(r.inputs["type"], "A");
      assert.deepEqual(r.inputs["rrdatas"], [GLOBAL_ADDRESS]);
      assert.ok(r.dependsOn.includes(address.urn));
    }
    assert.ok(all(d, "gcp:projects/service:Service").some((s) => s.inputs["service"] === "dns.googleapis.com"));
    assert.equal(d.outputs["voteUrl"], "https://vote.apps.example.com");
    assert.equal(d.outputs["resultUrl"], "https://result.apps.example.com");
    assert.equal(d.outputs["dnsRecordsToCreate"], undefined);
  });

  it("applies the certificate, FrontendConfig and BackendConfigs before the Services and Ingress that name them", () => {
    const d = doc();
    const ing = ingresses(d)[0]!;
    for (const [apiVersion, kind] of [
      ["networking.gke.io/v1", "ManagedCertificate"],
      ["networking.gke.io/v1beta1", "FrontendConfig"],
      ["cloud.google.com/v1", "BackendConfig"],
    ] as const) {
      for (const c of all(d, CUSTOM(apiVersion, kind))) assert.ok(ing.dependsOn.includes(c.urn), `${kind} ${meta(c).name}`);
    }
    for (const app of ["vote", "result"]) {
      const svc = named(d, "kubernetes:core/v1:Service", app);
      const config = named(d, CUSTOM("cloud.google.com/v1", "BackendConfig"), backendOf(d, app));
      assert.ok(svc.dependsOn.includes(config.urn), `Service ${app} waits for BackendConfig ${meta(config).name}`);
    }
  });

  it("its built-in objects are valid against the Kubernetes OpenAPI schema", async () => {
    const results = await validateRecords(doc().resources.filter((r) => !r.type.includes("gke.io") && !r.type.includes("cloud.google.com")));
    assert.ok(results.some((r) => r.record.type === "kubernetes:networking.k8s.io/v1:Ingress"));
    assert.deepEqual(
      results.filter((r) => r.error).map((r) => `${r.record.type} ${r.record.name}: ${r.error}`),
      [],
    );
  });

  it("its custom objects match their CRD schemas (test/fixtures/crds/gke-ingress.json)", () => {
    const d = doc();
    const custom = d.resources.filter((r) => /^kubernetes:(networking\.gke\.io|cloud\.google\.com)\//.test(r.type));
    assert.equal(custom.length, 4, "ManagedCertificate, FrontendConfig, two BackendConfigs");
    for (const r of custom) {
      const m = /^kubernetes:([^:]+):(\w+)$/.exec(r.type)!;
      const schema = CRDS.kinds[`${m[1]} ${m[2]}`];
      assert.ok(schema, `a schema for ${r.type}`);
      assert.deepEqual(checkSchema(r.inputs["spec"], schema), [], r.name);
    }
  });

  it("the CRD check can fail: a misspelt field, a wrong enum and an over-long domain are rejected", () => {
    const backend = CRDS.kinds["cloud.google.com/v1 BackendConfig"]!;
    assert.match(checkSchema({ sessionAfinity: {} }, backend).join(), /sessionAfinity is not a field/);
    assert.match(checkSchema({ sessionAffinity: { affinityType: "COOKIE" } }, backend).join(), /must be one of/);
    // ingress-gce's own bound (pkg/backendconfig/validation.go), tighter than the Compute API's two weeks.
    assert.match(checkSchema({ sessionAffinity: { affinityCookieTtlSec: 7 * 86400 } }, backend).join(), /affinityCookieTtlSec is above 86400/);
    assert.match(checkSchema({ timeoutSec: 0 }, backend).join(), /timeoutSec is below 1/);
    const cert = CRDS.kinds["networking.gke.io/v1 ManagedCertificate"]!;
    assert.match(checkSchema({ domains: [`result.${"a".repeat(60)}.com`] }, cert).join(), /longer than 63/);
  });

  it("the stack validation applies the ManagedCertificate CRD's own name rules", () => {
    const items = CRDS.kinds["networking.gke.io/v1 ManagedCertificate"]!.properties!["domains"]!.items!;
    assert.equal(MANAGED_CERTIFICATE_DOMAIN.source, items.pattern);
    assert.equal(MANAGED_CERTIFICATE_DOMAIN_MAX, items.maxLength);
  });

  it("prices two global forwarding rules instead of the two Services' rules, and no address (attached to a forwarding rule: free)", () => {
    const https = doc().cost;
    const plain = planJson("gcp-dev").cost;
    const lines = (c: typeof https, prefix: string) => c.lines.filter((l) => l.item.startsWith(prefix));
    assert.deepEqual(lines(https, "Global forwarding rules").map((l) => l.quantity), [2]);
    assert.equal(lines(https, "Forwarding rules, one per LoadBalancer Service").length, 0);
    assert.deepEqual(lines(plain, "Forwarding rules, one per LoadBalancer Service").map((l) => l.quantity), [2]);
    // https://cloud.google.com/vpc/network-pricing#ipaddress: addresses attached to forwarding
    // rules are not charged; the only address line is Cloud NAT's, in both plans.
    const addresses = (c: typeof https) => c.lines.filter((l) => l.unit === "address").map((l) => l.item);
    assert.deepEqual(addresses(https), addresses(plain));
    // The same forwarding-rule price (the first five together): the same monthly figure.
    assert.ok(Math.abs(https.monthly - plain.monthly) < 0.01, `${https.monthly} vs ${plain.monthly}`);
    assert.equal(https.monthlyBeforeLoadBalancers, plain.monthlyBeforeLoadBalancers);
  });
});

describe("deploy time with HTTPS on GKE", () => {
  it("puts the GKE Ingress (its load balancer) on the critical path; the certificate gates nothing", () => {
    const d = doc();
    const ing = ingresses(d)[0]!;
    assert.ok(d.schedule.path.includes(ing.urn), "Pulumi waits for the load balancer's address");
    assert.ok(d.schedule.criticalPathMinutes > planJson("gcp-dev").schedule.criticalPathMinutes);
    const cert = named(d, CUSTOM("networking.gke.io/v1", "ManagedCertificate"), "apps");
    // The Services wait for the companion objects (the BackendConfigs they name): applied in seconds.
    const services = ["vote", "result"].map((app) => named(d, "kubernetes:core/v1:Service", app).urn);
    assert.ok(!d.resources.some((r) => r.dependsOn.includes(cert.urn) && r.urn !== ing.urn && !services.includes(r.urn)), "nothing but the Ingress and the Services waits for the certificate object");
  });

  it("the README quotes the plans' critical paths, with and without a domain", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const https = doc().schedule.criticalPathMinutes;
    const plain = planJson("gcp-dev").schedule.criticalPathMinutes;
    const section = readme.slice(readme.indexOf("### HTTPS on GKE"), readme.indexOf("## The voting app"));
    assert.ok(section.includes(`${https} min`) && section.includes(`${plain} min`), `HTTPS on GKE should say ${plain} min without a domain and ${https} min with one`);
    const step = readme.slice(readme.indexOf("## Path C"), readme.indexOf("## Troubleshooting"));
    assert.match(step, new RegExp(`about ${Math.round(plain)} minutes \\(${Math.round(https)} with \\x60domain\\x60`));
  });
});

describe("HTTPS on GKE without a Cloud DNS zone (test/fixtures/Pulumi.gcp-https-nodns.yaml)", () => {
  it("creates no records and outputs the two A records to create", () => {
    const d = planJson("gcp-dev", NO_DNS);
    assert.equal(all(d, "gcp:dns/recordSet:RecordSet").length, 0);
    assert.ok(!all(d, "gcp:projects/service:Service").some((s) => s.inputs["service"] === "dns.googleapis.com"));
    assert.deepEqual(d.outputs["dnsRecordsToCreate"], [`vote.apps.example.com. A ${GLOBAL_ADDRESS}`, `result.apps.example.com. A ${GLOBAL_ADDRESS}`]);
    assert.equal(d.outputs["voteUrl"], "https://vote.apps.example.com");
  });
});

describe("GKE without a domain keeps LoadBalancer Services", () => {
  it("gcp-dev: no Ingress, no static address, result's Service with ClientIP affinity", () => {
    const d = planJson("gcp-dev");
    assert.equal(ingresses(d).length, 0);
    assert.equal(all(d, "gcp:compute/globalAddress:GlobalAddress").length, 0);
    assert.equal(spec<{ sessionAffinity?: string; type: string }>(named(d, "kubernetes:core/v1:Service", "result")).sessionAffinity, "ClientIP");
  });
});

describe("GKE exposure (pure)", () => {
  it("names Compute Engine resources within their rules", () => {
    assert.equal(gceName("voting-platform-gcp-dev", "apps"), "voting-platform-gcp-dev-apps");
    const long = gceName(`9-${"x".repeat(80)}`, "tls");
    assert.match(long, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    assert.ok(long.length <= 63);
  });

  it("gives both routes the same annotations (one Ingress carries them) and sticky config to result only", () => {
    const e = gkeIngressExposure("apps.example.com", { address: "a", sslPolicy: "p" });
    assert.equal(e.layout, "single");
    assert.equal(e.ingressClassName, undefined);
    assert.deepEqual(e.routes.vote.annotations, e.routes.result.annotations);
    assert.deepEqual(Object.keys(e.stickyServiceAnnotations), [GKE_ANNOTATIONS.backendConfig]);
  });
});
