import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { readStackConfig, shippedStacks } from "../plan/stackfile";
import { ROOT } from "./helpers/plan";

const DIR = path.join(ROOT, ".github", "workflows");
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
type Obj = Record<string, unknown>;
type Step = Obj & { run?: string; uses?: string; with?: Obj; env?: Obj; shell?: string; id?: string; name?: string };
const text = (f: string) => readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => parse(text(f)) as Obj;
const jobs = (f: string) => load(f)["jobs"] as Record<string, Obj>;
const steps = (job: Obj) => (job["steps"] ?? []) as Step[];
const allJobs = () => files.flatMap((f) => Object.entries(jobs(f)).map(([name, job]) => ({ f, name, job, wf: load(f) })));
const stepNamed = (job: Obj, id: string) => steps(job).find((s) => s.id === id)!;

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
const prodStacks = cloudStacks.filter((s) => readStackConfig(ROOT, s).values["voting-platform:environment"] === "prod");
const sdkVersion = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];

/**
 * The shell a `run:` step gets on GitHub: the step's `shell`, else the job's, else the workflow's
 * `defaults.run.shell`; unspecified on Linux is `bash -e {0}` (no pipefail) — GitHub's workflow
 * syntax, jobs.<job_id>.steps[*].shell.
 */
function effectiveShell(wf: Obj, job: Obj, step: Step): string {
  const d = (o: Obj) => ((o["defaults"] as Obj | undefined)?.["run"] as Obj | undefined)?.["shell"] as string | undefined;
  return step.shell ?? d(job) ?? d(wf) ?? "unspecified";
}

/** `run:` steps whose pipes do not fail the step (a `|` that is not `||`, under a shell without pipefail). */
function unsafePipes(wf: Obj): string[] {
  const out: string[] = [];
  for (const [name, job] of Object.entries(wf["jobs"] as Record<string, Obj>)) {
    for (const s of steps(job)) {
      if (s.run === undefined) continue;
      const shell = effectiveShell(wf, job, s);
      const pipefail = shell === "bash" || /pipefail/.test(shell) || /set -[a-z]*o pipefail|set -o pipefail/.test(s.run);
      if (/(^|[^|])\|([^|]|$)/m.test(s.run) && !pipefail) out.push(`${name}: ${s.name ?? s.run.split("\n")[0]}`);
    }
  }
  return out;
}

/**
 * Runs a step's script the way GitHub does for `shell: bash` (`bash --noprofile --norc -eo pipefail`),
 * with fake commands first on PATH and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
function runStep(
  script: string,
  env: Record<string, string>,
  fakes: Record<string, string>,
  {
    shellArgs = ["--noprofile", "--norc", "-eo", "pipefail"],
    cwd = ".",
    files = {} as Record<string, string>,
    setup = (_work: string): void => undefined,
  } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), "wf-step-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  mkdirSync(path.join(dir, "work", cwd), { recursive: true });
  for (const [f, body] of Object.entries(files)) writeFileSync(path.join(dir, "work", f), body);
  setup(path.join(dir, "work"));
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const scriptFile = path.join(dir, "step.sh");
  writeFileSync(scriptFile, script);
  const output = path.join(dir, "output");
  const summary = path.join(dir, "summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const r = spawnSync("bash", [...shellArgs, scriptFile], {
    cwd: path.join(dir, "work", cwd),
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env["PATH"]}`, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env },
  });
  const outputs = Object.fromEntries(readFileSync(output, "utf8").split("\n").filter(Boolean).map((l) => l.split("=", 2) as [string, string]));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summary, "utf8"), dir };
}

/**
 * The value GitHub gives a `${{ expression }}` input, evaluated with GitHub's expression engine
 * (@actions/expressions) over the given contexts: what pulumi/actions reads with getBooleanInput.
 */
