// Kubernetes policies: what every workload, Service, Namespace and Helm release must look like.
// Props are the inputs the program sends (offline plan) or the provider-checked inputs (preview).

import type { ResourceValidationPolicy } from "@pulumi/policy";
import { arr, obj, type Obj } from "../lib/json";


const WORKLOAD_TYPES: Readonly<Record<string, (spec: Obj) => Obj>> = {
  "kubernetes:apps/v1:Deployment": (spec) => obj(obj(spec["template"])["spec"]),
  "kubernetes:apps/v1:StatefulSet": (spec) => obj(obj(spec["template"])["spec"]),
  "kubernetes:apps/v1:DaemonSet": (spec) => obj(obj(spec["template"])["spec"]),
  "kubernetes:apps/v1:ReplicaSet": (spec) => obj(obj(spec["template"])["spec"]),
  "kubernetes:batch/v1:Job": (spec) => obj(obj(spec["template"])["spec"]),
  "kubernetes:batch/v1:CronJob": (spec) => obj(obj(obj(obj(spec["jobTemplate"])["spec"])["template"])["spec"]),
  "kubernetes:core/v1:Pod": (spec) => spec,
};

/** The pod spec of a workload resource, or undefined for other types. */
export function podSpecOf(type: string, props: Obj): Obj | undefined {
  const get = WORKLOAD_TYPES[type];
  return get ? get(obj(props["spec"])) : undefined;
}

function containersOf(pod: Obj): Obj[] {
  return [...arr(pod["initContainers"]), ...arr(pod["containers"])].map(obj);
}

function objectName(props: Obj): string {
  const m = obj(props["metadata"]);
  return `${typeof m["namespace"] === "string" ? `${m["namespace"]}/` : ""}${typeof m["name"] === "string" ? m["name"] : "(generated name)"}`;
}

/** Pinned: a digest, or (unless digests are required) a tag that is not `latest`. */
export function imagePinProblem(image: string, requireDigest: boolean): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const last = image.split("/").pop() ?? image;
  const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : undefined;
  if (tag === undefined) return "has no tag or digest (it means :latest)";
  if (tag === "latest") return "uses the moving tag :latest";
  if (requireDigest) return `is pinned by tag (:${tag}) only; give its digest (@sha256:...), tags can be moved`;
  return undefined;
}

export const imagesPinned: ResourceValidationPolicy = {
  name: "k8s-images-pinned",
  description: "Container images are pinned: never :latest or untagged; by digest where requireDigest is set.",
  configSchema: { properties: { requireDigest: { type: "boolean", default: false } } },
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    const { requireDigest = false } = args.getConfig<{ requireDigest?: boolean }>();
    for (const c of containersOf(pod)) {
      if (typeof c["image"] !== "string") continue;
      const problem = imagePinProblem(c["image"], requireDigest);
      if (problem) report(`${objectName(args.props)}: container ${String(c["name"])} image ${c["image"]} ${problem}.`);
    }
  },
};

export const resourcesSet: ResourceValidationPolicy = {
  name: "k8s-resources-set",
  description: "Every container sets CPU and memory requests and limits.",
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const r = obj(c["resources"]);
      const missing = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].filter((p) => {
        const [kind, res] = p.split(".") as [string, string];
        return obj(r[kind])[res] === undefined;
      });
      if (missing.length) report(`${objectName(args.props)}: container ${String(c["name"])} sets no ${missing.join(", ")}.`);
    }
  },
};

export const noPrivilege: ResourceValidationPolicy = {
  name: "k8s-no-privilege",
  description: "No privileged containers, host namespaces, host ports or privilege escalation.",
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    const where = objectName(args.props);
    for (const host of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[host] === true) report(`${where}: ${host} is on.`);
    for (const c of containersOf(pod)) {
      const sc = obj(c["securityContext"]);
      const name = String(c["name"]);
      if (sc["privileged"] === true) report(`${where}: container ${name} is privileged.`);
      if (sc["allowPrivilegeEscalation"] !== false) report(`${where}: container ${name} does not set allowPrivilegeEscalation: false.`);
      if (arr(c["ports"]).some((p) => obj(p)["hostPort"] !== undefined)) report(`${where}: container ${name} binds a hostPort.`);
    }
  },
};

