import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEREGISTRATION_DELAY_SECONDS, HTTP_PORTS, STICKINESS, albExposure, ingressGroupName } from "../../components/aws/exposure";
import { GRACEFUL_SHUTDOWN } from "../../components/voting-app/manifests";
import { LOAD_BALANCER_CONTROLLER_CHART, LOAD_BALANCER_CONTROLLER_IAM, LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT } from "../../components/aws/load-balancer-controller";
import { albGroups, estimateCost } from "../../estimates/cost";
import type { PlanDocument, ResourceRecord } from "../../plan/record";
import { ROOT, planJson } from "../helpers/plan";
import { all, find, inputsOf } from "../helpers/records";

const HTTPS = ["--config-file", "test/fixtures/Pulumi.https.yaml"];
const A = "alb.ingress.kubernetes.io";

const meta = (r: ResourceRecord) => r.inputs["metadata"] as { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
const named = (d: PlanDocument, type: string, name: string) => {
  const hits = all(d, type).filter((r) => meta(r).name === name);
  assert.equal(hits.length, 1, `one ${type} named ${name}`);
  return hits[0]!;
};
const ingress = (d: PlanDocument, app: string) => named(d, "kubernetes:networking.k8s.io/v1:Ingress", app);
const ingressSpec = (r: ResourceRecord) => r.inputs["spec"] as { ingressClassName: string; rules: { host?: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] };

for (const stack of ["dev", "staging", "prod"]) {
  describe(`AWS Load Balancer Controller and the app's ALB, stack ${stack}`, () => {
    const doc = () => planJson(stack);

    it("installs the pinned controller chart with cluster name, region and VPC given (no IMDS from pods)", () => {
      const d = doc();
      const rel = inputsOf<k8s.helm.v3.ReleaseArgs>(find(d, "kubernetes:helm.sh/v3:Release", `${stack}-lb-controller`));
      assert.equal(rel.chart, "aws-load-balancer-controller");
      assert.equal(rel.version, LOAD_BALANCER_CONTROLLER_CHART.version);
      assert.deepEqual(rel.repositoryOpts, { repo: "https://aws.github.io/eks-charts" });
      assert.equal(rel.namespace, "kube-system");
      const v = rel.values as Record<string, unknown> & { serviceAccount: { create: boolean; name: string } };
      assert.equal(v["clusterName"], `voting-platform-${stack}`);
      assert.equal(v["region"], "us-east-1");
      assert.equal(v["vpcId"], `${stack}-vpc-id`, "the VPC's ID, from the VPC the cluster runs in");
      assert.deepEqual(v.serviceAccount, { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT });
      assert.equal(v["enableServiceMutatorWebhook"], false);
      assert.equal(v["ingressClass"], "alb");
    });

    it("gives the controller its own Pod Identity role carrying the published IAM policy of the pinned version", () => {
      const d = doc();
      const assoc = find(d, "aws:eks/podIdentityAssociation:PodIdentityAssociation", `${stack}-lb-controller`);
      const a = inputsOf<aws.eks.PodIdentityAssociationArgs>(assoc);
      assert.equal(a.namespace, "kube-system");
      assert.equal(a.serviceAccount, LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT);
      assert.equal(a.roleArn, `arn:aws:iam::111122223333:role/${stack}-lb-controller`);
      const role = inputsOf<aws.iam.RoleArgs>(find(d, "aws:iam/role:Role", `${stack}-lb-controller`));
      assert.match(String(role.assumeRolePolicy), /pods\.eks\.amazonaws\.com/);
      const policy = inputsOf<aws.iam.RolePolicyArgs>(find(d, "aws:iam/rolePolicy:RolePolicy", `${stack}-lb-controller`));
      assert.deepEqual(JSON.parse(String(policy.policy)), LOAD_BALANCER_CONTROLLER_IAM.policy);
      // The association needs the Pod Identity agent; the release needs the association and nodes.
      const agent = all(d, "aws:eks/addon:Addon").find((r) => r.inputs["addonName"] === "eks-pod-identity-agent")!;
      assert.ok(assoc.dependsOn.includes(agent.urn));
      const release = find(d, "kubernetes:helm.sh/v3:Release", `${stack}-lb-controller`);
      assert.ok(release.dependsOn.includes(assoc.urn));
      const groups = all(d, "eks:index:ManagedNodeGroup");
      assert.ok(groups.length > 0);
      for (const g of groups) assert.ok(release.dependsOn.includes(g.urn), `the release waits for ${g.name}`);
    });

    it("serves vote and result through exactly one internet-facing ALB: one IngressGroup, IP targets, no LoadBalancer Service", () => {
      const d = doc();
      const lbServices = all(d, "kubernetes:core/v1:Service").filter((r) => (r.inputs["spec"] as { type?: string }).type === "LoadBalancer");
      assert.deepEqual(lbServices.map((r) => meta(r).name), []);
      const ingresses = all(d, "kubernetes:networking.k8s.io/v1:Ingress");
      assert.deepEqual(ingresses.map((r) => meta(r).name).sort(), ["result", "vote"]);
      assert.deepEqual(albGroups(d.resources), { internet: 1, internal: 0 });
      for (const r of ingresses) {
        const ann = meta(r).annotations!;
        assert.equal(ann[`${A}/group.name`], `voting-platform-${stack}`);
        assert.equal(ann[`${A}/scheme`], "internet-facing");
        assert.equal(ann[`${A}/target-type`], "ip");
        assert.equal(ann[`${A}/inbound-cidrs`], "0.0.0.0/0", "the app is open to anyone by default");
        assert.equal(ingressSpec(r).ingressClassName, "alb");
      }
      const alb = d.cost.lines.filter((l) => l.item.startsWith("Application Load Balancer"));
      assert.deepEqual(alb.map((l) => l.quantity), [1]);
      assert.equal(d.cost.lines.filter((l) => l.item.startsWith("Network Load Balancer")).length, 0);
    });

    it("routes each app at / on a listener port of its own (result's assets and socket.io use absolute paths), to ClusterIP Services", () => {
      const d = doc();
      for (const app of ["vote", "result"] as const) {
        const r = ingress(d, app);
        assert.equal(meta(r).annotations![`${A}/listen-ports`], JSON.stringify([{ HTTP: HTTP_PORTS[app] }]));
        assert.deepEqual(ingressSpec(r).rules, [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: app, port: { name: "http" } } } }] } }]);
        const svc = named(d, "kubernetes:core/v1:Service", app);
        assert.equal((svc.inputs["spec"] as { type: string }).type, "ClusterIP");
        assert.equal(meta(svc).annotations![`${A}/healthcheck-path`], "/");
      }
      assert.notEqual(HTTP_PORTS.vote, HTTP_PORTS.result);
      assert.match(String(d.outputs["voteUrl"]), /^http:\/\/[^:/]+\.elb\.amazonaws\.com$/);
      assert.match(String(d.outputs["resultUrl"]), /^http:\/\/[^:/]+\.elb\.amazonaws\.com:8080$/);
    });

    it("keeps result's sessions on one pod (target-group stickiness), and vote's free; both drain briefly on deregistration", () => {
      const d = doc();
      const attributes = (app: string) => new Map(meta(named(d, "kubernetes:core/v1:Service", app)).annotations![`${A}/target-group-attributes`]!.split(",").map((kv) => kv.split("=") as [string, string]));
      const result = attributes("result");
      assert.equal(result.get("stickiness.enabled"), "true");
      assert.equal(result.get("stickiness.type"), "lb_cookie");
      assert.ok(Number(result.get("stickiness.lb_cookie.duration_seconds")) >= 3600);
      assert.equal(attributes("vote").get("stickiness.enabled"), undefined);
      for (const app of ["vote", "result"]) {
        const delay = Number(attributes(app).get("deregistration_delay.timeout_seconds"));
        // The ALB's range is 0-3600 (annotations.md, target-group-attributes); lowered from the 300 s default.
        assert.ok(delay > 0 && delay < 300, `${app}: ${delay}`);
        assert.equal(delay, DEREGISTRATION_DELAY_SECONDS);
      }
      assert.match(STICKINESS, /^stickiness\.enabled=true,stickiness\.type=lb_cookie,/);
    });

    it("rolls vote and result without 502s: preStop sleep while the target deregisters, then the drain, within the grace period", () => {
      const d = doc();
      for (const app of ["vote", "result"]) {
        const pod = (named(d, "kubernetes:apps/v1:Deployment", app).inputs["spec"] as { template: { spec: k8s.types.input.core.v1.PodSpec } }).template.spec as {
          terminationGracePeriodSeconds: number;
          containers: { lifecycle?: { preStop?: { sleep?: { seconds: number } } } }[];
        };
        const sleep = pod.containers[0]!.lifecycle?.preStop?.sleep?.seconds;
        assert.equal(sleep, GRACEFUL_SHUTDOWN.preStopSleepSeconds, app);
        assert.ok(sleep! >= 5, "long enough for the controller to deregister the target");
        assert.ok(pod.terminationGracePeriodSeconds >= sleep! + DEREGISTRATION_DELAY_SECONDS, `${app}: the kubelet must not kill the pod before the ALB has drained it`);
      }
    });

    it("applies the Ingresses only once the controller (its webhook and IngressClass) is installed, with readiness gates on", () => {
      const d = doc();
      const release = find(d, "kubernetes:helm.sh/v3:Release", `${stack}-lb-controller`);
      for (const app of ["vote", "result"]) assert.ok(ingress(d, app).dependsOn.includes(release.urn), app);
      assert.equal(meta(find(d, "kubernetes:core/v1:Namespace", "voting-ns")).labels!["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
    });
  });
}

