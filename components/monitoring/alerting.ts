// Alertmanager's configuration (alertmanager.yaml) as a pure function of where alerts go.
// Format: prometheus.io/docs/alerting/latest/configuration/ (route, receivers, webhook_config,
// slack_config, inhibit_rule). The inhibit rules and the Watchdog/InfoInhibitor routes are those
// kube-prometheus-stack 88.5.3 ships in its values.yaml (alertmanager.config), kept because its
// default alert rules rely on them.

export type Severity = "warning" | "critical";

/** Where alerts are sent. URLs are secrets: they arrive as whatever type the caller renders. */
export interface AlertReceivers<S> {
  /** A generic webhook (Alertmanager's JSON payload, POST). */
  readonly webhookUrl?: S;
  /** A Slack incoming-webhook URL (https://hooks.slack.com/services/...). */
  readonly slack?: { readonly url: S; /** Overrides the webhook's own channel. */ readonly channel?: string };
  /** Lowest severity sent out: "warning" sends warnings and critical alerts, "critical" only those. */
  readonly minSeverity: Severity;
}

export function hasReceivers<S>(r: AlertReceivers<S>): boolean {
  return r.webhookUrl !== undefined || r.slack !== undefined;
}

const SLACK_TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
const SLACK_TEXT = "{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}";

function receiver<S>(name: string, r: AlertReceivers<S>): Record<string, unknown> {
  return {
    name,
    ...(r.webhookUrl !== undefined ? { webhook_configs: [{ url: r.webhookUrl, send_resolved: true }] } : {}),
    ...(r.slack !== undefined
      ? { slack_configs: [{ api_url: r.slack.url, ...(r.slack.channel ? { channel: r.slack.channel } : {}), send_resolved: true, title: SLACK_TITLE, text: SLACK_TEXT }] }
      : {}),
  };
}

/**
 * The whole Alertmanager config. Critical alerts go out fast and repeat hourly; warnings (when
 * `minSeverity` is "warning") are grouped longer and repeat every 4 hours; everything else —
 * info, the always-firing Watchdog, InfoInhibitor, or any alert when no receiver is configured —
 * goes to the "null" receiver and stays visible in the Alertmanager and Prometheus UIs.
 */
export function alertmanagerConfig<S>(r: AlertReceivers<S>): Record<string, unknown> {
  const out = hasReceivers(r);
  const severityRoutes = out
    ? [
        { receiver: "critical", matchers: ['severity = "critical"'], group_wait: "10s", repeat_interval: "1h" },
        ...(r.minSeverity === "warning" ? [{ receiver: "warning", matchers: ['severity = "warning"'], group_wait: "1m", repeat_interval: "4h" }] : []),
      ]
    : [];
  return {
    global: { resolve_timeout: "5m" },
    inhibit_rules: [
      { source_matchers: ["severity = critical"], target_matchers: ["severity =~ warning|info"], equal: ["namespace", "alertname"] },
      { source_matchers: ["severity = warning"], target_matchers: ["severity = info"], equal: ["namespace", "alertname"] },
      { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
      { target_matchers: ["alertname = InfoInhibitor"] },
    ],
    route: {
      receiver: "null",
      group_by: ["namespace", "alertname"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }, { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] }, ...severityRoutes],
    },
    receivers: [{ name: "null" }, ...(out ? [receiver("critical", r)] : []), ...(out && r.minSeverity === "warning" ? [receiver("warning", r)] : [])],
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}

/** Receivers from the settings' flags and the secret URLs read for them. */
export function alertReceivers<S>(a: { readonly slackChannel: string; readonly minSeverity: Severity }, urls: { readonly webhookUrl?: S; readonly slackUrl?: S }): AlertReceivers<S> {
  return {
    minSeverity: a.minSeverity,
    ...(urls.webhookUrl !== undefined ? { webhookUrl: urls.webhookUrl } : {}),
    ...(urls.slackUrl !== undefined ? { slack: { url: urls.slackUrl, ...(a.slackChannel ? { channel: a.slackChannel } : {}) } } : {}),
  };
}
