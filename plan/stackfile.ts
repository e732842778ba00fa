// Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI hands config to a program:
// every value a string (lists and maps as JSON), project defaults applied, encrypted values
// (`secure:`) replaced by the placeholder "[secret]" because nothing here can decrypt them.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const SECRET = "[secret]";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
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

function isSecure(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

/** Replaces encrypted leaves with "[secret]"; true if there were any. */
function scrub(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECRET, secret: true };
  if (Array.isArray(v)) {
    const parts = v.map(scrub);
    return { value: parts.map((p) => p.value), secret: parts.some((p) => p.secret) };
  }
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v).map(([k, x]) => [k, scrub(x)] as const);
    return { value: Object.fromEntries(entries.map(([k, p]) => [k, p.value])), secret: entries.some(([, p]) => p.secret) };
  }
  return { value: v, secret: false };
}

function toConfigString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v ?? null);
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
  const stackFile = readYaml(stackPath);
  const config = (stackFile["config"] ?? {}) as Record<string, unknown>;
  if (typeof config !== "object" || Array.isArray(config)) throw new StackFileError(`Pulumi.${stack}.yaml: 'config' must be a mapping`);

  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(config)) {
    // As the CLI does: a key without a namespace belongs to the project.
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const { value, secret } = scrub(rawValue);
    values[key] = toConfigString(value);
    if (secret) secretKeys.push(key);
  }
  // Project-level defaults, as `pulumi up` merges them.
  const declared = (projectFile["config"] ?? {}) as Record<string, unknown>;
  for (const [name, decl] of Object.entries(declared)) {
    const key = name.includes(":") ? name : `${project}:${name}`;
    if (key in values) continue;
    const def = typeof decl === "object" && decl !== null && !Array.isArray(decl) ? (decl as Record<string, unknown>)["default"] : decl;
    if (def !== undefined) values[key] = toConfigString(def);
  }
  return { project, stack, values, secretKeys };
}
