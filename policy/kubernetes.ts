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

/** The only capability Pod Security "restricted" lets a container add. */
const ADDABLE_CAPABILITIES = ["NET_BIND_SERVICE"];

export const noPrivilege: ResourceValidationPolicy = {
  name: "k8s-no-privilege",
  description: "No privileged containers, added capabilities (beyond NET_BIND_SERVICE), host namespaces, host ports, hostPath volumes, UID 0 or privilege escalation.",
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    const where = objectName(args.props);
    for (const host of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[host] === true) report(`${where}: ${host} is on.`);
    for (const v of arr(pod["volumes"]).map(obj)) if (v["hostPath"] !== undefined) report(`${where}: volume ${String(v["name"])} mounts a hostPath (the node's filesystem).`);
    if (obj(pod["securityContext"])["runAsUser"] === 0) report(`${where}: the pod runs as UID 0 (root).`);
    for (const c of containersOf(pod)) {
      const sc = obj(c["securityContext"]);
      const name = String(c["name"]);
      if (sc["privileged"] === true) report(`${where}: container ${name} is privileged.`);
      if (sc["allowPrivilegeEscalation"] !== false) report(`${where}: container ${name} does not set allowPrivilegeEscalation: false.`);
      if (sc["runAsUser"] === 0) report(`${where}: container ${name} runs as UID 0 (root).`);
      const added = arr(obj(sc["capabilities"])["add"]).map(String).filter((cap) => !ADDABLE_CAPABILITIES.includes(cap.replace(/^CAP_/, "")));
      if (added.length) report(`${where}: container ${name} adds capabilities ${added.join(", ")} (only ${ADDABLE_CAPABILITIES.join(", ")} may be added).`);
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

/**
 * Env vars a cloud's identity webhook writes into pods as literals that name no secret: the EKS Pod
 * Identity webhook adds these two, with these values, to every container (init containers too) of a
 * pod whose ServiceAccount has an association (aws/amazon-eks-pod-identity-webhook @3bf80a3:
 * pkg/constants.go names, main.go flags container-credentials-full-uri and
 * container-credentials-token-mount-path/-token-path defaults, pkg/handler/handler.go addEnvToContainer).
 * The FULL_URI's IPv6 form is the agent's address on IPv6 clusters (EKS user guide, "Set up the
 * Amazon EKS Pod Identity Agent"). Exact name and exact value only: anything else is still refused.
 */
export const IDENTITY_WEBHOOK_ENV: Readonly<Record<string, readonly string[]>> = {
  AWS_CONTAINER_CREDENTIALS_FULL_URI: ["http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials"],
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ["/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"],
};
/** A credential inside a value: scheme://user:password@host, or Password=/Pwd= in a key=value; string. */
const SECRET_IN_VALUE = /:\/\/[^/\s:@]+:[^@\s]+@|(^|;)\s*(password|pwd)\s*=\s*[^;\s]/i;

/** Why an env var leaks a secret as a literal, or undefined. */
export function secretLiteralProblem(env: Obj): string | undefined {
  const name = env["name"];
  const value = env["value"];
  if (typeof name !== "string" || typeof value !== "string" || value === "") return undefined;
  if (IDENTITY_WEBHOOK_ENV[name]?.includes(value)) return undefined;
  if (SECRET_NAME.test(name)) return `sets ${name} as a literal`;
  if (SECRET_IN_VALUE.test(value)) return `sets ${name} to a connection string with a password in it`;
  return undefined;
}

export const noSecretLiterals: ResourceValidationPolicy = {
  name: "k8s-no-secret-literals",
  description: "Secrets come from a Secret (secretKeyRef), not a literal: neither env vars named like secrets nor connection strings with a password.",
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      for (const e of arr(c["env"]).map(obj)) {
        const problem = secretLiteralProblem(e);
        if (problem) report(`${objectName(args.props)}: container ${String(c["name"])} ${problem}; use valueFrom.secretKeyRef.`);
      }
    }
  },
};

/** How an object takes traffic from outside the cluster, or undefined when it does not. */
export function externalExposure(type: string, props: Obj): string | undefined {
  const annotations = obj(obj(props["metadata"])["annotations"]);
  const spec = obj(props["spec"]);
  if (type === "kubernetes:core/v1:Service") return spec["type"] === "LoadBalancer" ? "a LoadBalancer Service" : undefined;
  if (type === "kubernetes:networking.k8s.io/v1:Ingress") {
    // AWS Load Balancer Controller: scheme defaults to internal; GKE: external unless the gce-internal class.
    // (kubernetes-sigs/aws-load-balancer-controller docs, guide/ingress/annotations; GKE "Ingress for internal Application Load Balancers")
    const cls = String(spec["ingressClassName"] ?? annotations["kubernetes.io/ingress.class"] ?? "");
    // An IngressGroup member is served by the group's ALB, internet-facing when any member (in any
    // namespace) says so (v3.5.0 pkg/ingress/model_build_load_balancer.go, group_loader.go; docs
    // guide/ingress/annotations.md, IngressGroup security note).
    if (annotations["alb.ingress.kubernetes.io/group.name"] !== undefined) return "an ALB Ingress in an IngressGroup";
    if (cls === "alb" || annotations["alb.ingress.kubernetes.io/scheme"] !== undefined) {
      return annotations["alb.ingress.kubernetes.io/scheme"] === "internet-facing" ? "an internet-facing ALB Ingress" : undefined;
    }
    return cls === "gce-internal" ? undefined : "an Ingress";
  }
  if (type === "kubernetes:gateway.networking.k8s.io/v1:Gateway") {
    // Internal GKE classes: gke-l7-rilb, gke-l7-cross-regional-internal-managed-mc...; AWS Gateway API
    // Controller's amazon-vpc-lattice (a VPC Lattice service network: reachable from associated VPCs
    // only, aws/aws-application-networking-k8s); the rest are external.
    const cls = String(spec["gatewayClassName"] ?? "");
    return /internal|rilb/.test(cls) || INTERNAL_GATEWAY_CLASSES.includes(cls) ? undefined : "a Gateway";
  }
  if (type === INGRESS_CLASS_PARAMS) {
    // AWS Load Balancer Controller: an IngressClassParams' scheme overrides every Ingress of its class,
    // whatever their annotations say (docs guide/ingress/ingress_class.md, "spec.scheme").
    // spec.group puts every Ingress of its class into that IngressGroup (over their annotation).
    if (spec["scheme"] === "internet-facing") return "an IngressClassParams with scheme internet-facing";
    return spec["group"] !== undefined ? "an IngressClassParams with spec.group" : undefined;
  }
  return undefined;
}

