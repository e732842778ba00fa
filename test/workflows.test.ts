import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { shippedStacks } from "../plan/stackfile";
import { readStackConfig } from "../plan/stackfile";
import { ROOT } from "./helpers/plan";

const DIR = path.join(ROOT, ".github", "workflows");
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
type Obj = Record<string, unknown>;
const load = (f: string) => parse(readFileSync(path.join(DIR, f), "utf8")) as Obj;
const jobs = (f: string) => load(f)["jobs"] as Record<string, Obj>;

/** Errors from GitHub's own workflow parser (@actions/workflow-parser, ESM-only). */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const wp = await import("@actions/workflow-parser");
  const result = wp.parseWorkflow({ name, content }, new wp.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value && errors.length === 0) {
    const template = await wp.convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

const cloudStacks = shippedStacks(ROOT).filter((s) => readStackConfig(ROOT, s).values["voting-platform:cloud"] !== "existing");

describe("GitHub workflows", () => {
  it("there are the pull-request, deploy, reusable up and drift workflows", () => {
    assert.deepEqual(files.sort(), ["deploy.yml", "drift.yml", "pull-request.yml", "pulumi-up.yml"]);
  });

  for (const f of files) {
    it(`${f} parses without errors in GitHub's workflow parser`, async () => {
      assert.deepEqual(await parserErrors(f, readFileSync(path.join(DIR, f), "utf8")), []);
    });
  }

  it("the parser catches a broken workflow (so the check can fail)", async () => {
    const errors = await parserErrors("broken.yml", "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n        wiht: {}\n");
    assert.ok(errors.length > 0);
  });

  it("pins every action to a full commit SHA", () => {
    for (const f of files) {
      const uses = [...readFileSync(path.join(DIR, f), "utf8").matchAll(/uses:\s*([^\s#]+)/g)].map((m) => m[1]!);
      for (const u of uses) {
        if (u.startsWith("./")) continue;
        assert.match(u, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${f}: ${u}`);
      }
    }
  });

  it("grants least privilege: read-only by default, more only where a job needs it", () => {
    for (const f of files) assert.deepEqual(load(f)["permissions"], f === "pulumi-up.yml" ? { contents: "read", "id-token": "write" } : { contents: "read" }, f);
    assert.deepEqual(jobs("pull-request.yml")["preview"]!["permissions"], { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.equal(jobs("pull-request.yml")["offline-plan"]!["permissions"], undefined, "offline plans need no token");
  });

  it("plans every shipped stack offline on pull requests, with a diff against the base branch", () => {
    const matrix = (jobs("pull-request.yml")["offline-plan"]!["strategy"] as { matrix: { stack: string[] } }).matrix.stack;
    assert.deepEqual([...matrix].sort(), shippedStacks(ROOT));
    assert.match(JSON.stringify(jobs("pull-request.yml")["offline-plan"]), /--diff \.\.\/base-plan\.json/);
  });

  it("previews, deploys and checks drift for every cloud stack, each with a policy config", () => {
    const include = (j: Obj) => ((j["strategy"] as { matrix: { include: { stack: string }[] } }).matrix.include).map((e) => e.stack);
    assert.deepEqual(include(jobs("pull-request.yml")["preview"]!).sort(), cloudStacks);
    assert.deepEqual(include(jobs("drift.yml")["refresh"]!).sort(), cloudStacks);
    const deployed = Object.values(jobs("deploy.yml")).flatMap((j) => (JSON.parse(String((j["with"] as Obj)["stacks"])) as { stack: string }[]).map((s) => s.stack));
    assert.deepEqual(deployed.sort(), cloudStacks);
    for (const s of shippedStacks(ROOT)) assert.ok(existsSync(path.join(ROOT, "policy", "config", `${s}.json`)), s);
  });

  it("deploys dev, then staging, then prod, each stack in its environment and its own concurrency group", () => {
    const d = jobs("deploy.yml");
    assert.equal(d["staging"]!["needs"], "dev");
    assert.equal(d["prod"]!["needs"], "staging");
    const up = jobs("pulumi-up.yml")["up"]!;
    assert.equal(up["environment"], "${{ matrix.stack }}");
    assert.deepEqual(up["concurrency"], { group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
    assert.deepEqual((jobs("drift.yml")["refresh"]!["concurrency"] as Obj)["group"], "pulumi-${{ matrix.stack }}", "drift checks queue behind updates of the same stack");
  });

  it("runs previews and updates with the policy pack and the stack's policy config", () => {
    for (const [f, job] of [["pull-request.yml", "preview"], ["pulumi-up.yml", "up"]] as const) {
      const step = (jobs(f)[job]!["steps"] as Obj[]).find((s) => String(s["uses"]).startsWith("pulumi/actions@"))!;
      const w = step["with"] as Obj;
      assert.equal(w["policyPacks"], "policy");
      assert.equal(w["policyPackConfigs"], "policy/config/${{ matrix.stack }}.json");
    }
    const preview = (jobs("pull-request.yml")["preview"]!["steps"] as Obj[]).find((s) => String(s["uses"]).startsWith("pulumi/actions@"))!["with"] as Obj;
    assert.equal(preview["command"], "preview");
    assert.equal(preview["diff"], true);
    assert.equal(preview["comment-on-pr"], true);
    assert.equal(preview["edit-pr-comment"], true);
  });

  it("uses OIDC for the clouds, no long-lived keys, and skips secret-needing jobs on fork pull requests", () => {
    const all = files.map((f) => readFileSync(path.join(DIR, f), "utf8")).join("\n");
    assert.doesNotMatch(all, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|credentials_json|GOOGLE_CREDENTIALS/);
    assert.match(all, /role-to-assume/);
    assert.match(all, /workload_identity_provider/);
    assert.equal(jobs("pull-request.yml")["preview"]!["if"], "github.event.pull_request.head.repo.full_name == github.repository");
    assert.match(JSON.stringify(jobs("drift.yml")["refresh"]), /--preview-only --expect-no-changes/);
  });
});
