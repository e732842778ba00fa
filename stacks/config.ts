// The only module that reads Pulumi config. Everything else receives typed Settings.

import * as pulumi from "@pulumi/pulumi";
import { formatProblem, type ConfigProblem, type ConfigWarning, type Settings } from "./settings";
import { validateSettings, type SettingsResult } from "./validate";

/** Invalid stack config: every problem at once, shown by Pulumi without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    what = "configuration problem",
  ) {
    super(
      `Stack '${pulumi.getStack()}' has ${problems.length} ${what}${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Which keys Pulumi marks secret. allConfig() hands over decrypted text and drops secretness; the
 * language host lists the secret keys beside it (PULUMI_CONFIG_SECRET_KEYS), which the runtime
 * answers through isConfigSecret (@pulumi/pulumi runtime/config.js; exported, though not in the
 * typings). Without it, every key counts as secret: no value is ever shown.
 */
function secretKeysOf(values: Readonly<Record<string, string>>): string[] {
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  return Object.keys(values).filter((k) => (typeof isConfigSecret === "function" ? isConfigSecret(k) : true));
}

/** This stack's config, validated: settings or problems, and warnings either way. Logs nothing. */
export function readSettings(): SettingsResult {
  const values = pulumi.runtime.allConfig();
  return validateSettings({
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    values,
    secretKeys: secretKeysOf(values),
  });
}

/** Placeholder values block `pulumi up`, not previews: a preview with them is how one finds them. */
export function upBlockers(warnings: readonly ConfigWarning[]): ConfigWarning[] {
  return warnings.filter((w) => w.blocksUp === true);
}

/**
 * Reads and validates this stack's config; throws ConfigError before any resource is registered.
 * Warnings go to Pulumi's log (shown by preview and up); at `pulumi up` placeholder values stop the
 * run with the same messages.
 */
export function loadSettings(): Settings {
  const result = readSettings();
  for (const w of result.warnings) void pulumi.log.warn(formatProblem(w));
  if (!result.ok) throw new ConfigError(result.problems);
  const blockers = upBlockers(result.warnings);
  if (!pulumi.runtime.isDryRun() && blockers.length > 0) throw new ConfigError(blockers, "placeholder value");
  return result.settings;
}

/**
 * The alert receivers' URLs, read as Pulumi secrets (getSecret marks them secret even if a stack
 * file holds them in plain text), for the keys the settings say are set.
 */
export function alertUrls(settings: Settings): { webhookUrl?: pulumi.Output<string>; slackUrl?: pulumi.Output<string> } {
  const config = new pulumi.Config(settings.project);
  const a = settings.monitoring.alerts;
  const webhookUrl = a.webhook ? config.getSecret("alertWebhookUrl") : undefined;
  const slackUrl = a.slack ? config.getSecret("alertSlackWebhookUrl") : undefined;
  return { ...(webhookUrl ? { webhookUrl } : {}), ...(slackUrl ? { slackUrl } : {}) };
}
