// `npm run plan -- <stack> --base <git-ref>` in a throwaway git repository built from this
// checkout's files: clean and dirty trees, a base that fails its policies, a ref that does not
// exist; and the user's working tree, stashes and worktrees untouched afterwards.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { PlanDiff } from "../../plan/diff";
import { ROOT } from "../helpers/plan";

let repo = "";
// The plan's own temporary directory: other checkouts may run this test at the same time in /tmp.
let tmp = "";
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
const plan = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(repo, "plan", "cli.ts"), ...args], { cwd: repo, encoding: "utf8", timeout: 180_000, env: { ...process.env, TMPDIR: tmp } });
/** Everything --base must leave alone. */
const userState = () => ({ status: git("status", "--porcelain"), stashes: git("stash", "list"), worktrees: git("worktree", "list", "--porcelain"), head: git("rev-parse", "HEAD") });
const tempExports = () => readdirSync(tmp).filter((f) => f.startsWith("voting-platform-base-"));

before(() => {
  repo = mkdtempSync(path.join(tmpdir(), "vp-base-test-"));
  tmp = mkdtempSync(path.join(tmpdir(), "vp-base-tmp-"));
  // This checkout's files as they are (tracked and new), not its history.
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    try {
      cpSync(path.join(ROOT, f), path.join(repo, f));
    } catch {
      // listed but deleted in the working tree
    }
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
  git("init", "-q", "-b", "main");
  // .gitignore's "node_modules/" does not match a symlink.
  writeFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  // Commit 1: local with a tag-pinned image under a policy config that requires digests, mandatory.
  const stackFile = readFileSync(path.join(repo, "Pulumi.local.yaml"), "utf8");
  const policy = readFileSync(path.join(repo, "policy", "config", "local.json"), "utf8");
  writeFileSync(path.join(repo, "Pulumi.local.yaml"), `${stackFile}  voting-platform:voteImage: acme/vote:1.0\n`);
  writeFileSync(path.join(repo, "policy", "config", "local.json"), policy.replace('"all": "advisory"', '"all": "mandatory"').replace('"requireDigest": false', '"requireDigest": true'));
  git("add", "-A");
  git("commit", "-qm", "base that fails its policies");
  // Commit 2: the shipped files.
  writeFileSync(path.join(repo, "Pulumi.local.yaml"), stackFile);
  writeFileSync(path.join(repo, "policy", "config", "local.json"), policy);
  git("commit", "-qam", "shipped");
  // An unrelated stash that a stash-based recipe would pop.
  writeFileSync(path.join(repo, "NOTES.txt"), "mine\n");
  git("add", "NOTES.txt");
  git("stash", "push", "-q", "-m", "unrelated work");
});

after(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe("plan --base <git-ref>", () => {
  it("a clean tree against HEAD: an empty diff, exit 0, nothing touched", () => {
    const before = userState();
    const exports = tempExports();
    const r = plan("local", "--base", "HEAD");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Against HEAD \([0-9a-f]{12}\)\nPlan diff: 0 to add, 0 to remove, 0 to change/);
    assert.deepEqual(userState(), before);
    assert.deepEqual(exports, []);
    assert.deepEqual(tempExports(), [], "the temporary export is removed");
  });

  it("a dirty tree against a base that fails its policies: the diff, a note, the head's exit code, nothing touched", () => {
    const file = path.join(repo, "Pulumi.local.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}  voting-platform:voteOptionA: Tabs\n`);
    const before = userState();
    assert.match(before.status, /^ M Pulumi\.local\.yaml$/m);
    const r = plan("local", "--json", "--base", "HEAD~1");
    assert.equal(r.status, 0, r.stderr);
    const diff = (JSON.parse(r.stdout) as { diff: PlanDiff }).diff;
    assert.equal(diff.base?.ref, "HEAD~1");
    assert.equal(diff.base?.commit, git("rev-parse", "HEAD~1").trim());
    assert.match(diff.base?.note ?? "", /the base fails its policies \(\d+ mandatory violations?\)/);
    const vote = diff.changed.find((c) => c.urn.endsWith("kubernetes:apps/v1:Deployment::voting-vote"));
    assert.ok(vote, JSON.stringify(diff.changed.map((c) => c.urn)));
    assert.ok(vote.paths.some((p) => p.startsWith("inputs.spec.template.spec.containers")), vote.paths.join(", "));
    assert.deepEqual(userState(), before, "working tree, stashes, worktrees and HEAD as they were");
    assert.match(readFileSync(file, "utf8"), /voteOptionA: Tabs/);
  });

  it("a ref that does not exist: exit 1 naming it, before anything is planned", () => {
    const r = plan("local", "--base", "no-such-branch");
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^--base no-such-branch: no such commit, branch or tag in this repository/);
  });

  it("--base and --diff together are refused", () => {
    const r = plan("local", "--base", "HEAD", "--diff", "x.json");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--diff and --base both name what to diff against/);
  });
});
