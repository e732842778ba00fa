// Writes the config block of Pulumi.yaml and the README's config reference from stacks/schema.ts.
// `npm run sync:config`; test/project-file.test.ts fails when either is out of date.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { policies } from "../policy/policies";
import { configReferenceMarkdown, projectConfigBlock } from "../stacks/schema";
import { enforcementLevel, readPolicyConfig } from "./policy";
import { shippedStacks } from "./stackfile";

export const README_BEGIN = "<!-- config-reference:begin (npm run sync:config) -->";
export const README_END = "<!-- config-reference:end -->";

export function syncedProjectFile(text: string): string {
  const doc = parseDocument(text);
  doc.set("config", projectConfigBlock());
  return doc.toString({ lineWidth: 0 });
}

export const POLICY_BEGIN = "<!-- policy-table:begin (npm run sync:config) -->";
export const POLICY_END = "<!-- policy-table:end -->";

/** The policies with their level in each shipped stack's policy/config/<stack>.json. */
export function policyTableMarkdown(root: string): string {
  const stacks = shippedStacks(root);
  const configs = stacks.map((s) => {
    const f = path.join(root, "policy", "config", `${s}.json`);
    return existsSync(f) ? readPolicyConfig(f) : {};
  });
  const rows = policies.map((p) => `| \`${p.name}\` | ${p.description} | ${configs.map((c) => enforcementLevel(p, c)).join(" | ")} |`);
  return [`| policy | what it requires | ${stacks.join(" | ")} |`, `| --- | --- | ${stacks.map(() => "---").join(" | ")} |`, ...rows].join("\n");
}

function replaceBetween(text: string, begin: string, end: string, body: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md lacks the markers ${begin} ... ${end}`);
  return `${text.slice(0, start + begin.length)}\n${body}\n${text.slice(stop)}`;
}

export function syncedReadme(text: string, root = path.resolve(__dirname, "..")): string {
  return replaceBetween(replaceBetween(text, README_BEGIN, README_END, configReferenceMarkdown()), POLICY_BEGIN, POLICY_END, policyTableMarkdown(root));
}

if (require.main === module) {
  writeFileSync("Pulumi.yaml", syncedProjectFile(readFileSync("Pulumi.yaml", "utf8")));
  writeFileSync("README.md", syncedReadme(readFileSync("README.md", "utf8")));
  console.log("Pulumi.yaml config block, README config reference and policy table written from stacks/schema.ts and policy/");
}
