// The pack's Kubernetes rules as ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1,
// GA in Kubernetes 1.30: no controller to install), as pure data. Unlike the pack, which sees only
// what this program declares, these gate everything the API server admits: Helm releases'
// contents, kubectl, operators' pods.
//
// CEL as Kubernetes evaluates it (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/,
// https://kubernetes.io/docs/reference/using-api/cel/): `object` is the admitted object,
// `variables.<name>` the policy's variables (evaluated lazily), `matches` is an RE2 partial match,
// `lowerAscii` comes from the Kubernetes strings library.
//
// Scope, and why:
// - "baseline" (no privilege, host namespaces/ports/paths, added capabilities, UID 0, :latest or
//   untagged images) applies to every namespace except the control plane's and the clouds' own
//   (their DaemonSets need host access by design). The charts' pods pass it: kube-prometheus-stack
//   with node-exporter off, Grafana with initChownData off; cluster-autoscaler runs in kube-system.
// - "workloads" (privilege escalation off, requests and limits, probes, no secrets as literals,
//   digests where required) applies to the app's namespace only, like the pack, which checks the
//   app's workloads: the charts' images are pinned by tag (kube-prometheus-stack's operator renders
//   Prometheus with no CPU limit on purpose), so in the monitoring namespace they would be denied.
// - exposure (LoadBalancer Services, internet-facing Ingresses, Gateways) and namespaces' Pod
//   Security labels apply everywhere but the excluded namespaces.

import { IDENTITY_WEBHOOK_ENV } from "../../policy/kubernetes";
import type { Environment } from "../../stacks/presets";

/** Namespaces of the control plane and of the clouds' managed add-ons (EKS, GKE): never gated. */
export const SYSTEM_NAMESPACES = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  // GKE: managed components and Managed Service for Prometheus (gmp-system on older clusters,
  // gke-gmp-system on newer ones); the gke-managed-* ones GKE Autopilot itself keeps out of tenants'
  // ValidatingAdmissionPolicies (the NotIn list it adds to their namespaceSelector).
  "gke-managed-system",
  "gke-managed-cim",
  "gke-managed-filestorecsi",
  "gke-managed-volumepopulator",
  "gke-managed-parallelstorecsi",
  "gke-managed-lustrecsi",
  "gke-managed-checkpointing",
  "gke-managed-otel",
  "gke-managed-mldiagnostics",
  "gke-managed-networking-dra-driver",
  "gke-managed-pod-snapshots",
  "gke-gmp-system",
  "gmp-system",
  "gmp-public",
  // EKS add-ons that install into their own namespaces (CloudWatch observability, GuardDuty runtime
  // monitoring, Network Flow Monitor agent).
  "amazon-cloudwatch",
  "amazon-guardduty",
  "amazon-network-flow-monitor",
] as const;
// Exact names, not prefixes: a prefix (amazon-*) let anyone who may create a namespace exempt it.
// And only the control plane may create a namespace with one of these names (NAMESPACE_RULE), so
// the exemption cannot be self-granted on a cluster that lacks the add-on either.

/** GatewayClasses whose Gateways are not reachable from the internet (the pack's list), besides GKE's internal ones. */
export const INTERNAL_GATEWAY_CLASSES = ["amazon-vpc-lattice"];
const NAMESPACE_NAME = "kubernetes.io/metadata.name";

/** Capabilities a container may add: the one Pod Security "restricted" allows. */
const ADDABLE = ["NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE"];

export interface Validation {
  readonly expression: string;
  readonly message: string;
  readonly reason?: "Forbidden" | "Invalid";
}

export interface Rule {
  /** Policy name suffix; the policy is `voting-platform-<name>`. */
  readonly name: string;
  readonly resourceRules: readonly { apiGroups: string[]; apiVersions: string[]; resources: string[] }[];
  readonly variables: readonly { name: string; expression: string }[];
  readonly matchConditions?: readonly { name: string; expression: string }[];
  readonly validations: readonly Validation[];
  /** Only the app's namespace, or every namespace but the system ones. */
  readonly scope: "app" | "cluster";
  /**
   * What the validations read, as CEL over `object` or `oldObject`: an UPDATE that leaves all of it
   * as it was is not checked again (ratcheting), so an object admitted before a policy existed, or
   * before the allow list changed, can still lose its finalizers (the service controller's
   * load-balancer cleanup, a PVC's protection) and be relabelled. Absent: every UPDATE is checked.
   */
  readonly watched?: (o: "object" | "oldObject") => string[];
}

