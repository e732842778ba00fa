// GKE maintenance windows (pure): the window this program sets, and the rule GKE enforces on it.
//
// GKE rejects a maintenance policy that leaves less than 48 hours of maintenance availability in
// any rolling 32-day window, counting only contiguous availability of at least 4 hours; the API
// answers `Error 400: maintenance policy would go longer than 32d without 48h maintenance
// availability`. Source: https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions
// ("Maintenance windows") and https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-window.

/** `maintenancePolicy.recurringWindow` of a GKE cluster: RFC 3339 start and end of the first occurrence, RFC 5545 RRULE. */
export interface RecurringWindow {
  readonly startTime: string;
  readonly endTime: string;
  readonly recurrence: string;
}

/**
 * Saturdays and Sundays, 00:00-08:00 UTC: 16 h a week, at least 64 h in any 32 days. 2026-01-03 is
 * a Saturday. Weekend nights UTC keep upgrades away from European and American working hours.
 */
export const MAINTENANCE_WINDOW: RecurringWindow = {
  startTime: "2026-01-03T00:00:00Z",
  endTime: "2026-01-03T08:00:00Z",
  recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
};

export const GKE_MAINTENANCE_RULE = { windowDays: 32, minHours: 48, minContiguousHours: 4 } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;

interface Interval {
  readonly start: number;
  readonly end: number;
}

type Parsed = { readonly ok: true; readonly start: number; readonly duration: number; readonly period: number; readonly offsets: readonly number[] } | { readonly ok: false; readonly problem: string };

/** RRULE subset GKE documents for windows: FREQ=DAILY or WEEKLY, optional INTERVAL, optional BYDAY (weekly). */
function parse(w: RecurringWindow): Parsed {
  const start = Date.parse(w.startTime);
  const end = Date.parse(w.endTime);
  if (Number.isNaN(start) || Number.isNaN(end)) return { ok: false, problem: "startTime and endTime must be RFC 3339 timestamps" };
  if (end <= start) return { ok: false, problem: "endTime must be after startTime" };
  const parts = new Map(
    w.recurrence
      .replace(/^RRULE:/, "")
      .split(";")
      .filter(Boolean)
      .map((p) => p.split("=") as [string, string]),
  );
  const unknown = [...parts.keys()].filter((k) => !["FREQ", "INTERVAL", "BYDAY"].includes(k));
  if (unknown.length > 0) return { ok: false, problem: `recurrence parts ${unknown.join(", ")} are not evaluated here` };
  const interval = Number(parts.get("INTERVAL") ?? "1");
  if (!Number.isInteger(interval) || interval < 1) return { ok: false, problem: "INTERVAL must be a positive integer" };
  const freq = parts.get("FREQ");
  const duration = end - start;
  if (freq === "DAILY" && !parts.has("BYDAY")) return { ok: true, start, duration, period: interval * DAY, offsets: [0] };
  if (freq !== "WEEKLY") return { ok: false, problem: "FREQ must be DAILY or WEEKLY" };
  const startDay = new Date(start).getUTCDay();
  const days = (parts.get("BYDAY") ?? WEEKDAYS[startDay]!).split(",");
  const offsets: number[] = [];
  for (const d of days) {
    const i = (WEEKDAYS as readonly string[]).indexOf(d);
    if (i < 0) return { ok: false, problem: `BYDAY ${d} is not a weekday code (${WEEKDAYS.join(", ")})` };
    offsets.push(((i - startDay + 7) % 7) * DAY);
  }
  return { ok: true, start, duration, period: interval * 7 * DAY, offsets: offsets.sort((a, b) => a - b) };
}

/** Occurrences from the first period on, merged where they touch or overlap (they are then one contiguous window). */
function occurrences(p: Extract<Parsed, { ok: true }>, until: number): Interval[] {
  const raw: Interval[] = [];
  for (let base = p.start; base < until; base += p.period) {
    for (const o of p.offsets) raw.push({ start: base + o, end: base + o + p.duration });
  }
  raw.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const w of raw) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, w.end) };
    else merged.push(w);
  }
  return merged;
}

/**
 * The least maintenance availability, in hours, that any rolling `windowDays` window gets from the
 * recurrence, counting only the contiguous parts of at least `minContiguousHours` inside it. Exact:
 * the count is piecewise linear in the window's start, so its minimum lies at (or just after) a
 * point where an edge meets an occurrence's start, end, or 4-hour mark.
 */
export function minAvailabilityHours(w: RecurringWindow, rule = GKE_MAINTENANCE_RULE): number | { readonly problem: string } {
  const p = parse(w);
  if (!p.ok) return { problem: p.problem };
  const span = rule.windowDays * DAY;
  const minPiece = rule.minContiguousHours * HOUR;
  // Evaluate one period of window starts, far enough from the first occurrence that every window is fully covered.
  const from = p.start + span + p.period + p.duration;
  const windows = occurrences(p, from + p.period + span + p.duration + p.period);
  const availability = (t: number) => {
    let sum = 0;
    for (const o of windows) {
      const piece = Math.min(o.end, t + span) - Math.max(o.start, t);
      if (piece >= minPiece) sum += piece;
    }
    return sum;
  };
  let least = Infinity;
  for (const o of windows) {
    for (const edge of [o.start, o.end, o.end - minPiece, o.start - span, o.end - span, o.start + minPiece - span]) {
      // Shift into the evaluated period (the count repeats every period).
      const t0 = from + ((((edge - from) % p.period) + p.period) % p.period);
      for (const t of [t0 - 1000, t0, t0 + 1000]) least = Math.min(least, availability(t));
    }
  }
  return Math.round((least / HOUR) * 100) / 100;
}

/** A problem with the window as GKE would see it, or undefined when GKE accepts it. */
export function maintenanceWindowProblem(w: RecurringWindow, rule = GKE_MAINTENANCE_RULE): string | undefined {
  const hours = minAvailabilityHours(w, rule);
  if (typeof hours !== "number") return `cannot evaluate the maintenance window: ${hours.problem}`;
  if (hours < rule.minHours) {
    return `the maintenance window gives only ${hours} h of availability in some ${rule.windowDays}-day period (windows of at least ${rule.minContiguousHours} h count); GKE requires ${rule.minHours} h and rejects the cluster ("maintenance policy would go longer than 32d without 48h maintenance availability")`;
  }
  return undefined;
}
