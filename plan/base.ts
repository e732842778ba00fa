// `npm run plan -- <stack> --base <git-ref>`: the same stack planned as it is at another commit,
// to diff against the working tree. The ref's files are exported with `git archive` into a
// temporary directory, so the user's working tree, index, stashes and worktree list are never
// touched (a stash-based recipe fails on a clean tree, pops unrelated stashes and strands edits
// when the base plan fails).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { DiffBase } from "./diff";
import type { PlanDocument } from "./record";

export class BaseRefError extends Error {
  override name = "BaseRefError";
}

export interface BasePlan {
  readonly ref: string;
  readonly commit: string;
  /** The base plan, or an empty one when the stack has no stack file at that ref. */
  readonly doc: DiffBase;
  /** Something the reader of the diff should know about the base (missing stack, failed policies). */
  readonly note?: string;
}

function git(root: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (r.error) throw new BaseRefError(`--base needs git on the PATH: ${r.error.message}`);
  return { ok: r.status === 0, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** The commit a ref names; a clear error when it names none or this is not a git checkout. */
export function resolveRef(root: string, ref: string): string {
  if (!git(root, ["rev-parse", "--is-inside-work-tree"]).ok) throw new BaseRefError(`--base ${ref}: ${root} is not a git checkout`);
  // `--end-of-options`: a ref that starts with "-" is a name, not an option.
  const r = git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (!r.ok || r.stdout === "") throw new BaseRefError(`--base ${ref}: no such commit, branch or tag in this repository (try main, HEAD~1 or origin/main after git fetch)`);
  return r.stdout;
}

/** Writes the commit's tree into a new temporary directory (git archive | tar -x). */
function exportTree(root: string, commit: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "voting-platform-base-"));
  const r = spawnSync("sh", ["-c", 'git archive --format=tar "$1" | tar -x -C "$2"', "sh", commit, dir], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new BaseRefError(`--base: could not export ${commit.slice(0, 12)} (git archive | tar): ${r.stderr.trim()}`);
  }
  try {
    // The base runs with this checkout's installed dependencies (node_modules is not in git).
    for (const modules of ["node_modules", path.join("policy", "node_modules")]) {
      const target = path.join(dir, modules);
      if (existsSync(path.join(root, modules)) && existsSync(path.dirname(target)) && !existsSync(target)) {
        symlinkSync(path.join(root, modules), target, "dir");
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(dir: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, "plan", "cli.ts"), ...args], { cwd: dir });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

/** A path given for the working tree, pointed at the same file in the base tree when it is one of ours. */
function inBase(root: string, dir: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const rel = path.relative(root, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : path.join(dir, rel);
}

export interface BaseOptions {
  readonly configFile?: string;
  readonly policyConfig?: string;
}

/** Plans `stack` as it is at `commit` (from resolveRef), in a temporary export removed afterwards. */
export async function planAtRef(root: string, stack: string, ref: string, commit: string, opts: BaseOptions = {}): Promise<BasePlan> {
  const dir = exportTree(root, commit);
  try {
    const short = `${ref} (${commit.slice(0, 12)})`;
    const configFile = inBase(root, dir, opts.configFile);
    if (!existsSync(configFile ?? path.join(dir, `Pulumi.${stack}.yaml`))) {
      return { ref, commit, doc: { resources: [] }, note: `the stack has no stack file at ${short}: everything is new` };
    }
    const policyConfig = inBase(root, dir, opts.policyConfig);
    const args = [stack, "--json", ...(configFile ? ["--config-file", configFile] : []), ...(policyConfig && existsSync(policyConfig) ? ["--policy-config", policyConfig] : [])];
    const r = await runCli(dir, args);
    let doc: PlanDocument | undefined;
    try {
      doc = JSON.parse(r.stdout) as PlanDocument;
    } catch {
      doc = undefined;
    }
    if (doc === undefined || !Array.isArray(doc.resources)) {
      // Invalid config or a bug at the base: nothing to diff against; say why, in the base's words.
      throw new BaseRefError(`--base ${short}: the stack does not plan there (exit ${r.code}):\n${r.stderr.trimEnd()}`);
    }
    const mandatory = (doc.policies?.violations ?? []).filter((v) => v.enforcementLevel === "mandatory").length;
    const lockChanged = readOr(path.join(root, "package-lock.json")) !== readOr(path.join(dir, "package-lock.json"));
    const notes = [
      mandatory > 0 ? `the base fails its policies (${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}); diffed all the same` : "",
      lockChanged ? "package-lock.json differs at the base: it was planned with this checkout's node_modules" : "",
    ].filter(Boolean);
    return { ref, commit, doc, ...(notes.length > 0 ? { note: notes.join("; ") } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readOr(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}
