import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAINTENANCE_WINDOW, maintenanceWindowProblem, minAvailabilityHours } from "../../stacks/maintenance";

const weekendNights = (hours: number) => ({ startTime: "2026-01-03T02:00:00Z", endTime: `2026-01-03T${String(2 + hours).padStart(2, "0")}:00:00Z`, recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" });

describe("GKE maintenance window availability over any 32 days", () => {
  it("accepts the shipped window: 8 h on Saturdays and Sundays is at least 64 h in any 32 days", () => {
    assert.equal(minAvailabilityHours(MAINTENANCE_WINDOW), 64);
    assert.equal(maintenanceWindowProblem(MAINTENANCE_WINDOW), undefined);
  });

  it("rejects 4 h on Saturdays and Sundays (32 h), the window GKE refused with Error 400", () => {
    assert.equal(minAvailabilityHours(weekendNights(4)), 32);
    assert.match(maintenanceWindowProblem(weekendNights(4)) ?? "", /only 32 h .* GKE requires 48 h/);
  });

  it("finds the worst 32 days exactly: one 12 h window a week is 48 h in the worst case, 11 h is not enough", () => {
    const weekly = (end: string) => ({ startTime: "2026-01-03T00:00:00Z", endTime: end, recurrence: "FREQ=WEEKLY" });
    assert.equal(minAvailabilityHours(weekly("2026-01-03T12:00:00Z")), 48);
    assert.equal(maintenanceWindowProblem(weekly("2026-01-03T12:00:00Z")), undefined);
    assert.equal(minAvailabilityHours(weekly("2026-01-03T11:00:00Z")), 44);
  });

  it("counts only contiguous pieces of at least 4 h: daily 3 h windows count nothing, daily 4 h ones 124 h", () => {
    const daily = (end: string) => ({ startTime: "2026-01-03T02:00:00Z", endTime: end, recurrence: "FREQ=DAILY" });
    assert.equal(minAvailabilityHours(daily("2026-01-03T05:00:00Z")), 0);
    assert.equal(minAvailabilityHours(daily("2026-01-03T06:00:00Z")), 124);
  });

  it("merges windows that touch, and follows INTERVAL", () => {
    assert.equal(minAvailabilityHours({ startTime: "2026-01-03T00:00:00Z", endTime: "2026-01-04T00:00:00Z", recurrence: "FREQ=DAILY" }), 768);
    assert.equal(minAvailabilityHours({ startTime: "2026-01-03T00:00:00Z", endTime: "2026-01-03T12:00:00Z", recurrence: "FREQ=WEEKLY;INTERVAL=2" }), 24);
  });

  it("names what it cannot evaluate instead of guessing", () => {
    assert.match(maintenanceWindowProblem({ ...MAINTENANCE_WINDOW, recurrence: "FREQ=MONTHLY;BYMONTHDAY=1" }) ?? "", /cannot evaluate.*BYMONTHDAY/);
    assert.match(maintenanceWindowProblem({ ...MAINTENANCE_WINDOW, endTime: MAINTENANCE_WINDOW.startTime }) ?? "", /endTime must be after startTime/);
  });
});
