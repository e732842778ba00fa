// npm run bench: for every shipped stack, the offline plan's wall time and peak memory; then the
// time to load and run the program through Pulumi's default TypeScript path (ts-node with type
// checking) against the configured one (tsx). Prints figures; asserts nothing.

import { spawn } from "node:child_process";
import * as path from "node:path";
import { shippedStacks } from "../plan/stackfile";

const root = path.resolve(__dirname, "..");

interface Run {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly code: number | null;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // The child reports its own peak RSS (process.resourceUsage) on exit.
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, PLAN_REPORT_USAGE: "1" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /plan-usage maxRssKiB=(\d+)/.exec(stderr);
      resolve({ ms, maxRssMiB: m ? Number(m[1]) / 1024 : NaN, code });
    });
  });
}

async function main() {
  const repeat = Number(process.env["BENCH_REPEAT"] ?? 3);
  console.log(`offline plan, ${repeat} runs per stack (median wall time, peak RSS), node ${process.version}`);
  console.log("stack       wall ms   peak MiB   exit");
  for (const stack of shippedStacks(root)) {
    const runs: Run[] = [];
    for (let i = 0; i < repeat; i++) runs.push(await run(["--import", "tsx", "plan/cli.ts", stack, "--json"]));
    runs.sort((a, b) => a.ms - b.ms);
    const mid = runs[Math.floor(runs.length / 2)]!;
    console.log(`${stack.padEnd(10)} ${mid.ms.toFixed(0).padStart(8)} ${mid.maxRssMiB.toFixed(0).padStart(10)} ${String(mid.code).padStart(6)}`);
  }
  console.log("\nloading the program (plan of 'local'): Pulumi's default ts-node path vs the configured tsx path");
  const tsnode = await run([path.join("bench", "load-with-ts-node.cjs"), "local", "--json"]);
  const tsx = await run(["--import", "tsx", "plan/cli.ts", "local", "--json"]);
  console.log(`ts-node (type-checking)  ${tsnode.ms.toFixed(0).padStart(7)} ms  ${tsnode.maxRssMiB.toFixed(0).padStart(5)} MiB  exit ${tsnode.code}`);
  console.log(`tsx (configured)         ${tsx.ms.toFixed(0).padStart(7)} ms  ${tsx.maxRssMiB.toFixed(0).padStart(5)} MiB  exit ${tsx.code}`);
}
void main();
