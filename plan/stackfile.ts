// Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI hands config to a program:
// every value a string (lists and maps as JSON), project defaults applied, encrypted values
// (`secure:`) replaced by the placeholder "[secret]" because nothing here can decrypt them and
// listed as secret keys (PULUMI_CONFIG_SECRET_KEYS). Each value is read as the CLI's Go YAML
// reader reads it; what the CLI refuses, or reads otherwise than written, is a problem
// (plan/yaml-values.ts).

import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, parse, parseDocument, type Document, type Node } from "yaml";
import type { ConfigProblem } from "../stacks/settings";
import { readConfigValue, type ConfigType } from "./yaml-values";

export const SECRET = "[secret]";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
  /** Values the Pulumi CLI would refuse, or read differently than a YAML 1.2 reader (plan/yaml-values.ts). */
  readonly problems: readonly ConfigProblem[];
}

export class StackFileError extends Error {
  override name = "StackFileError";
}

export function shippedStacks(root: string): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

function toConfigString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v ?? null);
}

function readYamlDocument(file: string): { doc: Document; data: Record<string, unknown> } {
  const doc = parseDocument(readFileSync(file, "utf8"), { version: "1.2", uniqueKeys: true });
  if (doc.errors.length > 0) throw new StackFileError(`${path.basename(file)} is not valid YAML: ${doc.errors[0]!.message}`);
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { doc, data: {} };
  if (typeof data !== "object" || Array.isArray(data)) throw new StackFileError(`${path.basename(file)} must be a YAML mapping`);
  return { doc, data: data as Record<string, unknown> };
}

function readYaml(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new StackFileError(`${path.basename(file)} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${path.basename(file)} must be a YAML mapping`);
  return doc as Record<string, unknown>;
}

/** `configFile` overrides Pulumi.<stack>.yaml, like `pulumi --config-file`. */
export function readStackConfig(root: string, stack: string, configFile?: string): StackConfig {
  const projectFile = readYaml(path.join(root, "Pulumi.yaml"));
  const project = String(projectFile["name"] ?? "");
  const stackPath = configFile ?? path.join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackPath)) {
    throw new StackFileError(
      configFile ? `No such config file: ${configFile}` : `No stack file Pulumi.${stack}.yaml. Shipped stacks: ${shippedStacks(root).join(", ")}`,
    );
  }
  const problems: ConfigProblem[] = [];
  const { doc, data: stackFile } = readYamlDocument(stackPath);
  const config = (stackFile["config"] ?? {}) as Record<string, unknown>;
  if (typeof config !== "object" || Array.isArray(config)) throw new StackFileError(`Pulumi.${stack}.yaml: 'config' must be a mapping`);
  const configNode = doc.get("config", true);
  const declared = (projectFile["config"] ?? {}) as Record<string, unknown>;

  // Own-property map: a key named like an Object.prototype member is only a key.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const secretKeys: string[] = [];
  for (const pair of isMap(configNode) ? configNode.items : []) {
    const rawKey = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    // As the CLI does: a key without a namespace belongs to the project.
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const name = key.startsWith(`${project}:`) ? key.slice(project.length + 1) : undefined;
    const decl = name !== undefined && Object.hasOwn(declared, name) ? declared[name] : undefined;
    const type = typeof decl === "object" && decl !== null ? ((decl as Record<string, unknown>)["type"] as ConfigType | undefined) : undefined;
    const read = readConfigValue(doc, pair.value as Node | null, type);
    for (const p of read.problems) problems.push({ key, value: read.secret ? SECRET : p.shown, message: p.message });
    values[key] = toConfigString(read.value);
    if (read.secret) secretKeys.push(key);
  }
  // Project-level defaults, as `pulumi up` merges them.
  for (const [name, decl] of Object.entries(declared)) {
    const key = name.includes(":") ? name : `${project}:${name}`;
    if (Object.hasOwn(values, key)) continue;
    const def = typeof decl === "object" && decl !== null && !Array.isArray(decl) ? (decl as Record<string, unknown>)["default"] : decl;
    if (def !== undefined) values[key] = toConfigString(def);
  }
  return { project, stack, values: { ...values }, secretKeys, problems };
}
