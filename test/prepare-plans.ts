// Plans every shipped stack once, two at a time, into a cache directory that the test files read
// (PLAN_CACHE), instead of each test file spawning the same plans again. Stacks that do not plan
// (exit code != 0) are left out: tests that expect them to fail run the CLI themselves.

import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { shippedStacks } from "../plan/stackfile";

const root = path.resolve(__dirname, "..");
const dir = path.resolve(process.argv[2] ?? path.join(root, ".plan", "cache"));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

function plan(stack: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "plan", "cli.ts"), stack, "--json"], { cwd: root });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("close", (code) => {
      if (code === 0) writeFileSync(path.join(dir, `${stack}.json`), Buffer.concat(chunks));
      resolve();
    });
  });
}

async function main() {
  const queue = shippedStacks(root);
  const started = Date.now();
  await Promise.all([0, 1].map(async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) await plan(s);
  }));
  console.log(`planned the shipped stacks into ${path.relative(root, dir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
void main();
