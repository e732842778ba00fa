// Runs the real policy pack's policies over a plan's resources, the way the Pulumi policy
// analyzer calls them: one validateResource per resource, validateStack once over all of them.

import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { readFileSync } from "node:fs";
import type { PolicyViolation, ResourceRecord } from "./record";

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export class PolicyConfigError extends Error {
  override name = "PolicyConfigError";
}

/** A policy config file (`--policy-pack-config` format); a malformed one is a user error, not a crash. */
export function readPolicyConfig(file: string): PolicyPackConfig {
  const text = readFileSync(file, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PolicyConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new PolicyConfigError(`${file} must be a JSON object of policy names to levels or settings`);
  return parsed as PolicyPackConfig;
}

export function enforcementLevel(policy: AnyPolicy, config: PolicyPackConfig): EnforcementLevel {
  const own = config[policy.name];
  if (typeof own === "string") return own;
  if (own?.enforcementLevel) return own.enforcementLevel;
  const all = config["all"];
  if (typeof all === "string") return all;
  if (all?.enforcementLevel) return all.enforcementLevel;
  return policy.enforcementLevel ?? "advisory";
}

function policyProperties(policy: AnyPolicy, config: PolicyPackConfig): Record<string, unknown> {
  const own = config[policy.name];
  if (typeof own !== "object") return {};
  const { enforcementLevel: _ignored, ...rest } = own;
  return rest;
}

class NotApplicable extends Error {}

function pulumiTypeOf(resourceClass: unknown): string | undefined {
  const t = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  return typeof t === "string" && t !== "" ? t : undefined;
}

function typeChecks(type: string, props: Record<string, unknown>) {
  const isType = (resourceClass: unknown) => {
    const t = pulumiTypeOf(resourceClass);
    if (t) return t === type;
    const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
  };
  return {
    isType: isType as ResourceValidationArgs["isType"],
    asType: ((resourceClass: unknown) => (isType(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
  };
}

const noTimeouts = { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 };

export async function evaluatePolicies(
  records: readonly ResourceRecord[],
  policies: readonly AnyPolicy[],
  config: PolicyPackConfig,
): Promise<PolicyViolation[]> {
  const byUrn = new Map(records.map((r) => [r.urn, r]));
  const violations: PolicyViolation[] = [];
  const notApplicable = (): never => {
    throw new NotApplicable();
  };
  const props = (r: ResourceRecord) => r.inputs as Record<string, unknown>;
  const optsOf = (r: ResourceRecord) => ({
    protect: r.options.protect,
    ignoreChanges: [...r.options.ignoreChanges],
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    aliases: [],
    customTimeouts: noTimeouts,
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  });
  const providerOf = (r: ResourceRecord) => {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    return p ? { type: p.type, props: props(p), urn: p.urn, name: p.name } : undefined;
  };

  for (const policy of policies) {
    const level = enforcementLevel(policy, config);
    if (level === "disabled") continue;
    const reported: "advisory" | "mandatory" = level === "mandatory" ? "mandatory" : "advisory";
    const getConfig = (<T extends object>() => policyProperties(policy, config) as T) as ResourceValidationArgs["getConfig"];

    if ("validateResource" in policy && policy.validateResource) {
      const checks = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of records) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        const provider = providerOf(r);
        const args: ResourceValidationArgs = {
          type: r.type,
          props: props(r),
          urn: r.urn,
          name: r.name,
          opts: optsOf(r),
          ...(provider ? { provider } : {}),
          stackTags: new Map(),
          ...typeChecks(r.type, props(r)),
          getConfig,
          notApplicable,
        };
        for (const check of checks) {
          try {
            await check(args, (message, urn) => violations.push({ policy: policy.name, enforcementLevel: reported, urn: urn ?? r.urn, message }));
          } catch (err) {
            if (!(err instanceof NotApplicable)) throw err;
          }
        }
      }
    }

    if ("validateStack" in policy && policy.validateStack) {
      const resources = new Map<string, PolicyResource>();
      for (const r of records) {
        const provider = providerOf(r);
        resources.set(r.urn, {
          type: r.type,
          props: props(r),
          urn: r.urn,
          name: r.name,
          opts: optsOf(r),
          ...(provider ? { provider } : {}),
          dependencies: [],
          propertyDependencies: {},
          ...typeChecks(r.type, props(r)),
        } as PolicyResource);
      }
      for (const r of records) {
        const res = resources.get(r.urn) as { parent?: PolicyResource; dependencies: PolicyResource[] };
        const parent = r.parent ? resources.get(r.parent) : undefined;
        if (parent) res.parent = parent;
        res.dependencies = r.dependsOn.map((u) => resources.get(u)).filter((x): x is PolicyResource => x !== undefined);
      }
      const args: StackValidationArgs = { resources: [...resources.values()], stackTags: new Map(), getConfig, notApplicable };
      try {
        await policy.validateStack(args, (message, urn) => violations.push({ policy: policy.name, enforcementLevel: reported, urn: urn ?? null, message }));
      } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
      }
    }
  }
  return violations;
}
