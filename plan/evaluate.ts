// Runs the real program (index.ts) for one stack under the Pulumi mock runtime and returns the plan.
// One evaluation per process: the Pulumi runtime and the program's modules are process-global.

import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { checkCapacity } from "../estimates/capacity";
import { estimateCost } from "../estimates/cost";
import { criticalPath } from "../estimates/schedule";
import { PACK_NAME, policies } from "../policy/policies";
import { ConfigError, loadSettings } from "../stacks/config";
import { formatProblem } from "../stacks/settings";
import { CALLS, STATES } from "./cloud-mocks";
import { StrictMocks, recordRegistrations, sanitize, settle } from "./mocks";
import { evaluatePolicies, readPolicyConfig } from "./policy";
import type { PlanDocument } from "./record";
import { SECRET, readStackConfig } from "./stackfile";

export class PlanConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/** The program refused to run for a reason meant for the user (pulumi.RunError), e.g. "not implemented". */
export class PlanRunError extends Error {}

let evaluated = false;

async function resolveOutput(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const o = value as pulumi.Output<unknown>;
    if (await pulumi.isSecret(o)) return SECRET;
    const inner = await new Promise<unknown>((resolve) => o.apply((x) => resolve(x)));
    return resolveOutput(inner);
  }
  if (pulumi.Resource.isInstance(value)) return "[resource]";
  if (Array.isArray(value)) return Promise.all(value.map(resolveOutput));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveOutput(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export async function evaluateStack(root: string, stack: string, configFile?: string, policyConfigOverride?: string): Promise<PlanDocument> {
  if (evaluated) throw new Error("evaluateStack runs once per process (the Pulumi runtime is global)");
  evaluated = true;

  const config = readStackConfig(root, stack, configFile);
  await pulumi.runtime.setMocks(new StrictMocks(CALLS, STATES), config.project, stack, false);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const recorder = recordRegistrations();

  let settings: unknown;
  let exportsOf: Record<string, unknown> = {};
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      // The settings the program resolves, for the plan's "settings" field: the same function
      // index.ts calls, so the plan shows what the program saw.
      settings = loadSettings();
      // require, as Pulumi's language host loads a program (CommonJS).
      exportsOf = createRequire(__filename)(path.join(root, "index.ts")) as Record<string, unknown>;
      return undefined;
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new PlanConfigError(err.problems.map(formatProblem));
    if (err instanceof pulumi.RunError) throw new PlanRunError(err.message);
    throw err;
  }
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(exportsOf)) {
    if (k === "default" || k === "__esModule") continue;
    outputs[k] = sanitize(await resolveOutput(v));
  }
  await settle(recorder.pending);

  // Like `pulumi preview --policy-pack-config`: the stack's own file unless another is named.
  const policyConfigFile = policyConfigOverride ?? path.join(root, "policy", "config", `${stack}.json`);
  const policyConfig = existsSync(policyConfigFile) ? readPolicyConfig(policyConfigFile) : {};
  const resources = [...recorder.records].sort((a, b) => a.urn.localeCompare(b.urn));
  const violations = await evaluatePolicies(resources, policies, policyConfig);

  return {
    project: config.project,
    stack,
    settings: sanitize(settings),
    resources,
    outputs,
    policies: { pack: PACK_NAME, config: existsSync(policyConfigFile) ? path.relative(root, policyConfigFile) : null, violations },
    cost: estimateCost(resources),
    capacity: checkCapacity(resources),
    schedule: criticalPath(resources),
  };
}