export const probesSet: ResourceValidationPolicy = {
  name: "k8s-probes",
  description: "Deployments and StatefulSets: every container that listens on a port has readiness and liveness probes.",
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:apps/v1:Deployment" && args.type !== "kubernetes:apps/v1:StatefulSet") return;
    const pod = podSpecOf(args.type, args.props) ?? {};
    for (const c of arr(pod["containers"]).map(obj)) {
      if (arr(c["ports"]).length === 0) continue;
      const missing = ["readinessProbe", "livenessProbe"].filter((p) => c[p] === undefined);
      if (missing.length) report(`${objectName(args.props)}: container ${String(c["name"])} listens but has no ${missing.join(" or ")}.`);
    }
  },
};

export const namespacePodSecurity: ResourceValidationPolicy = {
  name: "k8s-namespace-pod-security",
  description: "Namespaces enforce a Pod Security Standard (baseline or restricted).",
  configSchema: { properties: { minimumLevel: { type: "string", enum: ["baseline", "restricted"], default: "baseline" } } },
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:core/v1:Namespace") return;
    const { minimumLevel = "baseline" } = args.getConfig<{ minimumLevel?: string }>();
    const level = obj(obj(args.props["metadata"])["labels"])["pod-security.kubernetes.io/enforce"];
    const allowed = minimumLevel === "restricted" ? ["restricted"] : ["baseline", "restricted"];
    if (typeof level !== "string" || !allowed.includes(level)) {
      report(`Namespace ${objectName(args.props)}: label pod-security.kubernetes.io/enforce is ${String(level)}; set ${allowed.join(" or ")}.`);
    }
  },
};

const SECRET_NAME = /pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential/i;

export const noSecretLiterals: ResourceValidationPolicy = {
  name: "k8s-no-secret-literals",
  description: "Environment variables that look like secrets come from a Secret (secretKeyRef), not a literal value.",
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      for (const e of arr(c["env"]).map(obj)) {
        if (typeof e["name"] === "string" && SECRET_NAME.test(e["name"]) && e["value"] !== undefined && e["value"] !== "") {
          report(`${objectName(args.props)}: container ${String(c["name"])} sets ${e["name"]} as a literal; use valueFrom.secretKeyRef.`);
        }
      }
    }
  },
};

export const loadBalancersAllowed: ResourceValidationPolicy = {
  name: "k8s-loadbalancer-allowed",
  description: "Services of type LoadBalancer only where allowed (each costs money and faces the internet).",
  configSchema: { properties: { allowed: { type: "array", items: { type: "string" }, default: [] } } },
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:core/v1:Service" || obj(args.props["spec"])["type"] !== "LoadBalancer") return;
    const { allowed = [] } = args.getConfig<{ allowed?: string[] }>();
    const name = objectName(args.props);
    if (!allowed.includes(name)) report(`Service ${name} is a LoadBalancer; allowed: ${allowed.join(", ") || "none"}.`);
  },
};

export const minReplicas: ResourceValidationPolicy = {
  name: "k8s-min-replicas",
  description: "Stateless workloads (Deployments) run at least minReplicas replicas, except listed singletons.",
  configSchema: {
    properties: {
      minReplicas: { type: "integer", minimum: 1, default: 1 },
      exempt: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:apps/v1:Deployment") return;
    const { minReplicas: min = 1, exempt = [] } = args.getConfig<{ minReplicas?: number; exempt?: string[] }>();
    const name = objectName(args.props);
    const replicas = obj(args.props["spec"])["replicas"];
    const n = typeof replicas === "number" ? replicas : 1;
    if (!exempt.includes(name) && n < min) report(`Deployment ${name} runs ${n} replica${n === 1 ? "" : "s"}; at least ${min} required.`);
  },
};

export const helmReleasesPinned: ResourceValidationPolicy = {
  name: "helm-releases-pinned",
  description: "Helm releases name an exact chart version and an HTTPS (or OCI) repository.",
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:helm.sh/v3:Release" && args.type !== "kubernetes:helm.sh/v4:Chart") return;
    const version = args.props["version"];
    const chart = String(args.props["chart"] ?? "");
    const repo = obj(args.props["repositoryOpts"])["repo"];
    if (typeof version !== "string" || !/^v?\d+\.\d+\.\d+([-+][\w.]+)?$/.test(version)) {
      report(`Helm chart ${chart} has version ${JSON.stringify(version)}; pin an exact version (x.y.z).`);
    }
    if (!chart.startsWith("oci://") && (typeof repo !== "string" || !repo.startsWith("https://"))) {
      report(`Helm chart ${chart} names no HTTPS repository (repositoryOpts.repo): a local repo alias resolves differently on every machine.`);
    }
  },
};

export const kubernetesPolicies = [imagesPinned, resourcesSet, noPrivilege, probesSet, namespacePodSecurity, noSecretLiterals, loadBalancersAllowed, minReplicas, helmReleasesPinned];
