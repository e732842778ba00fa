import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { alertReceivers, alertmanagerConfig, hasReceivers } from "../../components/monitoring/alerting";
import { alertRules } from "../../components/monitoring/rules";
import { validateSettings } from "../../stacks/validate";

type Route = { receiver: string; matchers?: string[]; repeat_interval?: string; routes?: Route[] };
type Receiver = { name: string; webhook_configs?: { url: string; send_resolved: boolean }[]; slack_configs?: { api_url: string; channel?: string }[] };
type Config = { route: Route; receivers: Receiver[]; inhibit_rules: unknown[] };

/** The receiver Alertmanager picks for an alert's labels: first matching child route, else the parent (continue: false). */
function routeFor(cfg: Config, labels: Record<string, string>): string {
  const matches = (m: string) => {
    const [, key, op, value] = /^(\w+)\s*(=~|=)\s*"?([^"]*)"?$/.exec(m)!;
    return op === "=" ? labels[key!] === value : new RegExp(`^(?:${value})$`).test(labels[key!] ?? "");
  };
  const child = (cfg.route.routes ?? []).find((r) => (r.matchers ?? []).every(matches));
  return child?.receiver ?? cfg.route.receiver;
}

const HOOK = "https://hooks.example.com/alerts";
const SLACK = "https://hooks.slack.com/services/T0/B0/x";

describe("Alertmanager config", () => {
  it("without receivers: every alert stays in the UIs (the null receiver)", () => {
    const cfg = alertmanagerConfig({ minSeverity: "warning" }) as Config;
    assert.deepEqual(cfg.receivers, [{ name: "null" }]);
    for (const severity of ["critical", "warning", "info"]) assert.equal(routeFor(cfg, { severity, alertname: "X" }), "null");
  });

  it("routes by severity: critical and warning to the receivers, info and Watchdog to null", () => {
    const cfg = parse(stringify(alertmanagerConfig({ minSeverity: "warning", webhookUrl: HOOK, slack: { url: SLACK, channel: "#alerts" } }))) as Config;
    assert.equal(routeFor(cfg, { severity: "critical", alertname: "VotingPostgresDown" }), "critical");
    assert.equal(routeFor(cfg, { severity: "warning", alertname: "VotingQueueNotDraining" }), "warning");
    assert.equal(routeFor(cfg, { severity: "info", alertname: "CPUThrottlingHigh" }), "null");
    assert.equal(routeFor(cfg, { severity: "none", alertname: "Watchdog" }), "null");
    const critical = cfg.receivers.find((r) => r.name === "critical")!;
    assert.deepEqual(critical.webhook_configs, [{ url: HOOK, send_resolved: true }]);
    assert.equal(critical.slack_configs![0]!.api_url, SLACK);
    assert.equal(critical.slack_configs![0]!.channel, "#alerts");
    const routes = cfg.route.routes!;
    assert.equal(routes.find((r) => r.receiver === "critical")!.repeat_interval, "1h");
    assert.equal(routes.find((r) => r.receiver === "warning")!.repeat_interval, "4h");
    assert.equal(cfg.inhibit_rules.length, 4, "the chart's inhibit rules (critical mutes warning of the same alert)");
  });

  it("minSeverity critical: warnings stay in the UIs", () => {
    const cfg = alertmanagerConfig({ minSeverity: "critical", webhookUrl: HOOK }) as Config;
    assert.equal(routeFor(cfg, { severity: "warning", alertname: "VotingQueueNotDraining" }), "null");
    assert.equal(routeFor(cfg, { severity: "critical", alertname: "VotingRedisDown" }), "critical");
    assert.deepEqual(cfg.receivers.map((r) => r.name), ["null", "critical"]);
    assert.equal(cfg.receivers[1]!.slack_configs, undefined, "no Slack config when no Slack URL");
  });

  it("every app alert has a severity a route handles", () => {
    const cfg = alertmanagerConfig({ minSeverity: "warning", webhookUrl: HOOK }) as Config;
    for (const r of alertRules("voting")[0]!.rules) assert.notEqual(routeFor(cfg, { ...r.labels, alertname: r.alert }), "null", r.alert);
  });

  it("receivers come from the settings' flags and the secret URLs", () => {
    assert.equal(hasReceivers(alertReceivers({ slackChannel: "", minSeverity: "warning" }, {})), false);
    assert.deepEqual(alertReceivers({ slackChannel: "#ops", minSeverity: "critical" }, { slackUrl: "s" }), { minSeverity: "critical", slack: { url: "s", channel: "#ops" } });
  });
});

describe("alert settings", () => {
  const base = { "voting-platform:cloud": "existing", "voting-platform:environment": "dev", "voting-platform:size": "small", "voting-platform:kubeContext": "kind-voting" };
  const run = (extra: Record<string, string>) => validateSettings({ stack: "t", values: { ...base, ...extra } });

  it("accepts secret URLs (encrypted in the stack file) and records only that they are set", () => {
    const r = run({ "voting-platform:alertSlackWebhookUrl": "[secret]", "voting-platform:alertWebhookUrl": HOOK, "voting-platform:alertMinSeverity": "critical" });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.settings.monitoring.alerts, { webhook: true, slack: true, slackChannel: "", minSeverity: "critical" });
    assert.ok(!JSON.stringify(r.settings).includes(HOOK), "the URL is not in the settings the plan prints");
  });

  it("names the key and what is allowed for a wrong URL, channel or severity", () => {
    const r = run({ "voting-platform:alertSlackWebhookUrl": "https://example.com/x", "voting-platform:alertSlackChannel": "alerts", "voting-platform:alertMinSeverity": "page" });
    assert.ok(!r.ok);
    const keys = r.problems.map((p) => p.key).sort();
    assert.deepEqual(keys, ["voting-platform:alertMinSeverity", "voting-platform:alertSlackChannel", "voting-platform:alertSlackWebhookUrl"]);
    assert.match(r.problems.find((p) => p.key.endsWith("alertSlackWebhookUrl"))!.message, /hooks\.slack\.com/);
  });
});