/** `o.<path>` or `''` when any step of the path is absent. */
const field = (o: string, path: string) => {
  const steps = path.split(".");
  const guards = steps.map((_, i) => `has(${o}.${steps.slice(0, i + 1).join(".")})`);
  return `(${guards.join(" && ")} ? ${o}.${path} : '')`;
};
/** An annotation's value, or `''` when absent. */
const annotation = (o: string, key: string) => `(has(${o}.metadata.annotations) && '${key}' in ${o}.metadata.annotations ? ${o}.metadata.annotations['${key}'] : '')`;

/** The match condition that skips an UPDATE leaving what a rule reads unchanged. */
export function ratchetCondition(watched: (o: "object" | "oldObject") => string[]) {
  const now = watched("object");
  const before = watched("oldObject");
  // oldObject is set on every UPDATE (null only on CREATE): no null test needed.
  return { name: "created-or-changed", expression: `request.operation != 'UPDATE' || ${now.map((e, i) => `${e} != ${before[i]!}`).join(" || ")}` };
}

const list = (values: readonly string[]) => `[${values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(", ")}]`;

const POD_SHAPES = [
  { suffix: "pods", resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }], spec: "object.spec", path: "spec" },
  {
    suffix: "workloads",
    resourceRules: [
      { apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
      { apiGroups: ["batch"], apiVersions: ["v1"], resources: ["jobs"] },
    ],
    spec: "object.spec.template.spec",
    path: "spec.template.spec",
  },
  // A CronJob's pods would otherwise be denied only as its Jobs, at every schedule, silently.
  { suffix: "cronjobs", resourceRules: [{ apiGroups: ["batch"], apiVersions: ["v1"], resources: ["cronjobs"] }], spec: "object.spec.jobTemplate.spec.template.spec", path: "spec.jobTemplate.spec.template.spec" },
] as const;

const podVariables = (spec: string) => [
  { name: "spec", expression: spec },
  { name: "containers", expression: "variables.spec.containers + (has(variables.spec.initContainers) ? variables.spec.initContainers : [])" },
];

/** A container field that is set and equal to a value: `set(c, 'privileged', 'true')`. */
const sc = (field: string, value: string) => `has(c.securityContext) && has(c.securityContext.${field}) && c.securityContext.${field} == ${value}`;

const PINNED = String.raw`c.image.matches('@sha256:[a-f0-9]{64}$') || (c.image.matches(':[^/:@]+$') && !c.image.endsWith(':latest'))`;
const DIGEST = String.raw`c.image.matches('@sha256:[a-f0-9]{64}$')`;
// The pack's k8s-no-secret-literals (policy/kubernetes.ts): names like secrets, or a password in a URL or key=value; string.
const SECRET_NAME = "pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential";
const SECRET_IN_VALUE = String.raw`://[^/\\s:@]+:[^@\\s]+@|(^|;)\\s*(password|pwd)\\s*=\\s*[^;\\s]`;
// The identity webhook's literals (exact name and value), allowed as in the pack: the pod is validated as mutated.
const IDENTITY_ENV = Object.entries(IDENTITY_WEBHOOK_ENV).map(([n, values]) => `(e.name == '${n}' && e.value in ${list(values)})`).join(" || ");

function baselineValidations(): Validation[] {
  return [
    { expression: `variables.containers.all(c, !(${sc("privileged", "true")}))`, message: "Privileged containers are not allowed (k8s-no-privilege)." },
    {
      expression: ["hostNetwork", "hostPID", "hostIPC"].map((h) => `!(has(variables.spec.${h}) && variables.spec.${h})`).join(" && "),
      message: "hostNetwork, hostPID and hostIPC are not allowed (k8s-no-privilege).",
    },
    { expression: "variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))", message: "hostPort is not allowed (k8s-no-privilege)." },
    { expression: "!has(variables.spec.volumes) || variables.spec.volumes.all(v, !has(v.hostPath))", message: "hostPath volumes are not allowed (k8s-no-privilege)." },
    {
      expression: `variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(cap, cap in ${list(ADDABLE)}))`,
      message: "Containers may add no capability but NET_BIND_SERVICE (k8s-no-privilege).",
    },
    {
      expression: `!(has(variables.spec.securityContext) && has(variables.spec.securityContext.runAsUser) && variables.spec.securityContext.runAsUser == 0) && variables.containers.all(c, !(${sc("runAsUser", "0")}))`,
      message: "Running as UID 0 is not allowed (k8s-no-privilege).",
    },
    { expression: `variables.containers.all(c, ${PINNED})`, message: "Images are pinned: a tag other than :latest, or a digest (k8s-images-pinned)." },
  ];
}

