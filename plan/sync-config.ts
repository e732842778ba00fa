// Writes the config block of Pulumi.yaml and the README's config reference from stacks/schema.ts.
// `npm run sync:config`; test/project-file.test.ts fails when either is out of date.

import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { configReferenceMarkdown, projectConfigBlock } from "../stacks/schema";

export const README_BEGIN = "<!-- config-reference:begin (npm run sync:config) -->";
export const README_END = "<!-- config-reference:end -->";

export function syncedProjectFile(text: string): string {
  const doc = parseDocument(text);
  doc.set("config", projectConfigBlock());
  return doc.toString({ lineWidth: 0 });
}

export function syncedReadme(text: string): string {
  const start = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${README_BEGIN} ... ${README_END}`);
  return `${text.slice(0, start + README_BEGIN.length)}\n${configReferenceMarkdown()}\n${text.slice(end)}`;
}

if (require.main === module) {
  writeFileSync("Pulumi.yaml", syncedProjectFile(readFileSync("Pulumi.yaml", "utf8")));
  writeFileSync("README.md", syncedReadme(readFileSync("README.md", "utf8")));
  console.log("Pulumi.yaml config block and README config reference written from stacks/schema.ts");
}
