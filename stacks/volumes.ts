// Volumes only grow. Kubernetes rejects a claim whose request is smaller than before ("field can
// not be less than previous value", core validation ValidatePersistentVolumeClaimUpdate), which
// would fail a `pulumi up` half-way, after other changes were applied. The program remembers the
// sizes it applied (the stack output `volumeSizesGb`) and, reading them back through a
// StackReference to its own stack, refuses a smaller size before anything is applied.

import type { ConfigProblem, Settings } from "./settings";

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
      key,
      value: key === "size" ? size : now,
      message:
        `${what} would shrink from ${was} GB to ${now} GB; Kubernetes refuses to make a claim smaller ` +
        `("field can not be less than previous value"). Volumes only grow: ` +
        (key === "size" ? `keep a size whose Grafana volume is at least ${was} GB` : `set ${key} to ${was} or more (it overrides the size preset)`) +
        `. Nothing was applied.`,
    });
  }
  return problems;
}
