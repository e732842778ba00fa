// npm run plan -- <stack> [--json] [--base <git-ref> | --diff <plan.json>] (--help lists the options)
// Evaluates Pulumi.<stack>.yaml offline (mock runtime, real program, real policy pack).
// Exit codes: 0 planned; 1 invalid config, unknown stack, not-implemented platform, or a
// mandatory policy violation; 2 a bug in the program or the harness (with its stack trace).

import * as path from "node:path";
import { parseArgs } from "node:util";
import { PlanConfigError, PlanRunError, evaluateStack, handledProgramErrors } from "./evaluate";
import { existsSync, readFileSync } from "node:fs";
import { BaseRefError, planAtRef, resolveRef } from "./base";
import { diffPlans, renderDiff, type PlanDiff } from "./diff";
import { PolicyConfigError } from "./policy";
import type { PlanDocument } from "./record";
import { renderMarkdown } from "./markdown";
import { renderPlan } from "./render";
import { StackFileError, shippedStacks } from "./stackfile";
import { ConfigError } from "../stacks/config";

const root = path.resolve(__dirname, "..");

const OPTIONS = {
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  "config-file": { type: "string" },
  "policy-config": { type: "string" },
  diff: { type: "string" },
  base: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function usage(): string {
  return `usage: npm run -s plan -- <stack> [options]

Plans Pulumi.<stack>.yaml offline: the real program under Pulumi's mock runtime, the real policy
pack, cost, capacity and deploy-time estimates. Exit 0 planned; 1 invalid config or arguments,
unknown stack, or a mandatory policy violation; 2 a bug (with its stack trace).

  --json                   one JSON document on stdout instead of the text plan
  --markdown               the plan as Markdown (for a pull request comment)
  --config-file <file>     plan this stack file instead of Pulumi.<stack>.yaml (like pulumi --config-file)
  --policy-config <file>   policy levels from this file instead of policy/config/<stack>.json
  --base <git-ref>         also plan the stack as it is at <git-ref> (branch, tag, commit) and print
                           the diff; the working tree, index and stashes are not touched
  --diff <plan.json>       print the diff against a saved plan (npm run -s plan -- <stack> --json > plan.json);
                           its outputs also stand for the stack's last update (volumes must not shrink)
  -h, --help               this text

stacks: ${shippedStacks(root).join(", ")}
Use npm run -s when redirecting output: without -s npm prints its banner on stdout too.
`;
}

class UsageError extends Error {}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    // node:util names the offending argument ("Unknown option '--jsn'"); keep its words.
    throw new UsageError((err as Error).message.split(". To specify")[0]!.replace(/\.?$/, "."));
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) return { help: true as const };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name a stack" : `one stack at a time (got ${positionals.join(", ")})`);
  if (flags.diff !== undefined && flags.base !== undefined) throw new UsageError("--diff and --base both name what to diff against: give one");
  if (flags.json && flags.markdown) throw new UsageError("--json and --markdown: give one");
  const resolved = (f: string | undefined) => (f === undefined ? undefined : path.resolve(f));
  return {
    help: false as const,
    stack: positionals[0]!,
    json: flags.json === true,
    markdown: flags.markdown === true,
    configFile: resolved(flags["config-file"]),
    policyConfig: resolved(flags["policy-config"]),
    diffBase: resolved(flags.diff),
    baseRef: flags.base,
  };
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${usage()}`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(usage());
    return 0;
  }
  const { stack, json, markdown, configFile, policyConfig, diffBase, baseRef } = args;
  try {
    // The base is planned in a child process (one Pulumi runtime per process) while this one plans the head.
    const commit = baseRef === undefined ? undefined : resolveRef(root, baseRef);
    const basePlan = baseRef === undefined || commit === undefined ? undefined : planAtRef(root, stack, baseRef, commit, { configFile, policyConfig });
    // Already failed (bad ref, base does not plan) while the head is being evaluated: report it once.
    basePlan?.catch(() => undefined);
    let saved: PlanDocument | undefined;
    if (diffBase) {
      if (!existsSync(diffBase)) throw new StackFileError(`--diff: no such plan file ${diffBase}`);
      try {
        saved = JSON.parse(readFileSync(diffBase, "utf8")) as PlanDocument;
      } catch (e) {
        throw new StackFileError(`--diff: ${diffBase} is not a plan (npm run plan -- <stack> --json): ${(e as Error).message}`);
      }
      if (!Array.isArray(saved.resources)) throw new StackFileError(`--diff: ${diffBase} has no "resources" list; give the output of npm run plan -- <stack> --json`);
    }
    // A saved plan stands for the stack as last applied: its outputs are what the program reads back.
    const doc = await evaluateStack(root, stack, configFile, policyConfig, saved?.outputs);
    let diff: PlanDiff | undefined;
    if (basePlan) {
      const base = await basePlan;
      diff = { ...diffPlans(base.doc, doc), base: { ref: base.ref, commit: base.commit, ...(base.note ? { note: base.note } : {}) } };
    } else if (saved) {
      diff = diffPlans(saved, doc);
    }
    process.stdout.write(
      json ? `${JSON.stringify(diff ? { ...doc, diff } : doc, null, 2)}\n` : markdown ? `${renderMarkdown(doc, diff)}\n` : `${renderPlan(doc)}${diff ? `\n\n${renderDiff(diff)}` : ""}\n`,
    );
    const mandatory = doc.policies.violations.filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0) {
      process.stderr.write(`${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"}: this stack would not deploy.\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof PlanConfigError) {
      process.stderr.write(`Stack '${stack}' has ${err.problems.length} configuration problem${err.problems.length === 1 ? "" : "s"} (${configFile ? path.relative(process.cwd(), configFile) : `Pulumi.${stack}.yaml`}):\n`);
      for (const p of err.problems) process.stderr.write(`  - ${p}\n`);
      if (err.warnings.length > 0) process.stderr.write(`and ${err.warnings.length} warning${err.warnings.length === 1 ? "" : "s"}:\n${err.warnings.map((w) => `  - ${w}\n`).join("")}`);
      return 1;
    }
    if (err instanceof PlanRunError || err instanceof StackFileError || err instanceof PolicyConfigError || err instanceof BaseRefError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    process.stderr.write(`offline plan failed (a bug, not a config problem):\n${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}

process.on("unhandledRejection", (reason: unknown) => {
  if (typeof reason === "object" && reason !== null && handledProgramErrors.has(reason)) return;
  // A config check the program makes on values it reads back (a volume that would shrink) rejects
  // every resource input derived from it; evaluateStack reports it once, through the stack output.
  if (reason instanceof ConfigError) return;
  process.stderr.write(`offline plan failed (a bug, not a config problem):\n${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
  process.exitCode = 2;
});

// Never process.exit() here: stdout into a pipe is written asynchronously, and exiting while it
// drains cuts the document (at 64 KiB in practice). Set the exit code and let Node end the process
// once every write has been flushed; nothing else keeps the event loop alive after main().
let finished = false;
process.on("beforeExit", () => {
  // The loop ran dry with main() still pending: something awaited a promise that never settles.
  // Say so instead of ending silently with status 0 and no plan.
  if (finished) return;
  finished = true;
  process.stderr.write("offline plan failed (a bug, not a config problem): the program never finished (an awaited Output or promise never resolved)\n");
  process.exitCode = 2;
});
main(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    // For `npm run bench`: this process's own peak memory.
    if (process.env["PLAN_REPORT_USAGE"]) process.stderr.write(`plan-usage maxRssKiB=${process.resourceUsage().maxRSS}\n`);
    process.exitCode = code;
  },
  (err: unknown) => {
    finished = true;
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 2;
  },
);
