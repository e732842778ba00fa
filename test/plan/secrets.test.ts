// Secrets stay secret: a kubeconfig (which may carry a token) and any `secure:` value are never
// printed: not in the plan's settings, resource inputs, outputs, text, or an error message.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PlanDocument } from "../../plan/record";
import { renderPlan } from "../../plan/render";
import { validateSettings } from "../../stacks/validate";
import { runPlan } from "../helpers/plan";

const TOKEN = "tok-9f8e7d6c5b4a-do-not-print";

describe("a kubeconfig with a token, in plain text in the stack file", () => {
  const r = runPlan(["secret-kubeconfig", "--json", "--config-file", "test/fixtures/Pulumi.secret-kubeconfig.yaml"]);

  it("plans, and the token appears nowhere in the output (JSON, text, stderr)", () => {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(TOKEN), "not in the JSON plan");
    assert.ok(!r.stderr.includes(TOKEN), "not on stderr");
    assert.ok(!renderPlan(JSON.parse(r.stdout) as PlanDocument).includes(TOKEN), "not in the text plan");
  });

  it("stays a Pulumi secret end to end: the settings and the provider's input show [secret]", () => {
    const doc = JSON.parse(r.stdout) as PlanDocument;
    assert.equal((doc.settings as { platform: { kubeconfig: unknown } }).platform.kubeconfig, "[secret]");
    const provider = doc.resources.find((x) => x.type === "pulumi:providers:kubernetes");
    assert.equal(provider?.inputs["kubeconfig"], "[secret]");
    assert.equal(provider?.inputs["context"], "ci");
  });
});

describe("no message shows a secret value", () => {
  const base = { "voting-platform:cloud": "existing", "voting-platform:environment": "dev", "voting-platform:size": "small", "voting-platform:kubeContext": "kind" };

  it("an encrypted value for a key that ends up in names or tags is refused, shown as [secret]", () => {
    const r = validateSettings({ stack: "t", values: { ...base, "voting-platform:owner": "team-hidden-7" }, secretKeys: ["voting-platform:owner"] });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.problems.map((p) => [p.key, p.value]), [["voting-platform:owner", "[secret]"]]);
    assert.match(r.problems[0]!.message, /is encrypted \(secure:\), but this program uses it in resource names, tags or the plan/);
    assert.ok(!JSON.stringify(r).includes("team-hidden-7"));
  });

  it("an encrypted value under a mistyped key or a near-miss namespace: named, never shown", () => {
    const values = { ...base, "voting-platform:kubeconfg": "hidden-a", "voting_platform:kubeconfig": "hidden-b" };
    const r = validateSettings({ stack: "t", values, secretKeys: ["voting-platform:kubeconfg", "voting_platform:kubeconfig"] });
    assert.ok(!JSON.stringify(r).includes("hidden-"), JSON.stringify(r));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.problems.map((p) => [p.key, p.value]), [["voting-platform:kubeconfg", "[secret]"]]);
    // (besides the no-alert-receiver warning every stack without receivers gets)
    assert.deepEqual(r.warnings.filter((p) => p.key !== "voting-platform:alertSlackWebhookUrl").map((p) => [p.key, p.value]), [["voting_platform:kubeconfig", "[secret]"]]);
  });

  it("the kubeconfig is a secret even when not encrypted: quoted by no message, not even another key's", () => {
    // kubeContext's message gives "kind-voting" as an example; here that is also the kubeconfig's text.
    const r = validateSettings({ stack: "t", values: { ...base, "voting-platform:kubeconfig": "kind-voting", "voting-platform:kubeContext": "" } });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const context = r.problems.find((p) => p.key === "voting-platform:kubeContext");
    assert.match(context?.message ?? "", /\(e\.g\. \[secret\]\)/);
    assert.ok(!JSON.stringify(r).includes("kind-voting"));
  });
});