/** GatewayClasses whose Gateways are not reachable from the internet, besides GKE's internal ones. */
export const INTERNAL_GATEWAY_CLASSES = ["amazon-vpc-lattice"];
export const INGRESS_CLASS_PARAMS = "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams";
const NAMESPACE_NAME = "kubernetes.io/metadata.name";

/**
 * The namespaces an IngressClassParams' namespaceSelector confines its class to, by name
 * (matchLabels or an `In` expression on kubernetes.io/metadata.name), or undefined when it admits
 * any namespace (absent or empty: all namespaces, per the CRD).
 */
export function ingressClassParamsNamespaces(props: Obj): string[] | undefined {
  const sel = obj(obj(props["spec"])["namespaceSelector"]);
  const byLabel = obj(sel["matchLabels"])[NAMESPACE_NAME];
  const sets: string[][] = [];
  if (typeof byLabel === "string") sets.push([byLabel]);
  for (const e of arr(sel["matchExpressions"]).map(obj)) if (e["key"] === NAMESPACE_NAME && e["operator"] === "In") sets.push(arr(e["values"]).map(String));
  if (!sets.length) return undefined;
  // Every requirement must hold: the namespaces in all of them.
  return sets.reduce((a, b) => a.filter((x) => b.includes(x)));
}

export const loadBalancersAllowed: ResourceValidationPolicy = {
  name: "k8s-loadbalancer-allowed",
  description:
    "Internet-facing exposure only where allowed (each costs money and faces the internet): LoadBalancer Services by name, Ingresses and Gateways by name or namespace, an ALB Ingress in an IngressGroup like an internet-facing one, an ALB IngressClassParams with scheme internet-facing or spec.group only when its namespaceSelector confines it to those namespaces.",
  configSchema: {
    properties: {
      allowed: { type: "array", items: { type: "string" }, default: [] },
      ingressNamespaces: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: (args, report) => {
    const kind = externalExposure(args.type, args.props);
    if (!kind) return;
    const { allowed = [], ingressNamespaces = [] } = args.getConfig<{ allowed?: string[]; ingressNamespaces?: string[] }>();
    const name = objectName(args.props);
    if (args.type === INGRESS_CLASS_PARAMS) {
      const confined = ingressClassParamsNamespaces(args.props);
      if (confined && confined.every((n) => ingressNamespaces.includes(n))) return;
      report(`${name} is ${kind} for ${confined ? confined.join(", ") : "every namespace"}; its namespaceSelector must confine it (kubernetes.io/metadata.name) to ${ingressNamespaces.join(", ") || "no namespace"}.`);
      return;
    }
    const namespace = obj(args.props["metadata"])["namespace"];
    const byNamespace = args.type !== "kubernetes:core/v1:Service" && typeof namespace === "string" && ingressNamespaces.includes(namespace);
    if (allowed.includes(name) || byNamespace) return;
    const where = [...allowed, ...(args.type === "kubernetes:core/v1:Service" ? [] : ingressNamespaces.map((n) => `${n}/*`))];
    report(`${name} is ${kind}; allowed: ${where.join(", ") || "none"}.`);
  },
};

export const minReplicas: ResourceValidationPolicy = {
  name: "k8s-min-replicas",
  description:
    "Stateless workloads (Deployments) run at least minReplicas replicas, except listed singletons; a Deployment that leaves replicas to a HorizontalPodAutoscaler is checked on the autoscaler's minReplicas.",
  configSchema: {
    properties: {
      minReplicas: { type: "integer", minimum: 1, default: 1 },
      exempt: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: (args, report) => {
    const { minReplicas: min = 1, exempt = [] } = args.getConfig<{ minReplicas?: number; exempt?: string[] }>();
    const spec = obj(args.props["spec"]);
    if (args.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler") {
      const target = obj(spec["scaleTargetRef"]);
      const ns = obj(args.props["metadata"])["namespace"];
      const name = `${typeof ns === "string" ? `${ns}/` : ""}${String(target["name"])}`;
      const n = typeof spec["minReplicas"] === "number" ? spec["minReplicas"] : 1;
      if (target["kind"] === "Deployment" && !exempt.includes(name) && n < min) report(`HorizontalPodAutoscaler ${objectName(args.props)} lets ${name} scale down to ${n}; at least ${min} required.`);
      return;
    }
    if (args.type !== "kubernetes:apps/v1:Deployment") return;
    const name = objectName(args.props);
    // Unset under an autoscaler (which owns the count, and is checked above).
    if (spec["replicas"] === undefined) return;
    const n = typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
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
