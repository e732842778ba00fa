// The plan document: what the offline evaluation of one stack produced. Field names are read by
// other tools (DESIGN.md, "npm run plan"): keep them.

export interface ResourceRecord {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** URN of the parent; null only for the stack itself. */
  readonly parent: string | null;
  readonly custom: boolean;
  /** URN of the explicit provider, or null for the default provider / components. */
  readonly provider: string | null;
  /** Every resource this one waits for: explicit dependsOn plus those its Output inputs come from. */
  readonly dependsOn: readonly string[];
  /** Inputs as sent to the engine; secrets as "[secret]", unknowns as "[unknown]". */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Resource options that change lifecycle. */
  readonly options: {
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: readonly string[];
    readonly deleteBeforeReplace: boolean;
    /** A remote component (e.g. eks:index:Cluster): its children exist only in a real preview. */
    readonly remote: boolean;
  };
}

export interface PolicyViolation {
  readonly policy: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  /** null for a stack-level violation. */
  readonly urn: string | null;
  readonly message: string;
}

import type { CapacityReport } from "../estimates/capacity";
import type { CostEstimate } from "../estimates/cost";
import type { Schedule } from "../estimates/schedule";

export interface PlanDocument {
  readonly project: string;
  readonly stack: string;
  readonly settings: unknown;
  /** Config warnings (key, value, message): the stack plans, but someone should look. */
  readonly warnings: readonly { readonly key: string; readonly value: unknown; readonly message: string }[];
  readonly resources: readonly ResourceRecord[];
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly policies: { readonly pack: string; readonly config: string | null; readonly violations: readonly PolicyViolation[] };
  readonly cost: CostEstimate;
  readonly capacity: CapacityReport;
  readonly schedule: Schedule;
}
