import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readStackConfig } from "../../plan/stackfile";
import { goResolvePlain } from "../../plan/yaml-values";
import { ROOT, runPlan } from "../helpers/plan";

describe("yaml.v3's reading of plain scalars (what the Pulumi CLI passes on)", () => {
  // [written, kind, Pulumi's text]: from gopkg.in/yaml.v3 v3.0.1 resolve.go and Pulumi's MarshalString.
  const table: [string, string, string | undefined][] = [
    ["010", "int", "8"],
    ["0o17", "int", "15"],
    ["0x1F", "int", "31"],
    ["0b101", "int", "5"],
    ["1_000", "int", "1000"],
    ["+12", "int", "12"],
    ["09", "float", "9"],
    ["1.30", "float", "1.3"],
    ["1e3", "float", "1000"],
    [".5", "float", "0.5"],
    ["12345678901234567890", "int", "12345678901234567890"],
    ["yes", "string", "yes"],
    ["on", "string", "on"],
    ["True", "bool", "true"],
    ["FALSE", "bool", "false"],
    ["~", "null", undefined],
    ["", "null", undefined],
    [".inf", "nonfinite", undefined],
    ["2024-01-01", "timestamp", "2024-01-01"],
    ["us-east-1a", "string", "us-east-1a"],
    ["10.0.0.0/16", "string", "10.0.0.0/16"],
  ];
  for (const [written, kind, text] of table) {
    it(`${JSON.stringify(written)} -> ${kind}${text === undefined ? "" : ` "${text}"`}`, () => {
      const g = goResolvePlain(written);
      assert.equal(g.kind, kind);
      if (text !== undefined) assert.equal("text" in g ? g.text : undefined, text);
    });
  }
});

describe("a stack file with every YAML pitfall", () => {
  const expected: Record<string, RegExp> = {
    "voting-platform:owner": /^has no value: Pulumi passes "" for an empty value today and warns that it will pass null/,
    "voting-platform:voteOptionA": /^is a list, and the key is declared string in Pulumi\.yaml: Pulumi refuses it \("must be of type 'string'"\)/,
    "voting-platform:voteOptionB": /^carries the YAML tag !!binary/,
    "voting-platform:nodeMinCount": /^is ambiguous: Pulumi's YAML reader \(yaml\.v3, YAML 1\.1 rules: a leading 0 means octal\) reads it as 8, a YAML 1\.2 reader as 10/,
    "voting-platform:nodeMaxCount": /^is a map, and the key is declared integer/,
    "voting-platform:monitoringEnabled": /^is a boolean only in YAML 1\.1; Pulumi reads it as the text "yes" and refuses it for a boolean key: write true or false/,
    "voting-platform:costCenter": /^is ambiguous: .*'_' separates digits\) reads it as 1000, a YAML 1\.2 reader as 1_000/,
    "voting-platform:kubernetesVersion": /^is read as the number 1\.3, so the program would get "1\.3", not the text you wrote: quote it \("1\.30"\)/,
    "voting-platform:existingStorageClass": /^looks like a date: Pulumi's YAML reader \(yaml\.v3\) takes it for a timestamp/,
    "voting-platform:awsAvailabilityZones": /^is read as the number 5, and Pulumi refuses anything but text in a list of strings/,
    "voting-platform:awsPublicAccessCidrs": /^is a single value; the key is declared a list of strings/,
    "voting-platform:prometheusRetentionDays": /^is not a finite number/,
  };

  it("the reader refuses each, naming its key; the rest reads as the CLI passes it", () => {
    const config = readStackConfig(ROOT, "pitfalls", `${ROOT}/test/fixtures/Pulumi.yaml-pitfalls.yaml`);
    const byKey = new Map(config.problems.map((p) => [p.key, p.message]));
    assert.deepEqual([...byKey.keys()].sort(), Object.keys(expected).sort());
    for (const [key, message] of Object.entries(expected)) assert.match(byKey.get(key)!, message, key);
    assert.equal(config.values["voting-platform:kubeContext"], "kind-voting");
    assert.equal(config.values["voting-platform:toString"], "x", "an own key, not Object.prototype.toString");
  });

  it("npm run plan reports them all at once, with the program's own problems, exit 1, no stack trace", () => {
    const r = runPlan(["pitfalls", "--config-file", "test/fixtures/Pulumi.yaml-pitfalls.yaml"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    // The no-alert-receiver warning is not a YAML pitfall.
    const keys = r.stderr.split("\n").filter((l) => l.startsWith("  - ") && !l.startsWith("  - voting-platform:alertSlackWebhookUrl")).map((l) => /^ {2}- (\S+) =/.exec(l)?.[1]);
    assert.deepEqual(new Set(keys), new Set([...Object.keys(expected), "voting-platform:toString"]));
  });
});
