// Evaluates ValidatingAdmissionPolicies and their bindings the way the API server does, offline:
// match the resource rules and the binding's namespace selector, then the match conditions, then
// every validation, with a maintained CEL implementation (@marcbachmann/cel-js). An expression
// that errors counts as a failure (failurePolicy: Fail).

import { evaluate } from "@marcbachmann/cel-js";
import assert from "node:assert/strict";
import { arr, obj, type Obj } from "../../lib/json";
import type { PlanDocument } from "../../plan/record";
import { all } from "./records";

export const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
export const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/** The policies and bindings a stack deploys, paired by policy name. */
export function deployedPolicies(doc: PlanDocument): { policy: Obj; binding: Obj }[] {
  const bindings = all(doc, BINDING).map((b) => b.inputs as Obj);
  return all(doc, VAP).map((p) => {
    const policy = p.inputs as Obj;
    const name = obj(policy["metadata"])["name"];
    const binding = bindings.find((b) => obj(b["spec"])["policyName"] === name);
    assert.ok(binding, `a binding for ${String(name)}`);
    return { policy, binding };
  });
}

const PLURAL: Readonly<Record<string, string>> = {
  Pod: "pods",
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  ReplicaSet: "replicasets",
  Job: "jobs",
  CronJob: "cronjobs",
  Service: "services",
  Ingress: "ingresses",
  Gateway: "gateways",
  Namespace: "namespaces",
  IngressClassParams: "ingressclassparams",
};

/** Cluster-scoped kinds: the binding's namespaceSelector does not apply to them (only to Namespaces, by their own labels). */
const CLUSTER_SCOPED = ["Namespace", "IngressClassParams"];

export interface Verdict {
  readonly matched: boolean;
  /** Messages of the validations that failed (or errored). */
  readonly failures: readonly string[];
}

function selects(selector: Obj, labels: Obj): boolean {
  for (const [k, v] of Object.entries(obj(selector["matchLabels"]))) if (labels[k] !== v) return false;
  for (const e of arr(selector["matchExpressions"]).map(obj)) {
    const values = arr(e["values"]);
    const has = e["key"] as string in labels;
    const value = labels[e["key"] as string];
    if (e["operator"] === "In" && !(has && values.includes(value))) return false;
    if (e["operator"] === "NotIn" && has && values.includes(value)) return false;
    if (e["operator"] === "Exists" && !has) return false;
    if (e["operator"] === "DoesNotExist" && has) return false;
  }
  return true;
}

const cel = (expression: string, context: Obj): unknown => evaluate(expression, context);

/**
 * What the API server decides for `object` under one policy and its binding: a CREATE by `username`,
 * or an UPDATE from `oldObject` when one is given.
 */
export function admit(policy: Obj, binding: Obj, object: Obj, username = "kubernetes-admin", oldObject: Obj | null = null): Verdict {
  const operation = oldObject ? "UPDATE" : "CREATE";
  const spec = obj(policy["spec"]);
  const [group, version] = String(object["apiVersion"]).includes("/") ? String(object["apiVersion"]).split("/") : ["", String(object["apiVersion"])];
  const resource = PLURAL[String(object["kind"])];
  const ruleMatches = arr(obj(spec["matchConstraints"])["resourceRules"]).map(obj).some((r) => arr(r["apiGroups"]).includes(group) && arr(r["apiVersions"]).includes(version) && arr(r["resources"]).includes(resource) && arr(r["operations"]).includes(operation));
  if (!ruleMatches) return { matched: false, failures: [] };
  // Namespaced objects are selected by their namespace's labels; a Namespace by its own.
  const meta = obj(object["metadata"]);
  const nsName = object["kind"] === "Namespace" ? meta["name"] : meta["namespace"];
  const nsLabels = { ...(object["kind"] === "Namespace" ? obj(meta["labels"]) : {}), "kubernetes.io/metadata.name": nsName };
  const selector = obj(obj(obj(binding["spec"])["matchResources"])["namespaceSelector"]);
  const clusterScoped = CLUSTER_SCOPED.includes(String(object["kind"]));
  if ((!clusterScoped || object["kind"] === "Namespace") && !selects(selector, nsLabels)) return { matched: false, failures: [] };
  const context: Obj = { object, oldObject, request: { operation, userInfo: { username } }, namespaceObject: clusterScoped ? null : { metadata: { name: nsName, labels: nsLabels } } };
  // Every match condition: any false skips the policy; otherwise an error denies (failurePolicy Fail;
  // k8s.io/apiserver webhook/matchconditions/matcher.go, policy/validating/validator.go).
  const errors: string[] = [];
  for (const c of arr(spec["matchConditions"]).map(obj)) {
    let r: unknown;
    try {
      r = cel(String(c["expression"]), context);
    } catch (err) {
      errors.push(`match condition ${String(c["name"])} failed: ${(err as Error).message}`);
      continue;
    }
    if (r === false) return { matched: false, failures: [] };
    if (r !== true) errors.push(`match condition ${String(c["name"])} returned ${JSON.stringify(r)}`);
  }
  if (errors.length) return { matched: true, failures: errors };
  const variables: Obj = {};
  context["variables"] = variables;
  for (const v of arr(spec["variables"]).map(obj)) variables[String(v["name"])] = cel(String(v["expression"]), context);
  const failures: string[] = [];
  for (const v of arr(spec["validations"]).map(obj)) {
    let ok: unknown;
    try {
      ok = cel(String(v["expression"]), context);
    } catch (err) {
      ok = `error: ${(err as Error).message}`;
    }
    if (ok !== true) failures.push(`${String(v["message"])}${typeof ok === "string" ? ` (${ok})` : ""}`);
  }
  return { matched: true, failures };
}
