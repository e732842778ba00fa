// A CronJob's schedule, checked offline the way the API server parses it: Kubernetes validates
// spec.schedule with robfig/cron's standard parser (five fields, or a @-descriptor) and rejects a
// TZ= or CRON_TZ= prefix (set spec.timeZone instead) since 1.27
// (kubernetes/kubernetes pkg/apis/batch/validation, validateScheduleFormat; robfig/cron v3 parser.go).

export const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;

const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Why a schedule would be refused (undefined: accepted). Pure. */
export function cronProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s === "") return "is empty";
  if (/^(CRON_)?TZ=/.test(s)) return "must not carry a time zone prefix (Kubernetes rejects TZ= and CRON_TZ=; backups run in UTC)";
  if (s.startsWith("@")) return (CRON_MACROS as readonly string[]).includes(s) ? undefined : `${s} is not a cron descriptor`;
  const parts = s.split(/\s+/);
  if (parts.length !== FIELDS.length) return `has ${parts.length} field${parts.length === 1 ? "" : "s"}, not 5`;
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(parts[i]!, FIELDS[i]!);
    if (problem) return `${FIELDS[i]!.name} field "${parts[i]}" ${problem}`;
  }
  return undefined;
}

/** A field's value: a number, or a name (months from 1, days of the week from 0); undefined: neither. */
function valueOf(v: string, f: (typeof FIELDS)[number]): number | undefined {
  const named = f.names?.indexOf(v.toLowerCase()) ?? -1;
  if (named >= 0) return named + (f.name === "month" ? 1 : 0);
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

function fieldProblem(text: string, f: (typeof FIELDS)[number]): string | undefined {
  const value = (v: string) => valueOf(v, f);
  for (const item of text.split(",")) {
    const [range, step, extra] = item.split("/");
    if (extra !== undefined || range === undefined || range === "") return "is not a list of values, ranges (a-b) and steps (*/n)";
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return `has step "${step}": a positive whole number`;
    if (range === "*" || range === "?") continue;
    const [lo, hi, more] = range.split("-");
    if (more !== undefined) return `has a malformed range "${range}"`;
    const a = value(lo ?? "");
    const b = hi === undefined ? a : value(hi);
    if (a === undefined || b === undefined) return `has "${range}", which is not a number${f.names ? " or a name" : ""}`;
    if (a < f.min || b > f.max) return `is outside ${f.min}-${f.max}`;
    if (a > b) return `has a range "${range}" that runs backwards`;
  }
  return undefined;
}

/** How many values a valid field matches (for estimates). */
function fieldCount(text: string, f: (typeof FIELDS)[number]): number {
  const hits = new Set<number>();
  // Only called on fields cronProblem accepted: every value parses.
  const value = (v: string) => valueOf(v, f)!;
  for (const item of text.split(",")) {
    const [range = "*", step = "1"] = item.split("/");
    const [lo, hi] = range === "*" || range === "?" ? [f.min, f.max] : ((([a, b]) => [value(a!), b === undefined ? (item.includes("/") ? f.max : value(a!)) : value(b)])(range.split("-")) as [number, number]);
    for (let n = lo; n <= hi; n += Number(step)) hits.add(n);
  }
  return hits.size;
}

/** Runs per day on average of a valid schedule (an estimate: day-of-month and day-of-week as fractions). */
export function runsPerDay(schedule: string): number {
  const s = schedule.trim();
  const macros: Readonly<Record<string, number>> = { "@yearly": 1 / 365, "@annually": 1 / 365, "@monthly": 12 / 365, "@weekly": 1 / 7, "@daily": 1, "@midnight": 1, "@hourly": 24 };
  if (s in macros) return macros[s]!;
  const parts = s.split(/\s+/);
  const [minutes, hours, dom, months, dow] = FIELDS.map((f, i) => fieldCount(parts[i]!, f)) as [number, number, number, number, number];
  // Both day fields restricted: cron runs on a day matching either (robfig/cron, Vixie cron).
  const anyDay = (v: string) => v === "*" || v === "?";
  const domShare = anyDay(parts[2]!) ? 1 : (dom * 12) / 365;
  const dowShare = anyDay(parts[4]!) ? 1 : dow / 7;
  const days = anyDay(parts[2]!) || anyDay(parts[4]!) ? domShare * dowShare : 1 - (1 - domShare) * (1 - dowShare);
  return minutes * hours * days * (months / 12);
}
