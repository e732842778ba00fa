// Runs `npm run plan` the way a user does (a child process: one Pulumi runtime per process),
// and caches each stack's result for the test file.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { PlanDocument } from "../../plan/record";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface PlanRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runPlan(args: readonly string[]): PlanRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "plan", "cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cache = new Map<string, PlanDocument>();

/** The JSON plan of a stack that must plan successfully; fails with its stderr otherwise. */
export function planJson(stack: string, extra: readonly string[] = []): PlanDocument {
  const key = [stack, ...extra].join(" ");
  const hit = cache.get(key);
  if (hit) return hit;
  // `npm test` plans every stack once beforehand (test/prepare-plans.ts).
  const shared = process.env["PLAN_CACHE"] && extra.length === 0 ? path.resolve(ROOT, process.env["PLAN_CACHE"], `${stack}.json`) : undefined;
  if (shared && existsSync(shared)) {
    const doc = JSON.parse(readFileSync(shared, "utf8")) as PlanDocument;
    cache.set(key, doc);
    return doc;
  }
  const r = runPlan([stack, "--json", ...extra]);
  if (r.code !== 0) throw new Error(`plan ${key} exited ${r.code}:\n${r.stderr}`);
  const doc = JSON.parse(r.stdout) as PlanDocument;
  cache.set(key, doc);
  return doc;
}
