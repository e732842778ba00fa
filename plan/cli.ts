// npm run plan -- <stack> [--json]
// Evaluates Pulumi.<stack>.yaml offline (mock runtime, real program, real policy pack).
// Exit codes: 0 planned; 1 invalid config, unknown stack, not-implemented platform, or a
// mandatory policy violation; 2 a bug in the program or the harness (with its stack trace).

import * as path from "node:path";
import { parseArgs } from "node:util";
import { PlanConfigError, PlanRunError, evaluateStack, handledProgramErrors } from "./evaluate";
import { existsSync, readFileSync } from "node:fs";
import { diffPlans, renderDiff, type PlanDiff } from "./diff";
import { PolicyConfigError } from "./policy";
import type { PlanDocument } from "./record";
import { renderMarkdown } from "./markdown";
import { renderPlan } from "./render";
import { StackFileError, shippedStacks } from "./stackfile";

const root = path.resolve(__dirname, "..");
const usage = `usage: npm run plan -- <stack> [--json] [--config-file <Pulumi.x.yaml>] [--policy-config <policy/config/x.json>] [--diff <base-plan.json>]\n  stacks: ${shippedStacks(root).join(", ")}`;

async function main(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { json: { type: "boolean" }, markdown: { type: "boolean" }, "config-file": { type: "string" }, "policy-config": { type: "string" }, diff: { type: "string" } },
  });
  const json = flags.json === true;
  const markdown = flags.markdown === true;
  const configFile = typeof flags["config-file"] === "string" ? path.resolve(flags["config-file"]) : undefined;
  const policyConfig = typeof flags["policy-config"] === "string" ? path.resolve(flags["policy-config"]) : undefined;
  const diffBase = typeof flags["diff"] === "string" ? path.resolve(flags["diff"]) : undefined;
  const unknownFlags = Object.keys(flags).filter((f) => !["json", "markdown", "config-file", "policy-config", "diff"].includes(f));
  if (positionals.length !== 1 || unknownFlags.length > 0 || (json && markdown)) {
    process.stderr.write(`${usage}\n`);
    return 1;
  }
  const stack = positionals[0]!;
  try {
    const doc = await evaluateStack(root, stack, configFile, policyConfig);
    let diff: PlanDiff | undefined;
    if (diffBase) {
      if (!existsSync(diffBase)) throw new StackFileError(`--diff: no such plan file ${diffBase}`);
      let base: PlanDocument;
      try {
        base = JSON.parse(readFileSync(diffBase, "utf8")) as PlanDocument;
      } catch (e) {
        throw new StackFileError(`--diff: ${diffBase} is not a plan (npm run plan -- <stack> --json): ${(e as Error).message}`);
      }
      if (!Array.isArray(base.resources)) throw new StackFileError(`--diff: ${diffBase} has no "resources" list; give the output of npm run plan -- <stack> --json`);
      diff = diffPlans(base, doc);
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
    if (err instanceof PlanRunError || err instanceof StackFileError || err instanceof PolicyConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    process.stderr.write(`offline plan failed (a bug, not a config problem):\n${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}

process.on("unhandledRejection", (reason: unknown) => {
  if (typeof reason === "object" && reason !== null && handledProgramErrors.has(reason)) return;
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
