// The StatefulSets prometheus-operator makes from the chart's Prometheus and Alertmanager CRs, as far
// as admission and Pod Security read them. Derived from prometheus-operator v0.93.0 (the chart pins
// v0.93.1; v0.93.0 is the nearest tag available here, commit f8fafd475f3d132e239432ae6172de60a6cb6516):
// - pkg/prometheus/server/statefulset.go makeStatefulSetSpec: container "prometheus" with
//   securityContext {readOnlyRootFilesystem, allowPrivilegeEscalation: false, capabilities.drop [ALL]},
//   resources = spec.resources; init container "init-config-reloader" and container "config-reloader"
//   (pkg/prometheus/common.go BuildConfigReloader → pkg/operator/config_reloader.go CreateConfigReloader:
//   the same securityContext, image = the operator's --prometheus-config-reloader flag, resources from
//   its --config-reloader-* flags); the pod's securityContext, hostNetwork, hostUsers and volumes come
//   from the CR as they are; spec.containers / spec.initContainers are strategic-merge-patched over
//   the operator's by name (k8s.MergePatchContainers).
// - pkg/alertmanager/statefulset.go makeStatefulSetSpec: container "alertmanager" (same
//   securityContext), the same two reloader containers, the CR's securityContext/hostNetwork/hostUsers.
// Not modelled (none of them can break a rule the tests check): the operator's own volumes (Secrets,
// ConfigMaps, emptyDir, projected, the PVC template: all "restricted" volume types), probes on
// loopback/pod ports, environment from the downward API. A Thanos sidecar (spec.thanos) is not
// modelled either: the chart's values leave it off, and the test fails if a CR sets it.

import { arr, obj, type Obj } from "../../lib/json";

const CONTAINER_SC = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

/** Strategic merge of containers by name (objects merge key by key, lists and scalars replace). */
function merge(base: Obj, patch: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = typeof v === "object" && v !== null && !Array.isArray(v) && typeof b === "object" && b !== null && !Array.isArray(b) ? merge(b as Obj, v as Obj) : v;
  }
  return out;
}

function mergeContainers(operator: Obj[], fromCr: unknown): Obj[] {
  const extra = arr(fromCr).map(obj);
  const merged = operator.map((c) => {
    const p = extra.find((e) => e["name"] === c["name"]);
    return p ? merge(c, p) : c;
  });
  return [...merged, ...extra.filter((e) => !operator.some((c) => c["name"] === e["name"]))];
}

/** The operator's config-reloader image and resources, read from its Deployment's arguments. */
export function reloaderFromOperator(operatorDeployment: Obj): { image: string; resources: Obj } {
  const args = arr(obj(arr(obj(obj(obj(operatorDeployment["spec"])["template"])["spec"])["containers"])[0])["args"]).map(String);
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const image = flag("prometheus-config-reloader");
  if (!image) throw new Error("the operator Deployment has no --prometheus-config-reloader argument");
  // "0" means unset (pkg/operator/config_reloader.go ResourceRequirements).
  const q = (v: string | undefined) => (v === undefined || v === "0" ? undefined : v);
  const requests = Object.fromEntries(Object.entries({ cpu: q(flag("config-reloader-cpu-request")), memory: q(flag("config-reloader-memory-request")) }).filter(([, v]) => v));
  const limits = Object.fromEntries(Object.entries({ cpu: q(flag("config-reloader-cpu-limit")), memory: q(flag("config-reloader-memory-limit")) }).filter(([, v]) => v));
  return { image, resources: { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) } };
}

/** The StatefulSet the operator creates for a Prometheus or Alertmanager CR. */
export function operatorStatefulSet(cr: Obj, reloader: { image: string; resources: Obj }): Obj {
  const kind = String(cr["kind"]);
  const spec = obj(cr["spec"]);
  const meta = obj(cr["metadata"]);
  if (kind !== "Prometheus" && kind !== "Alertmanager") throw new Error(`no model for ${kind}`);
  if (spec["thanos"] !== undefined) throw new Error(`${String(meta["name"])}: spec.thanos (a Thanos sidecar) is not modelled`);
  const main = kind === "Prometheus" ? "prometheus" : "alertmanager";
  const image = spec["image"] ?? `quay.io/prometheus/${main}:${String(spec["version"])}`;
  const reloaderContainer = (name: string): Obj => ({ name, image: reloader.image, command: ["/bin/prometheus-config-reloader"], resources: reloader.resources, securityContext: CONTAINER_SC });
  const podSpec: Obj = {
    ...(spec["securityContext"] !== undefined ? { securityContext: spec["securityContext"] } : {}),
    ...(spec["hostNetwork"] !== undefined ? { hostNetwork: spec["hostNetwork"] } : {}),
    ...(spec["hostUsers"] !== undefined ? { hostUsers: spec["hostUsers"] } : {}),
    ...(spec["volumes"] !== undefined ? { volumes: spec["volumes"] } : {}),
    serviceAccountName: spec["serviceAccountName"],
    initContainers: mergeContainers([reloaderContainer("init-config-reloader")], spec["initContainers"]),
    containers: mergeContainers([{ name: main, image, resources: spec["resources"] ?? {}, securityContext: CONTAINER_SC }, reloaderContainer("config-reloader")], spec["containers"]),
  };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    // pkg/prometheus/common.go / pkg/alertmanager: "<kind lowercased>-<CR name>".
    metadata: { name: `${main}-${String(meta["name"])}`, namespace: meta["namespace"], labels: { "app.kubernetes.io/name": main, "app.kubernetes.io/managed-by": "prometheus-operator" } },
    spec: { template: { metadata: { labels: { "app.kubernetes.io/name": main } }, spec: podSpec } },
  };
}