describe("the controller's IAM policy data", () => {
  it("is the published document of the pinned controller version, with its source, and fits an inline role policy", () => {
    const data = JSON.parse(readFileSync(path.join(ROOT, "components/aws/load-balancer-controller-iam-policy.json"), "utf8")) as { controllerVersion: string; source: string };
    assert.equal(data.controllerVersion, LOAD_BALANCER_CONTROLLER_CHART.appVersion);
    assert.equal(data.source, `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/${LOAD_BALANCER_CONTROLLER_CHART.appVersion}/docs/install/iam_policy.json`);
    const policy = LOAD_BALANCER_CONTROLLER_IAM.policy as { Version: string; Statement: { Effect: string; Action: string | string[] }[] };
    assert.equal(policy.Version, "2012-10-17");
    const actions = policy.Statement.flatMap((s) => s.Action);
    for (const needed of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyTargetGroupAttributes", "ec2:AuthorizeSecurityGroupIngress", "elasticloadbalancing:RegisterTargets"]) {
      assert.ok(actions.includes(needed), needed);
    }
    // IAM: a role's inline policies total at most 10,240 characters, whitespace not counted.
    assert.ok(JSON.stringify(policy).replace(/\s/g, "").length <= 10_240);
  });
});

describe("AWS exposure rules (pure)", () => {
  it("names the IngressGroup within the controller's rules", () => {
    assert.equal(ingressGroupName("voting-platform-dev"), "voting-platform-dev");
    assert.equal(ingressGroupName("Voting_Platform-Feature/X-"), "voting-platform-feature-x");
    assert.equal(ingressGroupName("x".repeat(80)).length, 63);
  });

  it("opens the ALB to the configured client ranges only, the same on both Ingresses (an Exclusive annotation)", () => {
    const e = albExposure({ groupName: "g", allowedCidrs: ["198.51.100.0/24", "203.0.113.0/24"] }, undefined, []);
    assert.equal(e.routes.vote.annotations[`${A}/inbound-cidrs`], "198.51.100.0/24,203.0.113.0/24");
    assert.equal(e.routes.result.annotations[`${A}/inbound-cidrs`], e.routes.vote.annotations[`${A}/inbound-cidrs`]);
  });
});

