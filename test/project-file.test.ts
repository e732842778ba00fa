import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { STACKS_BEGIN, STACKS_END, stacksTableMarkdown, syncedProjectFile, syncedReadme } from "../plan/sync-config";
import { planJson } from "./helpers/plan";
import { shippedStacks } from "../plan/stackfile";
import { CONFIG_KEYS, PROJECT, TEMPLATE_KEYS, qualified } from "../stacks/schema";
import { validateSettings } from "../stacks/validate";
import { readStackConfig } from "../plan/stackfile";

const ROOT = path.resolve(__dirname, "..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");

describe("Node.js version", () => {
  it("package.json engines and the README's requirement are what @pulumi/pulumi itself declares", () => {
    const pulumiEngines = (JSON.parse(read("node_modules/@pulumi/pulumi/package.json")) as { engines: { node: string } }).engines.node;
    const ours = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    assert.equal(ours, pulumiEngines);
    const major = /^>=(\d+)$/.exec(pulumiEngines)?.[1];
    assert.ok(major, pulumiEngines);
    assert.match(read("README.md"), new RegExp(`Requirements: \\*\\*Node\\.js ${major} or newer\\*\\*`));
    assert.ok(read("README.md").includes(`\`engines\` says \`${pulumiEngines}\``));
  });
});

describe("Pulumi.yaml", () => {
  const project = parse(read("Pulumi.yaml")) as Record<string, unknown>;

  it("names the project and runs TypeScript through tsx, not a type-checking ts-node", () => {
    assert.equal(project["name"], PROJECT);
    assert.deepEqual(project["runtime"], { name: "nodejs", options: { typescript: false, nodeargs: "--import=tsx" } });
    assert.equal(project["main"], "index.ts");
  });

  it("declares every config key of stacks/schema.ts, with its type and default (npm run sync:config)", () => {
    assert.equal(syncedProjectFile(read("Pulumi.yaml")), read("Pulumi.yaml"));
    const declared = project["config"] as Record<string, { type: string }>;
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(CONFIG_KEYS).sort());
    // Pulumi's project schema allows only these types in a declaration.
    for (const [k, d] of Object.entries(declared)) assert.ok(["string", "integer", "boolean", "array"].includes(d.type), k);
  });

  it("has a template block for `pulumi new` that prompts only for declared string keys (answers are saved as strings)", () => {
    const template = project["template"] as { config: Record<string, { description: string; default?: string }> };
    const declared = project["config"] as Record<string, { type: string; description: string }>;
    assert.deepEqual(Object.keys(template.config), TEMPLATE_KEYS.map((k) => qualified(k)));
    for (const key of TEMPLATE_KEYS) {
      assert.equal(declared[key]?.type, "string", key);
      assert.equal(template.config[qualified(key)]?.description, declared[key]?.description, key);
    }
    for (const core of ["cloud", "environment", "size"]) assert.ok(qualified(core) in template.config, core);
  });
});

describe("README", () => {
  it("carries the config reference generated from the schema (npm run sync:config)", () => {
    assert.equal(syncedReadme(read("README.md")), read("README.md"));
  });

  it("states the test command and the Node version", () => {
    const readme = read("README.md");
    assert.match(readme, /npm ci/);
    assert.match(readme, /npm test/);
    assert.match(readme, /npm run plan -- dev/);
    assert.match(readme, /Node(\.js)? 22/);
  });
});

describe("shipped stacks", () => {
  const expected: Record<string, [string, string, string]> = {
    dev: ["aws", "dev", "small"],
    staging: ["aws", "staging", "medium"],
    prod: ["aws", "prod", "large"],
    "gcp-dev": ["gcp", "dev", "small"],
    "gcp-prod": ["gcp", "prod", "large"],
    local: ["existing", "dev", "small"],
  };

  it("are the six the project promises", () => {
    assert.deepEqual(shippedStacks(ROOT), Object.keys(expected).sort());
  });

  for (const [stack, [cloud, environment, size]] of Object.entries(expected)) {
    it(`${stack} validates as ${cloud}/${environment}/${size}`, () => {
      const config = readStackConfig(ROOT, stack);
      const r = validateSettings({ project: config.project, stack, values: config.values });
      assert.ok(r.ok, r.ok ? "" : r.problems.map((p) => `${p.key}: ${p.message}`).join("\n"));
      if (!r.ok) return;
      assert.deepEqual([r.settings.platform.cloud, r.settings.environment, r.settings.size], [cloud, environment, size]);
    });
  }

  it("keep no plaintext secrets: secret-looking keys are encrypted, no access keys", () => {
    for (const stack of shippedStacks(ROOT)) {
      const text = read(`Pulumi.${stack}.yaml`);
      assert.doesNotMatch(text, /AKIA[0-9A-Z]{16}|-----BEGIN/, stack);
      const config = ((parse(text) as { config?: Record<string, unknown> }).config ?? {});
      for (const [key, value] of Object.entries(config)) {
        if (/password|secret|token|apikey/i.test(key)) assert.ok(typeof value === "object" && value !== null && "secure" in value, `${stack}: ${key} must be set with --secret`);
      }
    }
  });
});

describe("README stacks table", () => {
  it("shows each shipped stack's estimated cost and deploy time, as the plans compute them (npm run sync:config)", () => {
    const docs = shippedStacks(ROOT).map((s) => planJson(s));
    const text = read("README.md");
    const block = text.slice(text.indexOf(STACKS_BEGIN) + STACKS_BEGIN.length, text.indexOf(STACKS_END)).trim();
    assert.equal(block, stacksTableMarkdown(docs));
  });
});
