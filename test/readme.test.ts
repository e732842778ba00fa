// The README's commands, as a person pastes them: every shell block parses in bash and pastes the
// same way into zsh; the blocks marked to run offline are run in a temporary clone.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { pasteProblems, shellBlocks } from "./helpers/readme-commands";

const ROOT = path.resolve(__dirname, "..");
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const blocks = shellBlocks(readme);

describe("the README's shell blocks", () => {
  it("exist (the paths are written as commands to paste)", () => {
    assert.ok(blocks.length >= 10, `only ${blocks.length} shell blocks found`);
  });

  it("all parse in bash (bash -n)", () => {
    const bad = blocks.flatMap((b) => {
      const r = spawnSync("bash", ["-n"], { input: b.code, encoding: "utf8" });
      return r.status === 0 ? [] : [`README.md:${b.line}: ${r.stderr.trim()}`];
    });
    assert.deepEqual(bad, []);
  });

  it("paste the same way into zsh: no unquoted globs, no < > inside words, no # comments, no !", () => {
    const bad = blocks.flatMap((b) => pasteProblems(b.code).map((p) => `README.md:${b.line + p.line}: ${p.word}: ${p.why}`));
    assert.deepEqual(bad, []);
  });
});

describe("the paste rule", () => {
  const flagged = (line: string) => pasteProblems(line).map((p) => p.word);

  it("flags what breaks in zsh or bash", () => {
    assert.deepEqual(flagged("pulumi config set --path voting-platform:awsPublicAccessCidrs[0] 198.51.100.0/24"), ["voting-platform:awsPublicAccessCidrs[0]"]);
    assert.deepEqual(flagged("pulumi config set --path 'voting-platform:awsAdminPrincipals[0]' arn:aws:iam::<account>:role/admins"), ["arn:aws:iam::<account>:role/admins"]);
    assert.deepEqual(flagged("npm ci   # exact dependencies"), ["#"]);
    assert.deepEqual(flagged("ls *.yaml"), ["*.yaml"]);
    assert.deepEqual(flagged('echo "done!"'), ["done!"]);
  });

  it("lets quoted words, redirections and pipes through", () => {
    assert.deepEqual(flagged("pulumi config set --path 'voting-platform:awsPublicAccessCidrs[0]' '198.51.100.0/24'"), []);
    assert.deepEqual(flagged('pulumi config set --path "voting-platform:awsAdminPrincipals[0]" "arn:aws:iam::123456789012:role/admins"'), []);
    assert.deepEqual(flagged("npm run -s plan -- dev --json > /tmp/dev.json 2>&1 | jq .stack && echo ok"), []);
    assert.deepEqual(flagged("echo 'it works!'"), []);
  });
});

describe("the README's offline commands", () => {
  const runnable = blocks.filter((b) => b.run);

  it("are marked to run: every block that plans, diffs or syncs without a cloud", () => {
    const offline = blocks.filter((b) => /npm run( -s)? (plan|sync:config)/.test(b.code) && !/\b(pulumi|kind|aws|gcloud|kubectl) /.test(b.code));
    assert.ok(offline.length > 0);
    assert.deepEqual(
      offline.filter((b) => !b.run).map((b) => `README.md:${b.line}`),
      [],
      "mark them with <!-- readme-test: run --> on the line before the fence",
    );
  });

  it("run in a clean clone and succeed", { timeout: 240_000 }, () => {
    assert.ok(runnable.length > 0);
    const dir = mkdtempSync(path.join(tmpdir(), "readme-"));
    try {
      const clone = path.join(dir, "voting-platform");
      const c = spawnSync("git", ["clone", "--quiet", "--no-hardlinks", ROOT, clone], { encoding: "utf8" });
      assert.equal(c.status, 0, c.stderr);
      // A clone has only the checked-out branch; the README's `--base main` needs main too.
      if (spawnSync("git", ["-C", clone, "rev-parse", "--verify", "-q", "refs/heads/main"]).status !== 0) {
        spawnSync("git", ["-C", clone, "branch", "main", "origin/main"]);
      }
      // The clone is the committed tree; the README under test is the working copy's.
      symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");
      for (const b of runnable) {
        // npm ci is replaced by the linked node_modules, and npm test is what is running this.
        const script = b.code
          .split("\n")
          .map((l) => (/^\s*npm (ci|test)\b/.test(l) ? ":" : l))
          .join("\n");
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { cwd: clone, encoding: "utf8", timeout: 180_000, env: { ...process.env, PLAN_CACHE: "" } });
        assert.equal(r.status, 0, `README.md:${b.line} failed (exit ${r.status}):\n${b.code}\n--- stderr:\n${r.stderr.slice(-3000)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