async function evaluate(input: unknown, contexts: Record<string, unknown>): Promise<string> {
  const m = /^\$\{\{(.*)\}\}$/s.exec(String(input));
  if (!m) return String(input);
  const { Lexer, Parser, Evaluator, data } = await import("@actions/expressions");
  const expr = new Parser(new Lexer(m[1]!).lex().tokens, Object.keys(contexts), []).parse();
  return new Evaluator(expr, JSON.parse(JSON.stringify(contexts), data.reviver) as InstanceType<typeof data.Dictionary>).evaluate().coerceString();
}

/** Runs a github-script step's code the way actions/github-script does (an async function of require, github, context). */
async function runGithubScript(script: string, cwd: string, github: unknown, context: unknown): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  const here = process.cwd();
  process.chdir(cwd);
  try {
    await new AsyncFunction("require", "github", "context", script)(createRequire(path.join(ROOT, "package.json")), github, context);
  } finally {
    process.chdir(here);
  }
}

describe("GitHub workflows", () => {
  it("there are the pull-request, deploy, reusable up and drift workflows", () => {
    assert.deepEqual(files.sort(), ["deploy.yml", "drift.yml", "pull-request.yml", "pulumi-up.yml"]);
  });

  for (const f of files) {
    it(`${f} parses without errors in GitHub's workflow parser`, async () => {
      assert.deepEqual(await parserErrors(f, text(f)), []);
    });
  }

  it("the parser catches broken workflows (so the checks above can fail)", async () => {
    const errors = await parserErrors("broken.yml", "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n        wiht: {}\n");
    assert.ok(errors.length > 0);
    const queue = (q: string, cancel: boolean) => `on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    concurrency:\n      group: g\n      cancel-in-progress: ${cancel}\n      queue: ${q}\n    steps:\n      - run: echo\n`;
    assert.deepEqual(await parserErrors("queue.yml", queue("max", false)), []);
    assert.ok((await parserErrors("queue.yml", queue("bogus", false))).length > 0, "an unknown queue mode is rejected");
  });

  it("pins every action to a full commit SHA with its version in a comment", () => {
    for (const f of files) {
      const uses = [...text(f).matchAll(/^\s*(?:- )?uses:\s*([^\s#]+)(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const);
      for (const [u, comment] of uses) {
        if (u.startsWith("./")) continue;
        assert.match(u, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${f}: ${u}`);
        assert.match(comment, /^ # v\d+\.\d+\.\d+$/, `${f}: ${u} needs a "# vX.Y.Z" comment`);
      }
    }
  });

  it("every shell step fails when any command in it fails: bash with pipefail everywhere", () => {
    for (const f of files) {
      const wf = load(f);
      assert.deepEqual((wf["defaults"] as Obj)["run"], { shell: "bash" }, `${f}: defaults.run.shell`);
      for (const [name, job] of Object.entries(jobs(f))) for (const s of steps(job)) if (s.run !== undefined) assert.equal(effectiveShell(wf, job, s), "bash", `${f} ${name}: ${s.name ?? s.run}`);
      assert.deepEqual(unsafePipes(wf), [], f);
    }
    // The check finds a piped step under GitHub's default shell (`bash -e`, no pipefail).
    const unsafe = parse("jobs:\n  x:\n    steps:\n      - run: pulumi refresh 2>&1 | tee out.txt\n") as Obj;
    assert.deepEqual(unsafePipes(unsafe), ["x: pulumi refresh 2>&1 | tee out.txt"]);
    assert.deepEqual(unsafePipes(parse("jobs:\n  x:\n    steps:\n      - run: a || b\n") as Obj), [], "|| is not a pipe");
  });

  it("never puts ${{ }} expressions inside run: scripts or github-script code (values go through env:)", () => {
    for (const { f, name, job } of allJobs()) {
      for (const s of steps(job)) {
        const code = s.run ?? (String(s.uses).startsWith("actions/github-script@") ? String(s.with?.["script"]) : undefined);
        if (code !== undefined) assert.doesNotMatch(code, /\$\{\{/, `${f} ${name}: ${s.name ?? code.split("\n")[0]}`);
      }
    }
  });

  it("installs the tools with pinned actions: the Pulumi CLI at the SDK's version, gcloud with the GKE auth plugin", () => {
    assert.match(sdkVersion ?? "", /^\d+\.\d+\.\d+$/, "package.json pins @pulumi/pulumi exactly");
    for (const f of files) assert.doesNotMatch(text(f), /get\.pulumi\.com|curl[^\n]*\|\s*(ba)?sh/, `${f}: no curl | sh installers`);
    for (const { f, name, job } of allJobs()) {
      const st = steps(job);
      const pulumiSteps = st.filter((s) => String(s.uses).startsWith("pulumi/actions@"));
      const runsPulumi = pulumiSteps.length > 0 || st.some((s) => /(^|\s)pulumi /m.test(s.run ?? ""));
      if (!runsPulumi) continue;
      assert.ok(pulumiSteps.length > 0, `${f} ${name}: the CLI comes from pulumi/actions`);
      for (const s of pulumiSteps) assert.equal(s.with?.["pulumi-version"], sdkVersion, `${f} ${name}: pulumi-version`);
      // The first pulumi/actions step installs the CLI before any `run:` calls it.
      const firstInstall = st.indexOf(pulumiSteps[0]!);
      const firstRun = st.findIndex((s) => /(^|\s)pulumi /m.test(s.run ?? ""));
      if (firstRun >= 0) assert.ok(firstInstall < firstRun, `${f} ${name}: CLI installed before use`);
      const gcloud = st.find((s) => String(s.uses).startsWith("google-github-actions/setup-gcloud@"));
      assert.ok(gcloud, `${f} ${name}: GKE kubeconfigs need gcloud`);
      assert.equal(gcloud.if, "matrix.cloud == 'gcp'");
      assert.equal(gcloud.with?.["install_components"], "gke-gcloud-auth-plugin");
      assert.match(String(gcloud.with?.["version"]), /^\d+\.\d+\.\d+$/, `${f} ${name}: gcloud version pinned`);
      assert.ok(st.indexOf(gcloud) < firstInstall, `${f} ${name}: gcloud before Pulumi runs`);
    }
  });

  it("grants least privilege: read-only by default, more only where a job needs it", () => {
    for (const f of files) assert.deepEqual(load(f)["permissions"], f === "pulumi-up.yml" ? { contents: "read", "id-token": "write" } : { contents: "read" }, f);
    const pr = jobs("pull-request.yml");
    assert.deepEqual(pr["preview"]!["permissions"], { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.deepEqual(pr["plan-comment"]!["permissions"], { "pull-requests": "write" });
    assert.equal(pr["offline-plan"]!["permissions"], undefined, "offline plans need no token");
    assert.deepEqual(jobs("drift.yml")["refresh"]!["permissions"], { contents: "read", "id-token": "write", issues: "write" });
  });

  it("plans every shipped stack offline on pull requests, with a diff against the base branch and the pictures", () => {
    const job = jobs("pull-request.yml")["offline-plan"]!;
    const matrix = (job["strategy"] as { matrix: { stack: string[] } }).matrix.stack;
    assert.deepEqual([...matrix].sort(), shippedStacks(ROOT));
    const head = steps(job).find((s) => /--markdown/.test(s.run ?? ""))!;
    assert.match(head.run!, /--diff \.\.\/base-plan\.json/);
    assert.match(head.run!, />> "\$GITHUB_STEP_SUMMARY"/);
  });

  it("a failed base plan is reported, not replaced by an empty one", () => {
    const base = stepNamed(jobs("pull-request.yml")["offline-plan"]!, "base");
    const withStackFile = { "base/Pulumi.dev.yaml": "" };
    const run = (npm: string, files: Record<string, string>) => {
      const r = runStep(base.run!, { STACK: "dev" }, { npm }, { cwd: "base", files });
      return { ...r, basePlan: existsSync(path.join(r.dir, "work", "base-plan.json")) ? readFileSync(path.join(r.dir, "work", "base-plan.json"), "utf8") : undefined };
    };
    const failed = run('[ "$1" = ci ] && exit 0; echo "Stack \'dev\' has 1 configuration problem" >&2; exit 1', withStackFile);
    assert.equal(failed.code, 0, failed.stderr);
    assert.equal(failed.outputs["state"], "failed");
    assert.equal(failed.basePlan, undefined, "no fallback base is written");
    assert.match(failed.summary, /Base plan of `dev` failed \(exit 1\)/);
    assert.match(failed.stdout, /::warning title=Base plan of dev failed::/);
    // A mandatory policy violation (exit 1 with a plan) is still a base; so is a plain success.
    const violating = run('[ "$1" = ci ] && exit 0; echo \'{"resources": [{"urn": "u"}]}\'; exit 1', withStackFile);
    assert.equal(violating.outputs["state"], "ok");
    assert.match(violating.basePlan!, /"urn": "u"/);
    const absent = run("exit 99", {});
    assert.equal(absent.outputs["state"], "absent");
    assert.deepEqual(JSON.parse(absent.basePlan!), { resources: [] });
  });

  it("previews, deploys and checks drift for every cloud stack, each with a policy config", () => {
    const include = (j: Obj) => (j["strategy"] as { matrix: { include: { stack: string }[] } }).matrix.include.map((e) => e.stack);
    assert.deepEqual(include(jobs("pull-request.yml")["preview"]!).sort(), cloudStacks);
    assert.deepEqual(include(jobs("drift.yml")["refresh"]!).sort(), cloudStacks);
    const deployed = Object.values(jobs("deploy.yml")).flatMap((j) => (JSON.parse(String((j["with"] as Obj)["stacks"])) as { stack: string }[]).map((s) => s.stack));
    assert.deepEqual(deployed.sort(), cloudStacks);
    for (const s of shippedStacks(ROOT)) assert.ok(existsSync(path.join(ROOT, "policy", "config", `${s}.json`)), s);
  });

  it("deploys in one lane per cloud (dev -> staging -> prod, gcp-dev -> gcp-prod), each stack in its environment", () => {
    const d = jobs("deploy.yml");
    assert.equal(d["staging"]!["needs"], "dev");
    assert.equal(d["prod"]!["needs"], "staging");
    assert.equal(d["gcp-prod"]!["needs"], "gcp-dev");
    for (const [name, job] of Object.entries(d)) assert.deepEqual(JSON.parse(String((job["with"] as Obj)["stacks"])).map((s: { stack: string }) => s.stack), [name], "one stack per job: a failure holds back only its lane");
    const up = jobs("pulumi-up.yml")["up"]!;
    assert.equal(up["environment"], "${{ matrix.stack }}");
  });

  it("prod is previewed only in a protected environment and drift-checked only from main's environment", () => {
    const entries = (j: Obj) => (j["strategy"] as { matrix: { include: { stack: string; environment: string }[] } }).matrix.include;
    const preview = jobs("pull-request.yml")["preview"]!;
    assert.equal(preview["environment"], "${{ matrix.environment }}");
    for (const e of entries(preview)) assert.equal(e.environment, prodStacks.includes(e.stack) ? "prod-preview" : "preview", e.stack);
    const drift = jobs("drift.yml")["refresh"]!;
    assert.equal(drift["environment"], "${{ matrix.environment }}");
    for (const e of entries(drift)) assert.equal(e.environment, prodStacks.includes(e.stack) ? "drift-prod" : "drift", e.stack);
    assert.deepEqual(prodStacks, ["gcp-prod", "prod"]);
    // Pulumi tokens come from the job's environment, never from a job without one.
    for (const { f, name, job } of allJobs()) if (JSON.stringify(job).includes("secrets.PULUMI_ACCESS_TOKEN")) assert.ok(job["environment"], `${f} ${name}`);
  });

  it("runs by hand only from main", () => {
    for (const f of files.filter((x) => "workflow_dispatch" in (load(x)["on"] as Obj))) {
      for (const [name, job] of Object.entries(jobs(f))) assert.match(String(job["if"]), /github\.ref == 'refs\/heads\/main'/, `${f} ${name}`);
    }
    assert.ok(files.filter((x) => "workflow_dispatch" in (load(x)["on"] as Obj)).length >= 2);
  });

  it("never cancels a matrix sibling, and queues deploys and drift checks of a stack in one group without dropping any", () => {
    for (const { f, name, job } of allJobs()) {
      const strategy = job["strategy"] as Obj | undefined;
      if (strategy && f !== "pull-request.yml") assert.equal(strategy["fail-fast"], false, `${f} ${name}`);
      if (strategy && name === "preview") assert.equal(strategy["fail-fast"], false);
    }
    const group = { group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false, queue: "max" };
    assert.deepEqual(jobs("pulumi-up.yml")["up"]!["concurrency"], group);
    assert.deepEqual(jobs("drift.yml")["refresh"]!["concurrency"], group);
  });

  it("creates a stack on its first deploy, and previews only stacks that exist (exit 6 is 'no stack yet')", async () => {
    const up = steps(jobs("pulumi-up.yml")["up"]!).find((s) => String(s.uses).startsWith("pulumi/actions@"))!;
    assert.equal(up.with?.["upsert"], true);
    const preview = jobs("pull-request.yml")["preview"]!;
    const check = stepNamed(preview, "stack");
    const previewStep = steps(preview).find((s) => s.with?.["command"] === "preview")!;
    assert.equal(previewStep.if, "steps.stack.outputs.exists == 'true'");
    assert.equal(previewStep.with?.["upsert"], undefined, "a read-only preview does not create stacks");
    assert.equal(steps(preview)[0]!.with?.["fetch-depth"], 0, "the base branch is fetched (origin/<base>)");
    // A real repository whose origin/main has Pulumi.dev.yaml but not Pulumi.newstack.yaml.
    const baseBranch = (work: string) => {
      const git = (...args: string[]) => {
        const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: work, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
      };
      git("init", "-q");
      writeFileSync(path.join(work, "Pulumi.dev.yaml"), "config: {}\n");
      git("add", "Pulumi.dev.yaml");
      git("commit", "-q", "-m", "base");
      git("update-ref", "refs/remotes/origin/main", "HEAD");
    };
    const at = (code: number, stack = "dev", base = "main") =>
      runStep(check.run!, { STACK: stack, STACK_NAME: `org/${stack}`, BASE_REF: base }, { pulumi: `echo "error: no stack named 'org/${stack}' found" >&2; exit ${code}` }, { setup: baseBranch });
    assert.equal(at(0).outputs["exists"], "true");
    // Not found, and the pull request adds the stack: skip with a notice.
    const added = at(6, "newstack");
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.outputs["exists"], "false");
    assert.match(added.stdout, /::notice title=No stack org\/newstack yet::this pull request adds Pulumi\.newstack\.yaml/);
    // Not found, but the base branch has the stack: wrong org, renamed stack or a token without access.
    const missing = at(6);
    assert.equal(missing.code, 1, "a stack the base branch has must exist");
    assert.equal(missing.outputs["exists"], undefined);
    assert.match(missing.stdout, /::error title=Stack org\/dev not found::Pulumi\.dev\.yaml is on main.*PULUMI_ORG.*PULUMI_ACCESS_TOKEN/);
    assert.match(missing.stderr, /no stack named 'org\/dev' found/, "the CLI's own message is shown");
    // The base branch cannot be read: no guessing.
    const unreadable = at(6, "newstack", "release");
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stdout, /origin\/release cannot be read/);
    const denied = at(3);
    assert.equal(denied.code, 3, "credentials problems fail the job");
  });

  it("runs previews and updates with the policy pack and the stack's policy config", () => {
    for (const [f, job] of [["pull-request.yml", "preview"], ["pulumi-up.yml", "up"]] as const) {
      const step = steps(jobs(f)[job]!).find((s) => String(s.uses).startsWith("pulumi/actions@") && s.with?.["command"])!;
      assert.equal(step.with?.["policyPacks"], "policy");
      assert.equal(step.with?.["policyPackConfigs"], "policy/config/${{ matrix.stack }}.json");
    }
    const preview = steps(jobs("pull-request.yml")["preview"]!).find((s) => s.with?.["command"] === "preview")!.with!;
    assert.equal(preview["edit-pr-comment"], true);
  });

  it("shows prod's property values (--diff, the preview comment) only when the repository is private", async () => {
    const preview = steps(jobs("pull-request.yml")["preview"]!).find((s) => s.with?.["command"] === "preview")!.with!;
    const up = steps(jobs("pulumi-up.yml")["up"]!).find((s) => s.with?.["command"] === "up")!.with!;
    const deployed = Object.values(jobs("deploy.yml")).flatMap((j) => JSON.parse(String((j["with"] as Obj)["stacks"])) as Obj[]);
    for (const entry of deployed) assert.equal(entry["prod"] === true, prodStacks.includes(String(entry["stack"])), `deploy.yml marks ${String(entry["stack"])}`);
    const entries = (jobs("pull-request.yml")["preview"]!["strategy"] as { matrix: { include: Obj[] } }).matrix.include;
    for (const priv of [true, false]) {
      const github = { event: { repository: { private: priv } } };
      for (const matrix of entries) {
        const shown = String(priv || !prodStacks.includes(String(matrix["stack"])));
        assert.equal(await evaluate(preview["diff"], { github, matrix }), shown, `preview --diff of ${String(matrix["stack"])}, private=${priv}`);
        assert.equal(await evaluate(preview["comment-on-pr"], { github, matrix }), shown, `preview comment of ${String(matrix["stack"])}, private=${priv}`);
      }
      for (const matrix of deployed) {
        assert.equal(await evaluate(up["diff"], { github, matrix }), String(priv || matrix["prod"] !== true), `up --diff of ${String(matrix["stack"])}, private=${priv}`);
      }
    }
    // The engine really evaluates (so the checks above can fail).
    assert.equal(await evaluate("${{ github.event.repository.private || matrix.prod }}", { github: { event: { repository: { private: false } } }, matrix: { prod: false } }), "false");
  });

  describe("the offline-plan comment", () => {
    const script = String(steps(jobs("pull-request.yml")["plan-comment"]!).find((s) => String(s.uses).startsWith("actions/github-script@"))!.with?.["script"]);
    const fenceBlocks = (md: string) => md.split("\n").filter((l) => /^\s*(```|~~~)/.test(l)).length;
    /** A stack's plan.md: headline, a diff table of `rows` rows, then the two diagrams (as plan/markdown.ts writes it). */
    const planMd = (stack: string, rows: number, slices = 30) =>
      [
        `### Offline plan: \`${stack}\``,
        "",
        "**Cost** $1.00/month",
        "",
        "| | resource | inputs changed |",
        "| --- | --- | --- |",
        ...Array.from({ length: rows }, (_, i) => `| ~ | \`aws:ec2/subnet:Subnet ${stack}-subnet-${i}\` | tags, cidrBlock |`),
        "",
        "```mermaid",
        "pie showData",
        `    title ${stack}`,
        ...Array.from({ length: slices }, (_, i) => `    "line ${i} of the cost estimate with a long label" : ${i + 1}.00`),
        "```",
        "",
        "```mermaid",
        "gantt",
        "    dateFormat X",
        ...Array.from({ length: slices }, (_, i) => `    step ${i} :t${i}, ${i === 0 ? "0" : `after t${i - 1}`}, 60s`),
        "```",
      ].join("\n");

    async function comment(plans: Record<string, string>): Promise<string> {
      const dir = mkdtempSync(path.join(tmpdir(), "wf-comment-"));
      for (const [d, md] of Object.entries(plans)) {
        mkdirSync(path.join(dir, "plans", d), { recursive: true });
        writeFileSync(path.join(dir, "plans", d, "plan.md"), md);
      }
      const created: string[] = [];
      const github = { paginate: async () => [], rest: { issues: { listComments: {}, createComment: async (a: { body: string }) => void created.push(a.body), updateComment: async () => assert.fail("no comment to update") } } };
      await runGithubScript(script, dir, github, { payload: { pull_request: { number: 7 } }, repo: { owner: "o", repo: "r" } });
      assert.equal(created.length, 1);
      return created[0]!;
    }
    const sectionOf = (body: string, stack: string) => body.slice(body.indexOf(`### Offline plan: \`${stack}\``)).split(/\n\n(?=### Offline plan)/)[0]!;

    it("keeps sections that fit whole, diagrams included", async () => {
      const small = planMd("dev", 3);
      const body = await comment({ "offline-plan-dev": small, "offline-plan-prod": planMd("prod", 2) });
      assert.ok(body.startsWith("<!-- voting-platform:offline-plans -->"));
      assert.equal(sectionOf(body, "dev"), small);
    });

    it("never cuts a section inside a mermaid block: diagrams go first, then the cut is at a line boundary outside any fence", async () => {
      // Six stacks share 60,000 characters (10,000 each). `dev`'s table fits but its pie straddles
      // the share; `prod`'s table alone is longer than the share.
      const plans: Record<string, string> = {};
      for (const s of ["dev", "gcp-dev", "gcp-prod", "local", "prod", "staging"]) plans[`offline-plan-${s}`] = planMd(s, 2);
      plans["offline-plan-dev"] = planMd("dev", 120, 200);
      plans["offline-plan-prod"] = planMd("prod", 400);
      assert.ok(plans["offline-plan-dev"].indexOf("```mermaid") < 10000 && plans["offline-plan-dev"].length > 10000, "the share boundary falls inside dev's diagrams");
      const body = await comment(plans);
      assert.ok(body.length <= 65536, `${body.length} characters`);
      for (const s of ["dev", "prod"]) {
        const section = sectionOf(body, s);
        assert.ok(section.length <= 10000, `${s}: ${section.length}`);
        assert.equal(fenceBlocks(section) % 2, 0, `${s}: every fence is closed`);
        assert.doesNotMatch(section, /```mermaid/, `${s}: the diagrams were dropped, not cut`);
        assert.match(section, /… cut: the full plan, diagrams included, is in the job summary and the artifact offline-plan-/);
      }
      assert.equal(sectionOf(body, "dev").match(/^\| ~ \|/gm)!.length, 120, "dev keeps its whole table");
      const prodRows = sectionOf(body, "prod").match(/^\| ~ \|/gm)!.length;
      assert.ok(prodRows > 0 && prodRows < 400, `prod's table is cut between rows (${prodRows})`);
      for (const s of ["gcp-dev", "staging"]) assert.equal(sectionOf(body, s), plans[`offline-plan-${s}`], `${s} is untouched`);
    });
  });

  describe("drift", () => {
    const refresh = stepNamed(jobs("drift.yml")["refresh"]!, "refresh");
    const resources = "Resources:\n    ~ 2 to update\n    14 unchanged\n\n";
    const fake = (code: number) => ({ pulumi: `printf 'refreshing arn:aws:iam::111122223333:role/x\\n${resources.replace(/\n/g, "\\n")}'; exit ${code}` });

    it("tells drift (exit 7) from a failed refresh (anything else) and from no drift", () => {
      const at = (code: number) => runStep(refresh.run!, { STACK: "dev", STACK_NAME: "dev" }, fake(code));
      assert.deepEqual(at(0).outputs, { result: "clean", status: "0" });
      assert.deepEqual(at(7).outputs, { result: "drift", status: "7" });
      assert.deepEqual(at(3).outputs, { result: "failed", status: "3" });
      assert.deepEqual(at(255).outputs, { result: "failed", status: "255" });
      assert.equal(at(7).code, 0, "the step records the outcome; a later step fails the job");
    });

    it("needs pipefail: under GitHub's default `bash -e` the tee would hide the refresh's exit code", () => {
      const r = runStep(refresh.run!, { STACK: "dev", STACK_NAME: "dev" }, fake(7), { shellArgs: ["-e"] });
      assert.equal(r.outputs["result"], "clean");
    });

    it("reports counts only: the issue never carries the refresh output", () => {
      const r = runStep(refresh.run!, { STACK: "dev", STACK_NAME: "dev" }, fake(7));
      assert.equal(readFileSync(path.join(r.dir, "work", "summary.txt"), "utf8"), "    ~ 2 to update\n    14 unchanged\n");
      assert.doesNotMatch(r.summary, /arn:aws/);
      assert.doesNotMatch(refresh.run!, /--diff/, "no property values in the log either");
      const report = steps(jobs("drift.yml")["refresh"]!).find((s) => String(s.uses).startsWith("actions/github-script@"))!;
      const script = String(report.with?.["script"]);
      assert.doesNotMatch(script, /refresh\.txt/);
      assert.match(script, /summary\.txt/);
      assert.match(script, /Drift detected in \$\{STACK\}/);
      assert.match(script, /Drift check failed for \$\{STACK\}/);
      // The CLI has no working exit code for "a resource could not be read" (it exits 1): no code but 0 and 7 is named.
      assert.match(script, /any exit code other than 0 and 7 means the refresh failed/);
      assert.doesNotMatch(script + text("drift.yml").split("\nname:")[0], /\(exit [0-9]\)|\([0-9]\)|\b[3-6] (credentials|a resource|no such)/);
      assert.equal(report.if, "steps.refresh.outputs.result != 'clean' && !cancelled()");
      const fail = steps(jobs("drift.yml")["refresh"]!).at(-1)!;
      assert.equal(fail.if, "steps.refresh.outputs.result != 'clean'");
      assert.match(fail.run!, /exit 1/);
    });
  });

  it("uses OIDC for the clouds, no long-lived keys, read-only identities for previews and drift, and skips secret-needing jobs on fork pull requests", () => {
    const all = files.map(text).join("\n");
    assert.doesNotMatch(all, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|credentials_json|GOOGLE_CREDENTIALS|PULUMI_CONFIG_PASSPHRASE/);
    const identities = (f: string, job: string) =>
      steps(jobs(f)[job]!)
        .map((s) => String(s.with?.["role-to-assume"] ?? s.with?.["service_account"] ?? ""))
        .filter(Boolean);
    assert.deepEqual(identities("pull-request.yml", "preview"), ["${{ vars.AWS_READ_ROLE_ARN }}", "${{ vars.GCP_READ_SERVICE_ACCOUNT }}"]);
    assert.deepEqual(identities("drift.yml", "refresh"), ["${{ vars.AWS_READ_ROLE_ARN }}", "${{ vars.GCP_READ_SERVICE_ACCOUNT }}"]);
    assert.deepEqual(identities("pulumi-up.yml", "up"), ["${{ vars.AWS_DEPLOY_ROLE_ARN }}", "${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}"]);
    const samRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    assert.equal(jobs("pull-request.yml")["preview"]!["if"], samRepo);
    assert.match(String(jobs("pull-request.yml")["plan-comment"]!["if"]), new RegExp(samRepo.replace(/\./g, "\\.")));
    assert.match(JSON.stringify(jobs("drift.yml")["refresh"]), /--preview-only --expect-no-changes/);
  });
});