function workloadValidations(requireDigest: boolean, probes: boolean): Validation[] {
  const v: Validation[] = [
    { expression: `variables.containers.all(c, ${sc("allowPrivilegeEscalation", "false")})`, message: "Every container sets allowPrivilegeEscalation: false (k8s-no-privilege)." },
    {
      expression: "variables.containers.all(c, has(c.resources) && has(c.resources.requests) && has(c.resources.limits) && 'cpu' in c.resources.requests && 'memory' in c.resources.requests && 'cpu' in c.resources.limits && 'memory' in c.resources.limits)",
      message: "Every container sets CPU and memory requests and limits (k8s-resources-set).",
    },
    {
      expression: `variables.containers.all(c, !has(c.env) || c.env.all(e, !has(e.value) || e.value == '' || ${IDENTITY_ENV} || (!e.name.lowerAscii().matches('${SECRET_NAME}') && !e.value.lowerAscii().matches('${SECRET_IN_VALUE}'))))`,
      message: "Secrets come from a Secret (valueFrom.secretKeyRef), not a literal value or a connection string with a password (k8s-no-secret-literals).",
    },
  ];
  if (requireDigest) v.push({ expression: `variables.containers.all(c, ${DIGEST})`, message: "Images are pinned by digest (@sha256:...) here (k8s-images-pinned, requireDigest)." });
  if (probes) {
    v.push({
      expression: "!(object.kind in ['Deployment', 'StatefulSet']) || variables.spec.containers.all(c, !has(c.ports) || size(c.ports) == 0 || (has(c.readinessProbe) && has(c.livenessProbe)))",
      message: "Containers that listen on a port have readiness and liveness probes (k8s-probes).",
    });
  }
  return v;
}

export interface ExposureAllowList {
  /** `namespace/name` of objects that may face the internet (the pack's `allowed`). */
  readonly allowed: readonly string[];
  /** Namespaces whose Ingresses and Gateways may face the internet (the pack's `ingressNamespaces`). */
  readonly ingressNamespaces: readonly string[];
}

const SCHEME = "alb.ingress.kubernetes.io/scheme";
const GROUP_NAME = "alb.ingress.kubernetes.io/group.name";
/** The annotations the Ingress rule reads. */
const INGRESS_ANNOTATIONS = ["kubernetes.io/ingress.class", SCHEME, GROUP_NAME];

