// Writes the config block of Pulumi.yaml and the README's config reference from stacks/schema.ts.
// `npm run sync:config`; test/project-file.test.ts fails when either is out of date.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { policies } from "../policy/policies";
import { configReferenceMarkdown, projectConfigBlock, projectTemplateBlock } from "../stacks/schema";
import { enforcementLevel, readPolicyConfig } from "./policy";
import type { Settings } from "../stacks/settings";
import type { PlanDocument } from "./record";
import { shippedStacks } from "./stackfile";

export const README_BEGIN = "<!-- config-reference:begin (npm run sync:config) -->";
export const README_END = "<!-- config-reference:end -->";

export function syncedProjectFile(text: string): string {
  const doc = parseDocument(text);
  doc.set("config", projectConfigBlock());
  doc.set("template", projectTemplateBlock());
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

export const STACKS_BEGIN = "<!-- stacks-table:begin (npm run sync:config) -->";
export const STACKS_END = "<!-- stacks-table:end -->";

/** The shipped stacks with their estimated monthly cost and deploy time, from their plans. */
export function stacksTableMarkdown(docs: readonly PlanDocument[]): string {
  const rows = docs.map((d) => {
    const s = d.settings as Settings;
    const c = d.cost;
    const cost = s.platform.cloud === "existing" ? "— (your cluster)" : `$${c.monthlyBeforeLoadBalancers.toFixed(2)}`;
    const withLb = s.platform.cloud === "existing" ? "—" : `$${c.monthly.toFixed(2)}`;
    const cap = d.capacity.applicable ? `${d.capacity.nodes} × ${d.capacity.machineType}: ${d.capacity.fits ? "fits" : "does not fit"}` : "—";
    return `| \`${d.stack}\` | ${s.platform.cloud} | ${s.environment} | ${s.size} | ${cost} | ${withLb} | ${d.schedule.criticalPathMinutes} min | ${cap} |`;
  });
  return ["| stack | cloud | environment | size | monthly, before LBs and traffic | with load balancers | deploy (critical path) | minimum nodes |", "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

export function syncedReadme(text: string, root = path.resolve(__dirname, ".."), docs?: readonly PlanDocument[]): string {
  let out = replaceBetween(replaceBetween(text, README_BEGIN, README_END, configReferenceMarkdown()), POLICY_BEGIN, POLICY_END, policyTableMarkdown(root));
  if (docs) out = replaceBetween(out, STACKS_BEGIN, STACKS_END, stacksTableMarkdown(docs));
  return out;
}

if (require.main === module) {
  // The stacks table needs every stack's plan: plan them all first.
  execFileSync(process.execPath, ["--import", "tsx", "test/prepare-plans.ts"], { stdio: "inherit" });
  const docs = shippedStacks(".").map((s) => JSON.parse(readFileSync(path.join(".plan", "cache", `${s}.json`), "utf8")) as PlanDocument);
  writeFileSync("Pulumi.yaml", syncedProjectFile(readFileSync("Pulumi.yaml", "utf8")));
  writeFileSync("README.md", syncedReadme(readFileSync("README.md", "utf8"), path.resolve("."), docs));
  console.log("Pulumi.yaml config and template blocks, README config reference and policy table written from stacks/schema.ts and policy/");
}