describe("HTTPS on your own domain (test/fixtures/Pulumi.https.yaml)", () => {
  const doc = () => planJson("https", HTTPS);

  it("requests an ACM certificate for vote.<domain> and result.<domain>, validated by DNS records in the hosted zone", () => {
    const d = doc();
    const cert = inputsOf<aws.acm.CertificateArgs>(find(d, "aws:acm/certificate:Certificate"));
    assert.equal(cert.domainName, "vote.apps.example.com");
    assert.deepEqual(cert.subjectAlternativeNames, ["result.apps.example.com"]);
    assert.equal(cert.validationMethod, "DNS");
    const records = all(d, "aws:route53/record:Record").filter((r) => r.name.includes("cert-validation"));
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.inputs["zoneId"], "Z0123456789ABCDEFGHIJ");
      assert.equal(r.inputs["type"], "CNAME");
    }
    const validation = find(d, "aws:acm/certificateValidation:CertificateValidation");
    assert.deepEqual((validation.inputs["validationRecordFqdns"] as string[]).length, 2);
    for (const r of records) assert.ok(validation.dependsOn.includes(r.urn));
  });

  it("serves HTTPS with the validated certificate and redirects HTTP, host-routed on the one ALB", () => {
    const d = doc();
    const validation = find(d, "aws:acm/certificateValidation:CertificateValidation");
    assert.deepEqual(albGroups(d.resources), { internet: 1, internal: 0 });
    for (const app of ["vote", "result"]) {
      const r = ingress(d, app);
      const ann = meta(r).annotations!;
      assert.equal(ann[`${A}/listen-ports`], JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]));
      assert.equal(ann[`${A}/ssl-redirect`], "443");
      assert.equal(ann[`${A}/certificate-arn`], validation.inputs["certificateArn"]);
      assert.ok(r.dependsOn.includes(validation.urn), "the listener waits until ACM has issued the certificate");
      assert.match(ann[`${A}/ssl-policy`]!, /^ELBSecurityPolicy-TLS13-1-2/);
      assert.equal(ann[`${A}/inbound-cidrs`], "198.51.100.0/24,203.0.113.0/24");
      assert.equal(ingressSpec(r).rules[0]!.host, `${app}.apps.example.com`);
    }
  });

  it("points vote.<domain> and result.<domain> at the ALB and outputs the https URLs", () => {
    const d = doc();
    const address = String(d.outputs["voteUrl"]);
    assert.equal(address, "https://vote.apps.example.com");
    assert.equal(d.outputs["resultUrl"], "https://result.apps.example.com");
    for (const app of ["vote", "result"]) {
      const r = find(d, "aws:route53/record:Record", `https-dns-${app}`);
      assert.equal(r.inputs["name"], `${app}.apps.example.com`);
      assert.match(String((r.inputs["records"] as string[])[0]), /\.elb\.amazonaws\.com$/);
      assert.ok(r.dependsOn.includes(ingress(d, "vote").urn), "the record takes the ALB's name from the Ingress status");
    }
  });
});

describe("cost of the exposure", () => {
  it("dev costs less with one ALB than with an NLB per Service (the previous shape)", () => {
    const d = planJson("dev");
    const before = d.resources
      .filter((r) => r.type !== "kubernetes:networking.k8s.io/v1:Ingress")
      .map((r) => {
        const name = meta(r)?.name;
        if (r.type !== "kubernetes:core/v1:Service" || (name !== "vote" && name !== "result")) return r;
        return { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs["spec"] as object), type: "LoadBalancer" } } };
      });
    const nlbs = estimateCost(before);
    assert.ok(d.cost.monthly < nlbs.monthly, `${d.cost.monthly} < ${nlbs.monthly}`);
    assert.equal(d.cost.monthlyBeforeLoadBalancers, nlbs.monthlyBeforeLoadBalancers);
    // One ALB ($0.0225/h) and its two public IPv4 addresses ($0.005/h each) in dev's two AZs.
    assert.equal(Math.round((d.cost.monthly - d.cost.monthlyBeforeLoadBalancers) * 100) / 100, Math.round(730 * (0.0225 + 2 * 0.005) * 100) / 100);
  });
});
