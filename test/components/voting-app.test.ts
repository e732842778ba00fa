import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IMAGE_PROFILES } from "../../components/voting-app/images";
import { DB_SECRET, POSTGRES_EXPORTER_QUERIES } from "../../components/voting-app/manifests";
import type { PlanDocument, ResourceRecord } from "../../plan/record";
import { DEFAULT_IMAGES, EXPORTER_IMAGES } from "../../stacks/presets";
import { planJson } from "../helpers/plan";
import { all, find, inputsOf } from "../helpers/records";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

const byName = (doc: PlanDocument, type: string, name: string): ResourceRecord => {
  const hits = all(doc, type).filter((r) => (r.inputs["metadata"] as { name?: string } | undefined)?.name === name);
  assert.equal(hits.length, 1, `one ${type} named ${name}`);
  return hits[0]!;
};
const podOf = (r: ResourceRecord) => ((r.inputs["spec"] as { template: { spec: PodSpec } }).template.spec) as Required<Pick<PodSpec, "containers">> & PodSpec;
const containers = (r: ResourceRecord) => podOf(r).containers as Container[];
const serviceSpec = (doc: PlanDocument, name: string) => inputsOf<k8s.core.v1.ServiceArgs>(byName(doc, "kubernetes:core/v1:Service", name)).spec as ServiceSpec;
const env = (c: Container) => Object.fromEntries(((c.env ?? []) as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe("voting app on the local stack", () => {
  const doc = () => planJson("local");

  it("names the Services redis and db, as the images hard-code, with the ports the images listen on", () => {
    const d = doc();
    assert.deepEqual(serviceSpec(d, "redis").ports, [{ name: "redis", port: 6379, targetPort: "redis" }]);
    assert.equal(serviceSpec(d, "redis").type, "ClusterIP");
    assert.deepEqual(serviceSpec(d, "db").ports, [{ name: "postgres", port: 5432, targetPort: "postgres" }]);
    assert.equal(serviceSpec(d, "db").type, "ClusterIP");
    for (const [svc, nodePort] of [["vote", 30080], ["result", 30081]] as const) {
      assert.equal(serviceSpec(d, svc).type, "NodePort", `${svc} is a NodePort on a local cluster`);
      assert.deepEqual(serviceSpec(d, svc).ports, [{ name: "http", port: 80, targetPort: "http", nodePort }]);
    }
    const vote = containers(byName(d, "kubernetes:apps/v1:Deployment", "vote"))[0]!;
    const result = containers(byName(d, "kubernetes:apps/v1:Deployment", "result"))[0]!;
    assert.deepEqual(vote.ports, [{ name: "http", containerPort: 80 }]);
    assert.deepEqual(result.ports, [{ name: "http", containerPort: 80 }]);
    assert.equal(env(result)["PORT"], "80");
    for (const svc of ["redis", "db", "vote", "result", "redis-metrics", "db-metrics"]) {
      assert.equal((byName(d, "kubernetes:core/v1:Service", svc).inputs["metadata"] as { namespace: string }).namespace, "voting");
    }
  });

  it("wires vote options, pinned images and the database credentials through a Secret", () => {
    const d = doc();
    const vote = containers(byName(d, "kubernetes:apps/v1:Deployment", "vote"))[0]!;
    assert.deepEqual([env(vote)["OPTION_A"], env(vote)["OPTION_B"]], ["Cats", "Dogs"]);
    assert.equal(vote.image, DEFAULT_IMAGES.vote);
    const db = byName(d, "kubernetes:apps/v1:StatefulSet", "db");
    const [postgres] = containers(db);
    const [exporter] = containers(byName(d, "kubernetes:apps/v1:Deployment", "postgres-exporter"));
    assert.equal(postgres!.image, DEFAULT_IMAGES.postgres);
    assert.equal(exporter!.image, EXPORTER_IMAGES.postgres);
    const ref = (key: string) => ({ secretKeyRef: { name: DB_SECRET, key } });
    assert.deepEqual(env(postgres!)["POSTGRES_PASSWORD"], ref("password"));
    assert.deepEqual(env(postgres!)["POSTGRES_USER"], ref("username"));
    assert.deepEqual(env(exporter!)["DATA_SOURCE_PASS"], ref("password"));
    assert.equal(env(postgres!)["PGDATA"], "/var/lib/postgresql/data/pgdata", "PGDATA in a subdirectory of the mount");
    const secret = byName(d, "kubernetes:core/v1:Secret", DB_SECRET);
    assert.deepEqual(secret.inputs["stringData"], "[secret]", "the password is a Pulumi secret in state");
    // No container anywhere carries a password as a literal value.
    for (const r of [...all(d, "kubernetes:apps/v1:Deployment"), ...all(d, "kubernetes:apps/v1:StatefulSet")]) {
      for (const c of containers(r)) {
        for (const [k, v] of Object.entries(env(c))) assert.ok(!/PASS|SECRET|TOKEN/i.test(k) || typeof v !== "string", `${String(c.name)}: ${k} is a literal`);
      }
    }
    for (const r of all(d, "kubernetes:apps/v1:Deployment")) for (const c of containers(r)) assert.match(String(c.image), /@sha256:[0-9a-f]{64}$/);
  });

  it("gives every container requests, limits and a strict securityContext; the namespace enforces 'restricted'", () => {
    const d = doc();
    const ns = inputsOf<k8s.core.v1.NamespaceArgs>(find(d, "kubernetes:core/v1:Namespace", "voting-ns")).metadata as { name: string; labels: Record<string, string> };
    assert.equal(ns.name, "voting");
    assert.equal(ns.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const workloads = [...all(d, "kubernetes:apps/v1:Deployment"), ...all(d, "kubernetes:apps/v1:StatefulSet")];
    assert.equal(workloads.length, 7, "five services and two exporters");
    for (const r of workloads) {
      const pod = podOf(r);
      assert.equal(pod.automountServiceAccountToken, false);
      for (const c of containers(r)) {
        const res = c.resources as { requests: Record<string, string>; limits: Record<string, string> };
        assert.ok(res.requests["cpu"] && res.requests["memory"] && res.limits["cpu"] && res.limits["memory"], `${String(c.name)} resources`);
        const sc = c.securityContext as Record<string, unknown>;
        assert.equal(sc["runAsNonRoot"], true, String(c.name));
        assert.equal(sc["allowPrivilegeEscalation"], false, String(c.name));
        assert.equal(sc["readOnlyRootFilesystem"], true, String(c.name));
        assert.deepEqual(sc["capabilities"], { drop: ["ALL"] }, String(c.name));
        assert.deepEqual(sc["seccompProfile"], { type: "RuntimeDefault" }, String(c.name));
        assert.notEqual(sc["runAsUser"], 0, String(c.name));
      }
    }
    // The images' own users where they have one.
    const user = (name: string, container: number, type = "kubernetes:apps/v1:Deployment") =>
      (containers(byName(d, type, name))[container]!.securityContext as { runAsUser: number }).runAsUser;
    assert.equal(user("result", 0), IMAGE_PROFILES.result.user);
    assert.equal(user("redis", 0), 999);
    assert.equal(user("db", 0, "kubernetes:apps/v1:StatefulSet"), 70);
    // vote and result bind :80 as non-root through the namespaced sysctl.
    for (const name of ["vote", "result"]) {
      const sysctls = (podOf(byName(d, "kubernetes:apps/v1:Deployment", name)).securityContext as { sysctls: unknown }).sysctls;
      assert.deepEqual(sysctls, [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    }
  });

  it("probes what can be probed: HTTP / for vote and result, redis-cli ping, pg_isready, exporter endpoints", () => {
    const d = doc();
    const c = (name: string, i = 0, type = "kubernetes:apps/v1:Deployment") => containers(byName(d, type, name))[i]!;
    assert.deepEqual((c("vote").readinessProbe as { httpGet: unknown }).httpGet, { path: "/", port: "http" });
    assert.deepEqual((c("result").readinessProbe as { httpGet: unknown }).httpGet, { path: "/", port: "http" });
    assert.deepEqual((c("redis").readinessProbe as { exec: unknown }).exec, { command: ["redis-cli", "ping"] });
    assert.deepEqual((c("redis-exporter").readinessProbe as { httpGet: unknown }).httpGet, { path: "/health", port: "metrics" });
    assert.deepEqual((c("db", 0, "kubernetes:apps/v1:StatefulSet").readinessProbe as { exec: unknown }).exec, { command: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] });
    // Every container that listens has both probes; the worker listens on nothing (see manifests.ts).
    for (const r of [...all(d, "kubernetes:apps/v1:Deployment"), ...all(d, "kubernetes:apps/v1:StatefulSet")]) {
      for (const x of containers(r)) {
        if ((x.ports as unknown[] | undefined)?.length) assert.ok(x.readinessProbe && x.livenessProbe, `${String(x.name)} probes`);
      }
    }
    assert.equal(c("worker").ports, undefined);
  });

  it("keeps Postgres data on a claim of the platform's storage class", () => {
    const d = doc();
    const sts = inputsOf<k8s.apps.v1.StatefulSetArgs>(byName(d, "kubernetes:apps/v1:StatefulSet", "db")).spec as { serviceName: string; volumeClaimTemplates: { metadata: { name: string }; spec: { storageClassName: string; resources: { requests: { storage: string } }; accessModes: string[] } }[] };
    assert.equal(sts.serviceName, "db");
    assert.equal(sts.volumeClaimTemplates.length, 1);
    const claim = sts.volumeClaimTemplates[0]!;
    assert.equal(claim.spec.storageClassName, "standard");
    assert.equal(claim.spec.resources.requests.storage, "2Gi");
    assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
    const mounts = containers(byName(d, "kubernetes:apps/v1:StatefulSet", "db"))[0]!.volumeMounts as { name: string; mountPath: string }[];
    assert.ok(mounts.some((m) => m.name === "data" && m.mountPath === "/var/lib/postgresql/data"));
  });

  it("scales vote with an HPA and adds no PDBs for single replicas", () => {
    const d = doc();
    const hpa = inputsOf<k8s.autoscaling.v2.HorizontalPodAutoscalerArgs>(find(d, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: unknown[] };
    assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "vote" });
    assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [1, 3]);
    assert.deepEqual(hpa.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
    assert.equal(all(d, "kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    // Affinity whatever the replica count: result may be scaled by hand, and one replica loses nothing by it.
    assert.equal(serviceSpec(d, "result").sessionAffinity, "ClientIP");
    assert.equal(serviceSpec(d, "vote").sessionAffinity, undefined);
  });

  it("denies all traffic, then allows exactly the app's conversations, DNS and scraping from monitoring", () => {
    const d = doc();
    const np = (name: string) => inputsOf<k8s.networking.v1.NetworkPolicyArgs>(byName(d, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name)).spec as NetworkPolicySpec & Record<string, unknown>;
    assert.deepEqual(np("default-deny"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = np("allow-dns");
    assert.deepEqual(dns.policyTypes, ["Egress"]);
    assert.deepEqual((dns.egress as { ports: unknown }[])[0]!.ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
    const pod = (w: string) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": w } } });
    const tcp = (port: number) => [{ protocol: "TCP", port }];
    assert.deepEqual(np("vote").egress, [{ to: [pod("redis")], ports: tcp(6379) }]);
    assert.deepEqual(np("vote").ingress, [{ ports: tcp(80) }]);
    assert.deepEqual(np("result").egress, [{ to: [pod("db")], ports: tcp(5432) }]);
    assert.deepEqual(np("result").ingress, [{ ports: tcp(80) }]);
    assert.deepEqual(np("worker").egress, [{ to: [pod("redis")], ports: tcp(6379) }, { to: [pod("db")], ports: tcp(5432) }]);
    assert.deepEqual(np("worker").ingress, []);
    const monitoring = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };
    assert.deepEqual(np("redis").ingress, [{ from: [pod("vote"), pod("worker"), pod("redis-exporter")], ports: tcp(6379) }]);
    // The backup CronJob's and the restore Job's pods too (backups are on by default: test/components/backup.test.ts).
    assert.deepEqual(np("db").ingress, [{ from: [pod("worker"), pod("result"), pod("postgres-exporter"), pod("postgres-backup"), pod("postgres-restore")], ports: tcp(5432) }]);
    assert.deepEqual(np("redis").egress, []);
    assert.deepEqual(np("db").egress, []);
    // The exporters: scraped from monitoring only, and each reaches only its database.
    assert.deepEqual(np("redis-exporter").ingress, [{ from: [monitoring], ports: tcp(9121) }]);
    assert.deepEqual(np("redis-exporter").egress, [{ to: [pod("redis")], ports: tcp(6379) }]);
    assert.deepEqual(np("postgres-exporter").ingress, [{ from: [monitoring], ports: tcp(9187) }]);
    assert.deepEqual(np("postgres-exporter").egress, [{ to: [pod("db")], ports: tcp(5432) }]);
  });

  it("exports metrics: Redis queue length and votes per option, through labelled metrics Services", () => {
    const d = doc();
    const redisExporter = containers(byName(d, "kubernetes:apps/v1:Deployment", "redis-exporter"))[0]!;
    assert.equal(env(redisExporter)["REDIS_EXPORTER_CHECK_SINGLE_KEYS"], "db0=votes");
    assert.equal(env(redisExporter)["REDIS_ADDR"], "redis://redis:6379", "over the Service the app uses");
    const pgExporter = containers(byName(d, "kubernetes:apps/v1:Deployment", "postgres-exporter"))[0]!;
    assert.equal(env(pgExporter)["DATA_SOURCE_URI"], "db:5432/postgres?sslmode=disable");
    assert.match(POSTGRES_EXPORTER_QUERIES, /SELECT vote AS option, COUNT\(id\) AS count FROM votes GROUP BY vote/);
    const cm = byName(d, "kubernetes:core/v1:ConfigMap", "postgres-exporter-queries");
    assert.equal((cm.inputs["data"] as Record<string, string>)["queries.yaml"], POSTGRES_EXPORTER_QUERIES);
    for (const [svc, port] of [["redis-metrics", 9121], ["db-metrics", 9187]] as const) {
      const r = byName(d, "kubernetes:core/v1:Service", svc);
      assert.equal((r.inputs["metadata"] as { labels: Record<string, string> }).labels["voting-platform/metrics"], "true");
      assert.deepEqual(serviceSpec(d, svc).ports, [{ name: "metrics", port, targetPort: "metrics" }]);
    }
    assert.deepEqual(serviceSpec(d, "redis-metrics").selector, { "app.kubernetes.io/name": "redis-exporter" });
    assert.deepEqual(serviceSpec(d, "db-metrics").selector, { "app.kubernetes.io/name": "postgres-exporter" });
  });

  it("never lets an exporter gate a database: redis and db pods run one container each", () => {
    const d = doc();
    // A pod is Ready only when all its containers are; a crash-looping sidecar is never Ready.
    assert.deepEqual(containers(byName(d, "kubernetes:apps/v1:Deployment", "redis")).map((c) => c.name), ["redis"]);
    assert.deepEqual(containers(byName(d, "kubernetes:apps/v1:StatefulSet", "db")).map((c) => c.name), ["postgres"]);
    for (const name of ["redis-exporter", "postgres-exporter"]) {
      const r = byName(d, "kubernetes:apps/v1:Deployment", name);
      assert.equal((r.inputs["spec"] as { replicas: number }).replicas, 1);
    }
  });

  it("leaves vote's replica count to its HPA (no spec.replicas), and keeps it on the other Deployments", () => {
    const d = doc();
    const spec = (n: string) => byName(d, "kubernetes:apps/v1:Deployment", n).inputs["spec"] as Record<string, unknown>;
    assert.ok(!("replicas" in spec("vote")), "vote's replicas belong to the HorizontalPodAutoscaler");
    for (const n of ["result", "worker", "redis"]) assert.equal(typeof spec(n)["replicas"], "number", n);
  });

  it("keeps the db claim template as created; applies the whole claim (forced, retained) before the StatefulSet, which waits for it", () => {
    const d = doc();
    const sts = byName(d, "kubernetes:apps/v1:StatefulSet", "db");
    assert.deepEqual(sts.options.ignoreChanges, ["spec.volumeClaimTemplates"]);
    const template = (sts.inputs["spec"] as { volumeClaimTemplates: { metadata: { name: string; labels: unknown } }[] }).volumeClaimTemplates[0]!;
    assert.deepEqual(template.metadata, { name: "data", labels: { "app.kubernetes.io/name": "db", "app.kubernetes.io/part-of": "voting-app" } }, "unchanged since first shipped (immutable)");
    const patch = d.resources.find((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaimPatch" && r.name === "voting-db-data")!;
    assert.ok(patch);
    // The name the StatefulSet controller gives the claim: <template>-<statefulset>-<ordinal>.
    const stsName = (sts.inputs["metadata"] as { name: string }).name;
    assert.deepEqual(patch.inputs["metadata"], { name: `${template.metadata.name}-${stsName}-0`, namespace: "voting", labels: template.metadata.labels, annotations: { "pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true" } });
    // A whole claim, so that on a first install the apply creates it; the template's class and access mode.
    const tspec = (sts.inputs["spec"] as { volumeClaimTemplates: { spec: Record<string, unknown> }[] }).volumeClaimTemplates[0]!.spec;
    assert.deepEqual(patch.inputs["spec"], { accessModes: tspec["accessModes"], storageClassName: tspec["storageClassName"], resources: { requests: { storage: "2Gi" } } });
    assert.equal(patch.options.retainOnDelete, true);
    assert.deepEqual(patch.options.ignoreChanges, ["spec.storageClassName", "spec.accessModes"], "immutable on a claim: set at creation only");
    assert.ok(sts.dependsOn.includes(patch.urn), "the StatefulSet waits for its claim");
    assert.ok(!patch.dependsOn.includes(sts.urn), "the claim does not wait behind the StatefulSet's rollout");
  });

  it("puts Kubernetes' recommended labels on every object of the app", () => {
    const d = doc();
    const app = d.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.endsWith("Patch") && (r.inputs["metadata"] as { namespace?: string; name?: string } | undefined)?.namespace === "voting");
    assert.ok(app.length >= 25, `the app's objects (${app.length})`);
    for (const r of [...app, find(d, "kubernetes:core/v1:Namespace", "voting-ns")]) {
      const l = ((r.inputs["metadata"] as { labels?: Record<string, string> }).labels ?? {});
      for (const k of ["app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"]) assert.ok(l[k], `${r.type} ${r.name}: ${k}`);
    }
    for (const r of [...all(d, "kubernetes:apps/v1:Deployment"), ...all(d, "kubernetes:apps/v1:StatefulSet")]) {
      const l = (r.inputs["metadata"] as { labels: Record<string, string> }).labels;
      assert.ok(l["app.kubernetes.io/name"] && l["app.kubernetes.io/component"], r.name);
      const pod = (r.inputs["spec"] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      assert.deepEqual(pod, l, `${r.name}: the pods carry the same labels`);
    }
  });

  it("tells how to open the app on a local cluster", () => {
    assert.equal(doc().outputs["voteUrl"], "http://localhost:8080 (kind created with kind-config.yaml maps it to NodePort 30080; otherwise: kubectl -n voting port-forward svc/vote 8080:80)");
    assert.equal(doc().outputs["resultUrl"], "http://localhost:8081 (kind created with kind-config.yaml maps it to NodePort 30081; otherwise: kubectl -n voting port-forward svc/result 8081:80)");
  });
});

describe("voting app per environment", () => {
  it("staging: two vote/result replicas with PDBs, ClusterIP Services behind the ALB, result sticky there", () => {
    const d = planJson("staging");
    const pdbs = all(d, "kubernetes:policy/v1:PodDisruptionBudget").map((r) => (r.inputs["metadata"] as { name: string }).name).sort();
    assert.deepEqual(pdbs, ["result", "vote"]);
    // IP targets bypass kube-proxy: the ALB's target-group stickiness keeps a client on its pod.
    assert.equal(serviceSpec(d, "result").sessionAffinity, undefined);
    const annotations = (svc: string) => (byName(d, "kubernetes:core/v1:Service", svc).inputs["metadata"] as { annotations: Record<string, string> }).annotations;
    assert.match(annotations("result")["alb.ingress.kubernetes.io/target-group-attributes"]!, /stickiness\.enabled=true/);
    assert.doesNotMatch(annotations("vote")["alb.ingress.kubernetes.io/target-group-attributes"]!, /stickiness/);
    assert.equal(serviceSpec(d, "vote").type, "ClusterIP");
    assert.equal((byName(d, "kubernetes:apps/v1:Deployment", "result").inputs["spec"] as { replicas: number }).replicas, 2);
    const hpa = find(d, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs["spec"] as { minReplicas: number };
    assert.equal(hpa.minReplicas, 2, "vote's two replicas are the HPA's minimum");
    assert.match(String(containers(byName(d, "kubernetes:apps/v1:StatefulSet", "db"))[0]!.image), /^public\.ecr\.aws\/docker\/library\/postgres:15-alpine@sha256:/, "off Docker Hub's anonymous limit on AWS");
    assert.match(String(containers(byName(d, "kubernetes:apps/v1:Deployment", "redis"))[0]!.image), /^public\.ecr\.aws\/docker\/library\/redis:alpine@sha256:/);
    const claim = (byName(d, "kubernetes:apps/v1:StatefulSet", "db").inputs["spec"] as { volumeClaimTemplates: { spec: { storageClassName: string } }[] }).volumeClaimTemplates[0]!;
    assert.equal(claim.spec.storageClassName, "gp3-encrypted", "the EKS platform's class");
  });

  it("prod: the database and its namespace are protected and outlive a stack delete", () => {
    const d = planJson("prod");
    for (const r of [byName(d, "kubernetes:apps/v1:StatefulSet", "db"), find(d, "kubernetes:core/v1:Namespace", "voting-ns")]) {
      assert.equal(r.options.protect, true, r.type);
      assert.equal(r.options.retainOnDelete, true, r.type);
    }
    assert.deepEqual(all(d, "kubernetes:policy/v1:PodDisruptionBudget").map((r) => (r.inputs["metadata"] as { name: string }).name).sort(), ["result", "vote", "worker"]);
    const dev = planJson("dev");
    assert.equal(byName(dev, "kubernetes:apps/v1:StatefulSet", "db").options.protect, false);
  });
});
