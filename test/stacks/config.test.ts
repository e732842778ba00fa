// stacks/config.ts under the Pulumi mock runtime: what the program does with warnings and
// placeholder values in a preview (dryRun) and in an update (`pulumi up`).

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CALLS, STATES } from "../../plan/cloud-mocks";
import { StrictMocks, recordRegistrations, settle } from "../../plan/mocks";
import { readStackConfig } from "../../plan/stackfile";
import { ConfigError, loadSettings, readSettings } from "../../stacks/config";
import { formatProblem } from "../../stacks/settings";
import { ROOT } from "../helpers/plan";

/** Mock runtime for the shipped `dev` stack (placeholders: account 111122223333, 203.0.113.0/24). */
async function devStack(dryRun: boolean) {
  const config = readStackConfig(ROOT, "dev");
  await pulumi.runtime.setMocks(new StrictMocks(CALLS, STATES), config.project, "dev", dryRun);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  return recordRegistrations();
}

async function captureWarningsAsync<T>(f: () => Promise<T>): Promise<{ result: T; logged: string[] }> {
  const logged: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
  try {
    return { result: await f(), logged };
  } finally {
    console.warn = original;
  }
}

function captureWarnings<T>(f: () => T): { result: T; logged: string[] } {
  const logged: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
  try {
    return { result: f(), logged };
  } finally {
    console.warn = original;
  }
}

describe("placeholder values in the shipped dev stack", () => {
  it("a preview logs one warning per placeholder key through pulumi.log.warn and goes on", async () => {
    await devStack(true);
    const { result, logged } = captureWarnings(() => loadSettings());
    assert.equal(result.platform.cloud, "aws");
    assert.equal(logged.length, 3, logged.join("\n"));
    const [alerts = "", principals = "", cidrs = ""] = [/alertSlackWebhookUrl/, /awsAdminPrincipals/, /awsPublicAccessCidrs/].map((re) => logged.find((l) => re.test(l)) ?? "");
    assert.match(alerts, /^warning: \[runtime\] voting-platform:alertSlackWebhookUrl = .*: no alert receiver is set/, "and that nobody gets the alerts");
    assert.match(principals, /^warning: \[runtime\] voting-platform:awsAdminPrincipals = \["arn:aws:iam::111122223333:role\/platform-admins"\]: 111122223333 is an example account ID/);
    assert.match(cidrs, /^warning: \[runtime\] voting-platform:awsPublicAccessCidrs = \["203\.0\.113\.0\/24"\]: .*documentation/);
  });

  it("pulumi up refuses with the same messages before the program registers any resource", async () => {
    const recorder = await devStack(false);
    let thrown: unknown;
    const { logged } = await captureWarningsAsync(() =>
      pulumi.runtime.runInPulumiStack(async () => {
        // Caught inside the stack's init, so that Pulumi's Stack resource settles normally.
        try {
          createRequire(__filename)(path.join(ROOT, "index.ts"));
        } catch (err) {
          thrown = err;
        }
        return undefined;
      }),
    );
    await settle(recorder.pending);
    assert.ok(thrown instanceof ConfigError, String(thrown));
    assert.match(thrown.message, /^Stack 'dev' has 2 placeholder values:/);
    assert.deepEqual(thrown.problems.map((p) => p.key), ["voting-platform:awsAdminPrincipals", "voting-platform:awsPublicAccessCidrs"]);
    for (const p of thrown.problems) assert.match(p.message, /pulumi up refuses to run until it is replaced/);
    assert.deepEqual(recorder.records.map((r) => r.type), ["pulumi:pulumi:Stack"], "nothing but the stack itself");
    const placeholderLogs = logged.map((l) => l.replace("warning: [runtime] ", "")).filter((l) => !l.startsWith("voting-platform:alertSlackWebhookUrl"));
    assert.deepEqual(placeholderLogs, thrown.problems.map(formatProblem), "the same messages, logged as warnings first");
  });

  it("knows secretness from the Pulumi runtime (allConfig drops it): a secret value is refused and never shown", async () => {
    const config = readStackConfig(ROOT, "local");
    await pulumi.runtime.setMocks(new StrictMocks(CALLS, STATES), config.project, "local", true);
    pulumi.runtime.setAllConfig({ ...config.values, "voting-platform:owner": "team-hidden-7" }, ["voting-platform:owner"]);
    const r = readSettings();
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.problems.map((p) => [p.key, p.value]), [["voting-platform:owner", "[secret]"]]);
    assert.ok(!JSON.stringify(r).includes("team-hidden-7"));
  });
});
