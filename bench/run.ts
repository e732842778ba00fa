// npm run bench: for every shipped stack, the offline plan's wall time and peak memory; then the
// time to load and run the program (the plan of `local`) through Pulumi's default TypeScript path
// (ts-node with type checking) against the configured one (tsx), each cold (an empty compile
// cache, as on a fresh CI runner) and warm (the cache filled by the run before, as on a laptop's
// second `pulumi preview`). Both tools cache under os.tmpdir(), so TMPDIR picks the cache.
// Prints figures; asserts nothing.

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { shippedStacks } from "../plan/stackfile";

const root = path.resolve(__dirname, "..");

interface Run {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly code: number | null;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // The child reports its own peak RSS (process.resourceUsage) on exit.
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, PLAN_REPORT_USAGE: "1" }, stdio: ["ignore", "ignore", "pipe"] });
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
  console.log("\nloading and running the program (plan of 'local'), cold (empty compile cache) and warm (cache filled)");
  console.log("path                          cold ms   warm ms   peak MiB (warm)   cache entries");
  const paths: [string, string[]][] = [
    ["ts-node, type-checking (Pulumi default)", [path.join("bench", "load-with-ts-node.cjs"), "local", "--json"]],
    ["tsx (configured)", ["--import", "tsx", "plan/cli.ts", "local", "--json"]],
  ];
  for (const [name, args] of paths) {
    const dir = mkdtempSync(path.join(tmpdir(), "vp-bench-"));
    try {
      const cold = await run(args, { TMPDIR: dir });
      const warmRuns: Run[] = [];
      for (let i = 0; i < repeat; i++) warmRuns.push(await run(args, { TMPDIR: dir }));
      warmRuns.sort((a, b) => a.ms - b.ms);
      const warm = warmRuns[Math.floor(warmRuns.length / 2)]!;
      // What the cold run left behind: ts-node-<hash>/ or tsx-<uid>/ with one file per compiled module.
      const entries = readdirSync(dir, { recursive: true }).length;
      console.log(`${name.padEnd(40)} ${cold.ms.toFixed(0).padStart(7)} ${warm.ms.toFixed(0).padStart(9)} ${warm.maxRssMiB.toFixed(0).padStart(12)} ${String(entries).padStart(15)}${cold.code === 0 && warm.code === 0 ? "" : `  (exit ${cold.code}/${warm.code})`}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
void main();
