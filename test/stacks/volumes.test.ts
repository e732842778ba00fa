import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shrunkVolumes, type VolumeSizes } from "../../stacks/volumes";

const now: VolumeSizes = { database: 5, prometheus: 20, grafana: 2 };

describe("volumes only grow (shrunkVolumes)", () => {
  it("has nothing to compare on a stack's first update or from an older program", () => {
    for (const previous of [undefined, null, "[secret]", 3, {}]) assert.deepEqual(shrunkVolumes(previous, now, "medium"), [], String(previous));
  });

  it("accepts the same sizes and bigger ones", () => {
    assert.deepEqual(shrunkVolumes({ database: 5, prometheus: 20, grafana: 2 }, now, "medium"), []);
    assert.deepEqual(shrunkVolumes({ database: 2, prometheus: 10, grafana: 1 }, now, "medium"), []);
  });

  it("accepts a volume that is no longer there (Grafana without persistence, monitoring off)", () => {
    assert.deepEqual(shrunkVolumes({ database: 5, prometheus: 50, grafana: 5 }, { database: 5 }, "small"), []);
  });

  it("names the key, the value and the size it must keep, for every volume at once", () => {
    const problems = shrunkVolumes({ database: 20, prometheus: 50, grafana: 5 }, now, "medium");
    assert.deepEqual(problems.map((p) => [p.key, p.value]), [["databaseStorageGb", 5], ["prometheusStorageGb", 20], ["size", "medium"]]);
    assert.match(problems[0]!.message, /from 20 GB to 5 GB.*set databaseStorageGb to 20 or more/);
    assert.match(problems[2]!.message, /at least 5 GB/);
  });
});
