// Evaluates Kubernetes NetworkPolicies the way the API documents them
// (kubernetes.io/docs/concepts/services-networking/network-policies): a connection is allowed when
// the source's egress allows it (no policy of type Egress selects the source, or one of their
// rules matches) AND the destination's ingress allows it (same, for pods; addresses outside the
// cluster have no ingress policies). Rules: `to`/`from` absent = anyone; peers are podSelector
// (the policy's namespace), namespaceSelector (+ podSelector), or ipBlock (cidr minus except);
// ports absent = every port. Named ports and endPort are not used by this program.

import type { Obj } from "../../lib/json";
import { arr, obj } from "../../lib/json";

export interface Policy {
  readonly namespace: string;
  readonly spec: Obj;
}

export type Endpoint =
  | { readonly pod: Readonly<Record<string, string>>; readonly namespace: string; readonly namespaceLabels?: Readonly<Record<string, string>> }
  | { readonly ip: string };

const matches = (selector: unknown, labels: Readonly<Record<string, string>>) => Object.entries(obj(obj(selector)["matchLabels"])).every(([k, v]) => labels[k] === v) && arr(obj(selector)["matchExpressions"]).length === 0;

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/") as [string, string];
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(base) / size) * size;
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

function peerMatches(peer: Obj, policyNamespace: string, other: Endpoint): boolean {
  if (peer["ipBlock"] !== undefined) {
    if (!("ip" in other)) return false;
    const block = obj(peer["ipBlock"]);
    return inCidr(other.ip, String(block["cidr"])) && !arr(block["except"]).some((e) => inCidr(other.ip, String(e)));
  }
  if (!("pod" in other)) return false;
  const nsLabels = { "kubernetes.io/metadata.name": other.namespace, ...(other.namespaceLabels ?? {}) };
  const nsOk = peer["namespaceSelector"] !== undefined ? matches(peer["namespaceSelector"], nsLabels) : other.namespace === policyNamespace;
  const podOk = peer["podSelector"] !== undefined ? matches(peer["podSelector"], other.pod) : true;
  return nsOk && podOk;
}

function ruleMatches(rule: Obj, peersKey: "to" | "from", policyNamespace: string, other: Endpoint, port: number, protocol: string): boolean {
  const peers = rule[peersKey];
  const peerOk = peers === undefined || arr(peers).some((p) => peerMatches(obj(p), policyNamespace, other));
  const ports = rule["ports"];
  const portOk = ports === undefined || arr(ports).some((p) => (obj(p)["protocol"] ?? "TCP") === protocol && (obj(p)["port"] === undefined || obj(p)["port"] === port));
  return peerOk && portOk;
}

/** Whether the policies of `side` (its own namespace's) let this direction through. */
function sideAllows(policies: readonly Policy[], self: Endpoint, other: Endpoint, direction: "Egress" | "Ingress", port: number, protocol: string): boolean {
  if (!("pod" in self)) return true;
  const selecting = policies.filter((p) => p.namespace === self.namespace && matches(p.spec["podSelector"], self.pod) && arr(p.spec["policyTypes"]).includes(direction));
  if (selecting.length === 0) return true;
  const key = direction === "Egress" ? "egress" : "ingress";
  const peersKey = direction === "Egress" ? "to" : "from";
  return selecting.some((p) => arr(p.spec[key]).some((r) => ruleMatches(obj(r), peersKey, p.namespace, other, port, protocol)));
}

export function allows(policies: readonly Policy[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  return sideAllows(policies, from, to, "Egress", port, protocol) && sideAllows(policies, to, from, "Ingress", port, protocol);
}
