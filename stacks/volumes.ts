// Volumes only grow. Kubernetes rejects a claim whose request is smaller than before ("field can
// not be less than previous value", core validation ValidatePersistentVolumeClaimUpdate), which
// would fail a `pulumi up` half-way, after other changes were applied. The program remembers the
// sizes it applied (the stack output `volumeSizesGb`) and, reading them back from its own stack
// (lastAppliedOutputs), refuses a smaller size before the claims, the StatefulSet and the Helm
// releases are applied. Where a preview runs first (`pulumi preview`, an interactive `pulumi up`, the
// PR workflow) that stops the run before anything is applied; an `up --skip-preview` (CI's
// pulumi-up workflow, through the Automation API) applies what does not wait for the sizes first.
// It compares with the sizes the program recorded, not the live claims (README "Volume sizes").

import * as pulumi from "@pulumi/pulumi";
import { qualified } from "./schema";
import type { ConfigProblem, Settings } from "./settings";

/**
 * The Pulumi engine's built-in function that reads a stack's outputs (pkg/resource/deploy/builtins.go:
 * builtinProvider.Invoke, `pulumi:pulumi:readStackOutputs` → readStackReference, there since
 * pulumi/pulumi#3456; the default provider of package `pulumi` is the built-in one). The same read
 * as a StackReference, but an invoke leaves nothing in the state: a StackReference is a read resource
 * that `pulumi refresh` re-reads, so the drift workflow would report the stack's own outputs as drift
 * after every deploy that changed one.
 */
export const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

/**
 * The outputs of the stack `name` (`org/project/stack`) as its last update recorded them: read during
 * an update of that same stack, the previous update's (the root Stack keeps its old outputs until the
 * program ends; pulumi/pulumi#3722). `{}` for a stack that never ran. A failed read stops the program
 * with a RunError saying why (a self-managed backend in the old layout refuses an `org/project/stack`
 * name: pkg/backend/diy/store.go legacyReferenceStore; `pulumi state upgrade` moves it to projects).
 */
export function lastAppliedOutputs(name: string): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(readLastApplied(name)) as unknown as pulumi.Output<Record<string, unknown>>;
}

/** lastAppliedOutputs' read, as a promise. */
export function readLastApplied(name: string): Promise<Record<string, unknown>> {
  return pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name }).then(
    (r: unknown) => {
      const outputs = (r as { outputs?: unknown } | undefined)?.outputs;
      return typeof outputs === "object" && outputs !== null ? (outputs as Record<string, unknown>) : {};
    },
    (err: unknown) => {
      throw new pulumi.RunError(
        `cannot read the volume sizes this stack last applied (${READ_STACK_OUTPUTS} "${name}": ${err instanceof Error ? err.message : String(err)}). ` +
          `A self-managed backend in the old layout (stacks not in project folders) refuses this name: run \`pulumi state upgrade\` once.`,
      );
    },
  );
}

/** The size of each volume the program keeps, in GB (GiB on the claims); absent: no such volume. */
export interface VolumeSizes {
  readonly database: number;
  readonly prometheus?: number;
  readonly grafana?: number;
}

/** The volumes a stack's settings ask for. */
export function volumeSizes(s: Settings): VolumeSizes {
  return {
    database: s.app.databaseStorageGb,
    ...(s.monitoring.enabled ? { prometheus: s.monitoring.storageGb } : {}),
    ...(s.monitoring.enabled && s.monitoring.grafana.persistence ? { grafana: s.monitoring.grafana.storageGb } : {}),
  };
}

/** The key that sets each size (besides `size`, whose preset gives the default). */
const KEYS: Record<keyof VolumeSizes, { key: string; what: string }> = {
  database: { key: "databaseStorageGb", what: "the Postgres volume" },
  prometheus: { key: "prometheusStorageGb", what: "Prometheus's volume" },
  grafana: { key: "size", what: "Grafana's volume (from the size preset)" },
};

/**
 * A problem for every volume smaller than the size last applied. `previous` is the stack output
 * as read back (anything: a stack that never ran, or an older program, has none).
 */
export function shrunkVolumes(previous: unknown, next: VolumeSizes, size: string): ConfigProblem[] {
  if (typeof previous !== "object" || previous === null) return [];
  const before = previous as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(KEYS) as (keyof VolumeSizes)[]) {
    const was = before[name];
    const now = next[name];
    if (typeof was !== "number" || now === undefined || now >= was) continue;
    const { key, what } = KEYS[name];
    problems.push({
      // Qualified, as every other config problem (stacks/validate/index.ts).
      key: qualified(key),
      value: key === "size" ? size : now,
      message:
        `${what} would shrink from ${was} GB to ${now} GB; Kubernetes refuses to make a claim smaller ` +
        `("field can not be less than previous value"). Volumes only grow: ` +
        (key === "size" ? `keep a size whose Grafana volume is at least ${was} GB` : `set ${key} to ${was} or more (it overrides the size preset)`) +
        `. The claims, the database StatefulSet and the monitoring releases were not applied (in a preview, nothing was).`,
    });
  }
  return problems;
}
