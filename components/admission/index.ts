// In-cluster admission policies: the pack's CEL-expressible Kubernetes rules, enforced by the API
// server on everything it admits (see rules.ts for what applies where, and why).

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../stacks/presets";
import { admissionRules, bindingObject, policyObject, validationActions, type ExposureAllowList } from "./rules";

export interface AdmissionPoliciesArgs {
  /** dev: Warn + Audit; staging and prod: Deny. */
  readonly environment: Environment;
  /** The app's namespace: the strict workload rules apply there only. */
  readonly appNamespace: string;
  /** Images in the app's namespace must be pinned by digest. @default false */
  readonly requireDigest?: boolean;
  readonly exposure: ExposureAllowList;
  /** Namespaces of the user's own cluster left alone besides the system ones (kind's local-path-storage). @default [] */
  readonly excludeNamespaces?: readonly string[];
  /** What must exist before any policy is applied (the platform's readiness: nodes, cluster DNS). */
  readonly waitFor: readonly pulumi.Resource[];
}

export class AdmissionPolicies extends pulumi.ComponentResource {
  readonly policyNames: string[];
  /** The bindings: whatever the program deploys onto the cluster depends on them, so even the first `up` is gated. */
  readonly bindings: pulumi.Resource[];

  constructor(name: string, args: AdmissionPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:admission:AdmissionPolicies", name, {}, opts);
    const actions = validationActions(args.environment);
    const rules = admissionRules({ appNamespace: args.appNamespace, requireDigest: args.requireDigest ?? false, exposure: args.exposure });
    this.policyNames = [];
    this.bindings = [];
    for (const rule of rules) {
      const p = policyObject(rule);
      const b = bindingObject(rule, args.appNamespace, actions, args.excludeNamespaces ?? []);
      const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${rule.name}`, p, { parent: this, dependsOn: [...args.waitFor] });
      // A binding before its policy exists is rejected by nothing but matches nothing either: order them.
      this.bindings.push(new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${rule.name}`, b, { parent: this, dependsOn: [policy] }));
      this.policyNames.push(p.metadata.name);
    }
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
