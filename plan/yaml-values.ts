// How the Pulumi CLI reads one config value from a stack file, and where that differs from a
// YAML 1.2 reader (this harness's `yaml` package) or from what the writer plainly meant.
//
// The CLI is Go: it reads Pulumi.<stack>.yaml with gopkg.in/yaml.v3 (v3.0.1; pulumi/pulumi
// sdk/go/common/encoding/marshal.go) into untyped values, and turns each into the string the
// program gets (sdk/go/common/resource/config/object.go, MarshalString: numbers and booleans as
// JSON text, lists and maps as JSON). yaml.v3 resolves plain scalars with YAML 1.1 habits
// (resolve.go): `010` is octal 8, `1_000` is 1000, `0b101` is 5, `2024-01-01` is a timestamp
// (passed on as "2024-01-01 00:00:00 +0000 UTC"), while `yes`/`on` stay text. A value whose two
// readings differ is refused here with both readings: never silently one of them.

import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from "yaml";

export type ConfigType = "string" | "integer" | "boolean" | "array";

/** yaml.v3's reading of a plain (unquoted, untagged) scalar, as the string Pulumi passes on. */
export type GoScalar =
  | { readonly kind: "null" }
  | { readonly kind: "bool" | "int" | "float" | "timestamp" | "string"; readonly text: string }
  | { readonly kind: "nonfinite" };

const NULLS = ["", "~", "null", "Null", "NULL"];
const TRUES = ["true", "True", "TRUE"];
const FALSES = ["false", "False", "FALSE"];
const NONFINITE = [".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"];
// yaml.v3 resolve.go yamlStyleFloat.
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// time.Parse layouts of yaml.v3's allowedTimestampFormats, as patterns.
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$/;
/** YAML 1.1 booleans that yaml.v3 (and YAML 1.2) read as text. */
export const YAML11_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Go's strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64): base prefixes 0x, 0o, 0b and a bare leading 0 (octal). */
function goParseInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, digits] = m as unknown as [string, string, string];
  const body = /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const n = BigInt(body) * (sign === "-" ? -1n : 1n);
  const fitsInt = n >= -(2n ** 63n) && n < 2n ** 63n;
  const fitsUint = sign === "" && n >= 0n && n < 2n ** 64n;
  return fitsInt || fitsUint ? n : undefined;
}

/** yaml.v3 resolve() of a plain scalar, then Pulumi's MarshalString. */
export function goResolvePlain(s: string): GoScalar {
  if (NULLS.includes(s)) return { kind: "null" };
  if (TRUES.includes(s)) return { kind: "bool", text: "true" };
  if (FALSES.includes(s)) return { kind: "bool", text: "false" };
  if (NONFINITE.includes(s)) return { kind: "nonfinite" };
  const first = s[0] ?? "";
  if (/[0-9+-]/.test(first)) {
    if (TIMESTAMP.test(s)) return { kind: "timestamp", text: s };
    const plain = s.replaceAll("_", "");
    const int = goParseInt(plain);
    if (int !== undefined) return { kind: "int", text: int.toString() };
    if (YAML_FLOAT.test(plain)) return { kind: "float", text: String(Number(plain)) };
  } else if (first === "." && YAML_FLOAT.test(s)) {
    return { kind: "float", text: String(Number(s)) };
  }
  return { kind: "string", text: s };
}

/** What a YAML 1.2 reader's value becomes as a config string (the harness used to pass this on). */
function yaml12Text(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v ?? null);
}

export interface ValueProblem {
  /** The value as written (a secret never: "[secret]"). */
  readonly shown: unknown;
  readonly message: string;
}

export interface ReadValue {
  /** The value as the program gets it before JSON encoding: text, or lists/maps of them. */
  readonly value: unknown;
  readonly secret: boolean;
  readonly problems: readonly ValueProblem[];
}

const SECRET = "[secret]";
const describe = (g: GoScalar) => (g.kind === "int" || g.kind === "float" ? `the number ${"text" in g ? g.text : ""}` : g.kind === "bool" ? `the boolean ${"text" in g ? g.text : ""}` : "");

function isSecure(node: Node | null): boolean {
  return isMap(node) && node.items.length === 1 && isScalar(node.items[0]!.key) && node.items[0]!.key.value === "secure" && isScalar(node.items[0]!.value) && typeof node.items[0]!.value.value === "string";
}

