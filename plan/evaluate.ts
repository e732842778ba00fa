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
import { ConfigError, readSettings } from "../stacks/config";
import { formatProblem, type ConfigWarning } from "../stacks/settings";
import { validateSettings } from "../stacks/validate";
import { READ_STACK_OUTPUTS } from "../stacks/volumes";
import { CALLS, STATES, readStackOutputsMock } from "./cloud-mocks";
import { StrictMocks, recordRegistrations, sanitize, settle } from "./mocks";
import { evaluatePolicies, readPolicyConfig } from "./policy";
import type { PlanDocument } from "./record";
import { SECRET, readStackConfig } from "./stackfile";

export class PlanConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly warnings: readonly string[] = [],
  ) {
    super(problems.join("\n"));
  }
}

/** The program refused to run for a reason meant for the user (pulumi.RunError), e.g. "not implemented". */
export class PlanRunError extends Error {}

let evaluated = false;

/**
 * Errors the program threw that evaluateStack turned into a result. Pulumi's Stack resource keeps
 * more promises derived from the program's outcome than the one runInPulumiStack returns; they
 * reject with the same error, unhandled, and the CLI ignores exactly those (as Pulumi's language
 * host reports a program's error once).
 */
export const handledProgramErrors = new WeakSet<object>();

async function resolveOutput(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const o = value as pulumi.Output<unknown>;
    if (await pulumi.isSecret(o)) return SECRET;
    if (!(await (o as unknown as { isKnown: Promise<boolean> }).isKnown)) return "[unknown]";
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

export async function evaluateStack(root: string, stack: string, configFile?: string, policyConfigOverride?: string, previousOutputs?: Readonly<Record<string, unknown>>): Promise<PlanDocument> {
  if (evaluated) throw new Error("evaluateStack runs once per process (the Pulumi runtime is global)");
  evaluated = true;

  const config = readStackConfig(root, stack, configFile);
  // The CLI refuses these before the program runs (or would read them otherwise than written).
  // Every problem at once: the program's own checks too, for the keys the reader had no quarrel with.
  if (config.problems.length > 0) {
    const readerKeys = new Set(config.problems.map((p) => p.key));
    const checked = validateSettings({ project: config.project, stack, values: config.values, secretKeys: config.secretKeys });
    const more = checked.ok ? [] : checked.problems.filter((p) => !readerKeys.has(p.key));
    throw new PlanConfigError([...config.problems, ...more].map(formatProblem), checked.warnings.map(formatProblem));
  }
  // dryRun: the plan is a preview (pulumi.runtime.isDryRun() is true, as in `pulumi preview`).
  await pulumi.runtime.setMocks(new StrictMocks({ ...CALLS, [READ_STACK_OUTPUTS]: readStackOutputsMock(previousOutputs) }, STATES), config.project, stack, true, "organization");
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const recorder = recordRegistrations();

  let settings: unknown;
  let warnings: readonly ConfigWarning[] = [];
  let exportsOf: Record<string, unknown> = {};
  // Without an engine, pulumi.log.warn writes "warning: [runtime] <msg>" through console.warn.
  // The program logs its config warnings that way (as `pulumi preview` shows them); the plan
  // shows them in its own "warnings" field, so they are held back here and anything else passes.
  const programWarnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => void programWarnings.push(args.map(String).join(" "));
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      // The settings the program resolves, for the plan's "settings" and "warnings": the same
      // function index.ts's loadSettings calls, so the plan shows what the program saw.
      const result = readSettings();
      warnings = result.warnings;
      if (result.ok) settings = result.settings;
      // require, as Pulumi's language host loads a program (CommonJS).
      exportsOf = createRequire(__filename)(path.join(root, "index.ts")) as Record<string, unknown>;
      return undefined;
    });
  } catch (err) {
    if (typeof err === "object" && err !== null) handledProgramErrors.add(err);
    if (err instanceof ConfigError) throw new PlanConfigError(err.problems.map(formatProblem), warnings.map(formatProblem));
    if (err instanceof pulumi.RunError) throw new PlanRunError(err.message);
    throw err;
  } finally {
    console.warn = consoleWarn;
    const shown = new Set(warnings.map((w) => `warning: [runtime] ${formatProblem(w)}`));
    for (const line of programWarnings) if (!shown.has(line)) process.stderr.write(`${line}\n`);
  }
  const outputs: Record<string, unknown> = {};
  try {
    for (const [k, v] of Object.entries(exportsOf)) {
      if (k === "default" || k === "__esModule") continue;
      outputs[k] = sanitize(await resolveOutput(v));
    }
  } catch (err) {
    // A check the program makes on values it reads back (e.g. a volume that would shrink).
    if (typeof err === "object" && err !== null) handledProgramErrors.add(err);
    if (err instanceof ConfigError) throw new PlanConfigError(err.problems.map(formatProblem), warnings.map(formatProblem));
    throw err;
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
    // JSON first: SecretValue fields show as "[secret]" (their toJSON), then wire values as usual.
    settings: sanitize(settings === undefined ? undefined : JSON.parse(JSON.stringify(settings))),
    warnings: warnings.map(({ key, value, message }) => ({ key, value: sanitize(value), message })),
    resources,
    outputs,
    policies: { pack: PACK_NAME, config: existsSync(policyConfigFile) ? path.relative(root, policyConfigFile) : null, violations },
    cost: estimateCost(resources),
    capacity: checkCapacity(resources),
    schedule: criticalPath(resources),
  };
}
