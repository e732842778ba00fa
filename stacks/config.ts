// The only module that reads Pulumi config. Everything else receives typed Settings.

import * as pulumi from "@pulumi/pulumi";
import { formatProblem, type ConfigProblem, type Settings } from "./settings";
import { validateSettings } from "./validate";

/** Invalid stack config: every problem at once, shown by Pulumi without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Stack '${pulumi.getStack()}' has ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Reads and validates this stack's config; throws ConfigError before any resource is registered. */
export function loadSettings(): Settings {
  const result = validateSettings({
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    values: pulumi.runtime.allConfig(),
  });
  if (!result.ok) throw new ConfigError(result.problems);
  return result.settings;
}