function exposureRules(x: ExposureAllowList): Rule[] {
  const id = "(object.metadata.namespace + '/' + object.metadata.name)";
  const allowed = `${id} in ${list(x.allowed)}`;
  const namespaces = list(x.ingressNamespaces);
  const inNamespaces = `object.metadata.namespace in ${namespaces}`;
  return [
    {
      name: "exposure-services",
      scope: "cluster",
      // Only the type: the deployment tools' and controllers' other writes (ports, selectors) are no exposure.
      watched: (o) => [field(o, "spec.type")],
      resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["services"] }],
      variables: [],
      validations: [{ expression: `object.spec.type != 'LoadBalancer' || ${allowed}`, message: `LoadBalancer Services only where allowed: ${x.allowed.join(", ") || "none"} (k8s-loadbalancer-allowed).`, reason: "Forbidden" }],
    },
    {
      name: "exposure-ingresses",
      scope: "cluster",
      // What the rule reads, not every annotation (kubectl's last-applied-configuration, ingress-gce's status annotations).
      watched: (o) => [field(o, "spec.ingressClassName"), ...INGRESS_ANNOTATIONS.map((k) => annotation(o, k))],
      resourceRules: [{ apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], resources: ["ingresses"] }],
      variables: [
        { name: "annotations", expression: "has(object.metadata.annotations) ? object.metadata.annotations : {}" },
        { name: "ingressClass", expression: "has(object.spec.ingressClassName) ? object.spec.ingressClassName : ('kubernetes.io/ingress.class' in variables.annotations ? variables.annotations['kubernetes.io/ingress.class'] : '')" },
        // AWS Load Balancer Controller: internal unless scheme internet-facing, and an IngressGroup
        // member is served by the group's ALB, internet-facing when any member says so, in any
        // namespace (v3.5.0 pkg/ingress/model_build_load_balancer.go, group_loader.go; docs
        // guide/ingress/annotations.md "IngressGroup" security note): a group name is exposure.
        // GKE: external unless gce-internal.
        {
          name: "external",
          expression: `'${GROUP_NAME}' in variables.annotations || ((variables.ingressClass == 'alb' || '${SCHEME}' in variables.annotations) ? ('${SCHEME}' in variables.annotations && variables.annotations['${SCHEME}'] == 'internet-facing') : variables.ingressClass != 'gce-internal')`,
        },
      ],
      validations: [{ expression: `!variables.external || ${allowed} || ${inNamespaces}`, message: `Internet-facing Ingresses only in ${x.ingressNamespaces.join(", ") || "no namespace"} or where allowed (k8s-loadbalancer-allowed).`, reason: "Forbidden" }],
    },
    {
      name: "exposure-gateways",
      scope: "cluster",
      watched: (o) => [`${o}.spec.gatewayClassName`],
      resourceRules: [{ apiGroups: ["gateway.networking.k8s.io"], apiVersions: ["v1"], resources: ["gateways"] }],
      variables: [],
      validations: [{ expression: `object.spec.gatewayClassName.matches('internal|rilb') || object.spec.gatewayClassName in ${list(INTERNAL_GATEWAY_CLASSES)} || ${allowed} || ${inNamespaces}`, message: `External Gateways only in ${x.ingressNamespaces.join(", ") || "no namespace"} or where allowed (k8s-loadbalancer-allowed).`, reason: "Forbidden" }],
    },
    {
      // AWS Load Balancer Controller: an IngressClassParams' scheme overrides every Ingress of its
      // class, whatever their annotations say (docs guide/ingress/ingress_class.md, "spec.scheme"), so
      // an internet-facing one must be confined to the Ingress namespaces by its namespaceSelector. So
      // must one with spec.group: it puts every Ingress of its class into that IngressGroup (it wins
      // over the annotation, v3.5.0 group_loader.go), whose ALB may be internet-facing.
      name: "exposure-ingressclassparams",
      scope: "cluster",
      // spec is optional (the chart's own alb IngressClassParams has none).
      watched: (o) => [`(has(${o}.spec) ? ${o}.spec : {})`],
      resourceRules: [{ apiGroups: ["elbv2.k8s.aws"], apiVersions: ["v1beta1"], resources: ["ingressclassparams"] }],
      variables: [],
      validations: [
        {
          expression: `!has(object.spec) || ((!has(object.spec.scheme) || object.spec.scheme != 'internet-facing') && !has(object.spec.group)) || (has(object.spec.namespaceSelector) && ((has(object.spec.namespaceSelector.matchLabels) && '${NAMESPACE_NAME}' in object.spec.namespaceSelector.matchLabels && object.spec.namespaceSelector.matchLabels['${NAMESPACE_NAME}'] in ${namespaces}) || (has(object.spec.namespaceSelector.matchExpressions) && object.spec.namespaceSelector.matchExpressions.exists(e, e.key == '${NAMESPACE_NAME}' && e.operator == 'In' && has(e.values) && e.values.all(n, n in ${namespaces})))))`,
          message: `An internet-facing IngressClassParams, or one with spec.group, confines its namespaceSelector (${NAMESPACE_NAME}) to ${x.ingressNamespaces.join(", ") || "no namespace"} (k8s-loadbalancer-allowed).`,
          reason: "Forbidden",
        },
      ],
    },
  ];
}

/**
 * Control-plane identities that create namespaces: every user name under the reserved `system:`
 * prefix except service accounts (Kubernetes RBAC docs: "The system: prefix is reserved for
 * Kubernetes system use"; EKS access entries refuse user names starting with system:, and GKE's
 * own components, whose exact names are not published, use it: system:addon-manager,
 * system:gcp-controller-manager...), kube-system's service accounts, and EKS's eks:* identities
 * (eks:addon-manager). Used by the namespace rule's match condition below.
 */
const NAMESPACE_RULE: Rule = {
  name: "namespace-pod-security",
  scope: "cluster",
  watched: (o) => [`(has(${o}.metadata.labels) ? ${o}.metadata.labels : {})`],
  resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["namespaces"] }],
  variables: [],
  matchConditions: [
    // Namespaces the control plane and the clouds' controllers create for their add-ons: named
    // identities only (not every system:serviceaccount:*, which includes CI runners, Argo CD, Flux).
    // By the reserved prefix rather than a list: a GKE component missing from a list would have its
    // namespace refused.
    { name: "not-a-controller", expression: `!(request.userInfo.username.startsWith('system:') && !request.userInfo.username.startsWith('system:serviceaccount:')) && !request.userInfo.username.startsWith('system:serviceaccount:kube-system:') && !request.userInfo.username.startsWith('eks:')` },
  ],
  validations: [
    {
      // The exempt names are the control plane's: anyone else creating one would exempt it from every rule.
      expression: `request.operation != 'CREATE' || !(object.metadata.name in ${list(SYSTEM_NAMESPACES)})`,
      message: `Only the control plane creates the namespaces exempt from these policies (${SYSTEM_NAMESPACES.join(", ")}) (k8s-namespace-pod-security).`,
      reason: "Forbidden",
    },
    {
      // "default" exists in every cluster without a Pod Security label; its pods are still gated.
      expression: `object.metadata.name in ${list([...SYSTEM_NAMESPACES, "default"])} || (has(object.metadata.labels) && 'pod-security.kubernetes.io/enforce' in object.metadata.labels && object.metadata.labels['pod-security.kubernetes.io/enforce'] in ['baseline', 'restricted'])`,
      message: "Namespaces enforce a Pod Security Standard: label pod-security.kubernetes.io/enforce baseline or restricted (k8s-namespace-pod-security).",
    },
  ],
};