/** Reads one scalar the way Pulumi does; problems where that is ambiguous or not what was written. */
function readScalar(node: Node & { type?: string; source?: string; tag?: string; value?: unknown }, declared: ConfigType | undefined, inList: boolean): ReadValue {
  const source = node.source ?? yaml12Text(node.value);
  const problems: ValueProblem[] = [];
  const problem = (message: string) => problems.push({ shown: source, message });
  if (node.tag !== undefined && node.tag !== "tag:yaml.org,2002:str") {
    problem(`carries the YAML tag ${node.tag.replace("tag:yaml.org,2002:", "!!")}, which config values do not use (Pulumi passes a !!binary value on as its decoded bytes, a YAML 1.2 reader as a byte array): write the plain text, quoted if needed`);
    return { value: source, secret: false, problems };
  }
  if (declared === "array" && source !== "") {
    problem(`is a single value; the key is declared a list of strings (array<string>) in Pulumi.yaml and Pulumi refuses anything else: write it as a YAML list (- ${source})`);
    return { value: source, secret: false, problems };
  }
  const quoted = node.type !== "PLAIN" || node.tag === "tag:yaml.org,2002:str";
  if (quoted) return { value: String(node.value), secret: false, problems };
  const go = goResolvePlain(source);
  const js = yaml12Text(node.value);
  if (go.kind === "null") {
    problem(
      inList
        ? "is an empty list item: remove it, or write \"\""
        : 'has no value: Pulumi passes "" for an empty value today and warns that it will pass null in a future version (sdk/go/common/workspace/loaders.go); write "" for empty text, or remove the key for the default',
    );
    return { value: "", secret: false, problems };
  }
  if (go.kind === "nonfinite") {
    problem("is not a finite number: Pulumi cannot pass it on (JSON has no NaN or infinity)");
    return { value: source, secret: false, problems };
  }
  if (go.kind === "timestamp") {
    problem(`looks like a date: Pulumi's YAML reader (yaml.v3) takes it for a timestamp and passes "${source} 00:00:00 +0000 UTC"-style text on, a YAML 1.2 reader passes "${source}": quote it ("${source}")`);
    return { value: source, secret: false, problems };
  }
  if (go.text !== js) {
    const why = /^[-+]?0[0-7_]+$/.test(source) ? ": a leading 0 means octal" : source.includes("_") ? ": '_' separates digits" : /^[-+]?0[bB]/.test(source) ? ": 0b means binary" : "";
    const numbers = [go.text, js].filter((t) => /^-?\d+(\.\d+)?$/.test(t));
    problem(`is ambiguous: Pulumi's YAML reader (yaml.v3, YAML 1.1 rules${why}) reads it as ${go.text}, a YAML 1.2 reader as ${js}: write ${numbers.length > 0 ? `${numbers.join(" or ")} as you mean it, or ` : ""}"${source}" in quotes for the text`);
    return { value: source, secret: false, problems };
  }
  if (inList && go.kind !== "string") {
    problem(`is read as ${describe(go)}, and Pulumi refuses anything but text in a list of strings (array<string>): quote it ("${source}")`);
    return { value: go.text, secret: false, problems };
  }
  if (declared === "string" && go.kind !== "string" && go.text !== source) {
    problem(`is read as ${describe(go)}, so the program would get "${go.text}", not the text you wrote: quote it ("${source}")`);
  }
  if (declared === "boolean" && go.kind === "string" && YAML11_BOOLEANS.test(source)) {
    problem(`is a boolean only in YAML 1.1; Pulumi reads it as the text "${source}" and refuses it for a boolean key: write true or false`);
  }
  return { value: go.text, secret: false, problems };
}

/** Reads one config value node: secure leaves become "[secret]", lists and maps recursively. */
export function readConfigValue(doc: Document, node: Node | null, declared: ConfigType | undefined, inList = false): ReadValue {
  if (isAlias(node)) return readConfigValue(doc, node.resolve(doc) ?? null, declared, inList);
  if (node === null) return readScalar({ type: "PLAIN", source: "" } as never, declared, inList);
  if (isSecure(node)) return { value: SECRET, secret: true, problems: [] };
  if (isScalar(node)) return readScalar(node as never, declared, inList);
  const problems: ValueProblem[] = [];
  const kindName = isSeq(node) ? "a list" : "a map";
  if (declared !== undefined && declared !== "array") {
    // pkg/workspace/config.go validateStackConfigValue: "... must be of type 'string'".
    problems.push({ shown: node.toJSON(), message: `is ${kindName}, and the key is declared ${declared} in Pulumi.yaml: Pulumi refuses it ("must be of type '${declared}'"); give a single value` });
  }
  if (declared === "array" && !isSeq(node)) {
    problems.push({ shown: node.toJSON(), message: `is ${kindName}; the key is declared a list of strings (array<string>) in Pulumi.yaml` });
  }
  if (isSeq(node)) {
    const items = node.items.map((item) => {
      const nested = isSeq(item) || (isMap(item) && !isSecure(item));
      if (declared === "array" && nested) return { value: null, secret: false, problems: [{ shown: (item as Node).toJSON(), message: "is a list item that is itself a list or map: Pulumi refuses it in a list of strings" }] };
      return readConfigValue(doc, item as Node, undefined, declared === "array");
    });
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret), problems: [...problems, ...items.flatMap((i) => i.problems)] };
  }
  if (isMap(node)) {
    const entries = node.items.map((pair) => [isScalar(pair.key) ? String(pair.key.value) : String(pair.key), readConfigValue(doc, pair.value as Node | null, undefined)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])),
      secret: entries.some(([, r]) => r.secret),
      problems: [...problems, ...entries.flatMap(([, r]) => r.problems)],
    };
  }
  return { value: null, secret: false, problems: [{ shown: String(node), message: "is not a YAML value Pulumi reads" }] };
}
