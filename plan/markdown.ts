// The plan as Markdown for a pull request (job summary and PR comment): a headline, the diff
// table, and two mermaid pictures — where the money goes (pie of the cost lines) and where the
// minutes go (Gantt of the deploy's critical path). `npm run plan -- <stack> --markdown [--diff base.json]`.
// Pure: the tests check the diagrams with mermaid's own parser.

import { creationMinutes } from "../estimates/schedule";
import type { PlanDiff } from "./diff";
import type { PlanDocument, ResourceRecord } from "./record";

/** Rows of the diff table before it is cut (a GitHub comment holds at most 65,536 characters). */
export const MAX_DIFF_ROWS = 40;

const money = (n: number) => `$${n.toFixed(2)}`;
const short = (urn: string) => urn.split("::").slice(-2).join(" ");

/**
 * Text that is safe inside a mermaid label: mermaid pie labels are double-quoted strings and Gantt
 * task names end at `:` or `#`; neither may contain a line break.
 */
export function mermaidText(s: string): string {
  return s.replace(/[\r\n]/g, " ").replace(/"/g, "'").replace(/[:#;]/g, " ").replace(/\s+/g, " ").trim();
}

/** Pie of the positive cost lines (a pie cannot draw a credit: the title says what credits take off). */
export function costPie(doc: PlanDocument): string {
  const c = doc.cost;
  const slices = c.lines.filter((l) => l.monthly > 0);
  const gross = slices.reduce((s, l) => s + l.monthly, 0);
  const credits = c.lines.filter((l) => l.monthly < 0).reduce((s, l) => s + l.monthly, 0);
  const title = `${doc.stack} ${money(gross)} per month${credits < 0 ? ` before ${money(-credits)} of credits (${money(gross + credits)} net)` : ""}`;
  return ["pie showData", `    title ${mermaidText(title)}`, ...slices.map((l) => `    "${mermaidText(l.item)}" : ${l.monthly.toFixed(2)}`)].join("\n");
}

/**
 * Gantt of the critical path: each step starts when the one before ends (that is what makes it
 * the critical path). Durations in whole seconds, from the same catalog the estimate uses.
 */
export function criticalPathGantt(doc: PlanDocument): string {
  const byUrn = new Map<string, ResourceRecord>(doc.resources.map((r) => [r.urn, r]));
  const steps = doc.schedule.path.flatMap((urn) => {
    const r = byUrn.get(urn);
    return r ? [{ name: `${r.name} (${r.type.split(":").slice(-1)[0]})`, seconds: Math.max(1, Math.round(creationMinutes(r) * 60)) }] : [];
  });
  return [
    "gantt",
    `    title ${mermaidText(`${doc.stack} deploy critical path ${doc.schedule.criticalPathMinutes} min`)}`,
    "    dateFormat X",
    "    axisFormat %H:%M",
    "    section critical path",
    ...steps.map((s, i) => `    ${mermaidText(s.name)} :t${i}, ${i === 0 ? "0" : `after t${i - 1}`}, ${s.seconds}s`),
  ].join("\n");
}

function diffTable(d: PlanDiff): string[] {
  const rows = [
    ...d.added.map((u) => ["+", short(u), ""]),
    ...d.removed.map((u) => ["−", short(u), ""]),
    ...d.changed.map((c) => ["~", short(c.urn), c.paths.slice(0, 6).join(", ") + (c.paths.length > 6 ? `, … (${c.paths.length - 6} more)` : "")]),
  ];
  if (rows.length === 0) return ["No resource changes against the base branch."];
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const shown = rows.slice(0, MAX_DIFF_ROWS).map(([op, what, paths]) => `| ${op} | \`${cell(what!)}\` | ${cell(paths!)} |`);
  return ["| | resource | inputs changed |", "| --- | --- | --- |", ...shown, ...(rows.length > MAX_DIFF_ROWS ? [`\n… and ${rows.length - MAX_DIFF_ROWS} more (see the plan artifact).`] : [])];
}

/** The whole Markdown section for one stack. */
export function renderMarkdown(doc: PlanDocument, diff: PlanDiff | undefined): string {
  const v = doc.policies.violations;
  const mandatory = v.filter((x) => x.enforcementLevel === "mandatory").length;
  const cost = diff
    ? `${money(diff.cost.head)}/month (${diff.cost.delta > 0 ? "+" : diff.cost.delta < 0 ? "−" : "±"}${money(Math.abs(diff.cost.delta))} against the base)`
    : `${money(doc.cost.monthly)}/month`;
  const policies = v.length === 0 ? "no violations" : `${v.length} violation${v.length === 1 ? "" : "s"}${mandatory ? ` (**${mandatory} mandatory: would not deploy**)` : ""}`;
  const lines = [
    `### Offline plan: \`${doc.stack}\``,
    "",
    `**Cost** ${cost} · **Deploy** ${doc.schedule.criticalPathMinutes} min on the critical path · **Resources** ${doc.resources.length} · **Policies** ${policies}`,
    "",
    ...(diff ? [`**Diff** ${diff.added.length} to add, ${diff.removed.length} to remove, ${diff.changed.length} to change`, "", ...diffTable(diff)] : ["No diff: no base plan was given."]),
    "",
    "```mermaid",
    costPie(doc),
    "```",
    "",
    "```mermaid",
    criticalPathGantt(doc),
    "```",
  ];
  for (const x of v) lines.push(`- [${x.enforcementLevel}] ${x.policy}: ${x.message.replace(/\n/g, " ")}`);
  return lines.join("\n");
}