export interface AdmissionRulesArgs {
  readonly appNamespace: string;
  readonly requireDigest: boolean;
  readonly exposure: ExposureAllowList;
}

/** Every rule, in the order they are created. */
export function admissionRules(a: AdmissionRulesArgs): Rule[] {
  const podRules = POD_SHAPES.flatMap((shape): Rule[] => [
    { name: `baseline-${shape.suffix}`, scope: "cluster", watched: (o) => [`${o}.${shape.path}`], resourceRules: shape.resourceRules.map((r) => ({ ...r, apiGroups: [...r.apiGroups], apiVersions: [...r.apiVersions], resources: [...r.resources] })), variables: podVariables(shape.spec), validations: baselineValidations() },
    {
      name: `workloads-${shape.suffix}`,
      scope: "app",
      // The pod spec only: the deployment controller scales an old ReplicaSet by an UPDATE of
      // spec.replicas (kubernetes pkg/controller/deployment/sync.go, scaleReplicaSet), which must not
      // be denied for a template that predates a rule. (object.kind, read by the probes check, is immutable.)
      watched: (o) => [`${o}.${shape.path}`],
      resourceRules: shape.resourceRules.map((r) => ({ ...r, apiGroups: [...r.apiGroups], apiVersions: [...r.apiVersions], resources: [...r.resources] })),
      variables: podVariables(shape.spec),
      validations: workloadValidations(a.requireDigest, shape.suffix === "workloads"),
    },
  ]);
  return [...podRules, ...exposureRules(a.exposure), NAMESPACE_RULE];
}

/** Deny in staging and prod; in dev, warn the client and write to the audit log instead. */
export function validationActions(environment: Environment): ("Deny" | "Warn" | "Audit")[] {
  return environment === "dev" ? ["Warn", "Audit"] : ["Deny"];
}

const OPERATIONS = ["CREATE", "UPDATE"];

/** The ValidatingAdmissionPolicy object of a rule. */
export function policyObject(rule: Rule) {
  const conditions = [...(rule.matchConditions ?? []), ...(rule.watched ? [ratchetCondition(rule.watched)] : [])];
  return {
    apiVersion: "admissionregistration.k8s.io/v1" as const,
    kind: "ValidatingAdmissionPolicy" as const,
    metadata: { name: `voting-platform-${rule.name}` },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: { resourceRules: rule.resourceRules.map((r) => ({ ...r, operations: OPERATIONS })) },
      ...(conditions.length ? { matchConditions: conditions.map((c) => ({ ...c })) } : {}),
      ...(rule.variables.length ? { variables: rule.variables.map((v) => ({ ...v })) } : {}),
      validations: rule.validations.map((v) => ({ ...v })),
    },
  };
}

/** Its binding: where it applies, and what a failure does. */
export function bindingObject(rule: Rule, appNamespace: string, actions: readonly string[], excludeNamespaces: readonly string[] = []) {
  const key = "kubernetes.io/metadata.name";
  return {
    apiVersion: "admissionregistration.k8s.io/v1" as const,
    kind: "ValidatingAdmissionPolicyBinding" as const,
    metadata: { name: `voting-platform-${rule.name}` },
    spec: {
      policyName: `voting-platform-${rule.name}`,
      validationActions: [...actions],
      matchResources: {
        // Namespaces are selected by their own labels: the namespace rule sees the system names too
        // (to keep their creation to the control plane).
        namespaceSelector:
          rule.scope === "app"
            ? { matchLabels: { [key]: appNamespace } }
            : rule.name === NAMESPACE_RULE.name
              ? excludeNamespaces.length
                ? { matchExpressions: [{ key, operator: "NotIn", values: [...excludeNamespaces] }] }
                : {}
              : { matchExpressions: [{ key, operator: "NotIn", values: [...SYSTEM_NAMESPACES, ...excludeNamespaces] }] },
      },
    },
  };
}
