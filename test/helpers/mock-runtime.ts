// Runs component code under the same strict mocks and recorder as the offline plan, in-process.
// Node's test runner gives each test file its own process, so one runtime per file is fine.

import * as pulumi from "@pulumi/pulumi";
import { CALLS, STATES } from "../../plan/cloud-mocks";
import { StrictMocks, recordRegistrations, settle } from "../../plan/mocks";
import type { ResourceRecord } from "../../plan/record";

let recorder: ReturnType<typeof recordRegistrations> | undefined;

/** Registers what `build` creates and returns the records of exactly those resources. */
export async function registered(build: () => void): Promise<ResourceRecord[]> {
  if (!recorder) {
    await pulumi.runtime.setMocks(new StrictMocks(CALLS, STATES), "voting-platform", "test", false);
    recorder = recordRegistrations();
  }
  const before = recorder.records.length;
  build();
  await settle(recorder.pending);
  return recorder.records.slice(before);
}

export function byType(records: readonly ResourceRecord[], type: string): ResourceRecord[] {
  return records.filter((r) => r.type === type);
}

export function only(records: readonly ResourceRecord[], type: string): ResourceRecord {
  const found = byType(records, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${records.map((r) => r.type).join(", ")}`);
  return found[0]!;
}
