import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitScaling } from "../../components/aws/nodes";
import { byZoneNumber, pickZones } from "../../components/aws/zones";
import { ZONES } from "../../plan/cloud-mocks";

describe("AZs by ID (pickZones)", () => {
  it("defaults to the lowest zone IDs EKS supports, skipping use1-az3 whatever its name in this account", () => {
    assert.deepEqual(pickZones(ZONES, [], 3), { zoneIds: ["use1-az1", "use1-az2", "use1-az4"] });
  });

  it("maps pinned names through the account's own mapping", () => {
    assert.deepEqual(pickZones(ZONES, ["us-east-1a", "us-east-1b"], 2), { zoneIds: ["use1-az4", "use1-az6"] });
  });

  it("rejects a pinned name that is use1-az3 in this account, naming the key and the zones to pick from", () => {
    const r = pickZones(ZONES, ["us-east-1a", "us-east-1e"], 2);
    assert.ok("problem" in r);
    assert.match(r.problem, /voting-platform:awsAvailabilityZones: us-east-1e \(use1-az3\) is a zone EKS does not support.*use1-az1, use1-az2/);
  });

  it("accepts pinned IDs and rejects a zone the account does not have", () => {
    assert.deepEqual(pickZones(ZONES, ["use1-az5", "use1-az6"], 2), { zoneIds: ["use1-az5", "use1-az6"] });
    const r = pickZones(ZONES, ["us-east-1a", "us-east-1g"], 2);
    assert.ok("problem" in r && /us-east-1g not available in this account/.test(r.problem));
  });

  it("says so when the region has fewer supported zones than the environment uses", () => {
    const r = pickZones({ names: ["x-1a", "x-1b"], zoneIds: ["use1-az1", "use1-az3"] }, [], 2);
    assert.ok("problem" in r && /1 zones EKS supports/.test(r.problem));
  });
});

describe("node counts per AZ group (splitScaling)", () => {
  it("splits the preset's minimum and maximum over the groups without losing nodes", () => {
    assert.deepEqual(splitScaling(3, 9, 3), [1, 2, 3].map(() => ({ minSize: 1, maxSize: 3 })));
    assert.deepEqual(splitScaling(2, 6, 2), [{ minSize: 1, maxSize: 3 }, { minSize: 1, maxSize: 3 }]);
    assert.deepEqual(splitScaling(2, 4, 3), [{ minSize: 1, maxSize: 2 }, { minSize: 1, maxSize: 2 }, { minSize: 0, maxSize: 2 }]);
    assert.deepEqual(splitScaling(2, 4, 1), [{ minSize: 2, maxSize: 4 }]);
  });
});

describe("zone order", () => {
  it("orders zone IDs by their number, not as text (az10 after az2)", () => {
    assert.deepEqual(["use1-az10", "use1-az2", "use1-az1"].sort(byZoneNumber), ["use1-az1", "use1-az2", "use1-az10"]);
  });
});
