import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressShare, blockSize, carve, exposureProblems, formatCidr, isAligned, networkOf, overlaps, parseCidr } from "../../stacks/cidr";
import { awsSubnetLayout } from "../../stacks/network";

const c = (s: string) => {
  const r = parseCidr(s);
  assert.ok(r, `${s} should parse`);
  return r;
};

describe("cidr", () => {
  it("parses and formats", () => {
    for (const s of ["10.0.0.0/16", "0.0.0.0/0", "192.168.1.128/25", "255.255.255.255/32"]) assert.equal(formatCidr(c(s)), s);
    for (const s of ["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "a.b.c.d/8"]) assert.equal(parseCidr(s), undefined, s);
  });

  it("sizes, aligns and finds the network", () => {
    assert.equal(blockSize(c("10.0.0.0/16")), 65536);
    assert.equal(isAligned(c("10.0.0.0/16")), true);
    assert.equal(isAligned(c("10.0.1.0/16")), false);
    assert.equal(formatCidr(networkOf(c("10.0.1.7/16"))), "10.0.0.0/16");
  });

  const overlapTable: [string, string, boolean][] = [
    ["10.0.0.0/16", "10.0.255.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/16", false],
    ["10.0.0.0/8", "10.200.0.0/16", true],
    ["172.16.0.16/28", "172.16.0.32/28", false],
    ["172.16.0.16/28", "172.16.0.31/32", true],
  ];
  for (const [a, b, expected] of overlapTable) {
    it(`${a} ${expected ? "overlaps" : "does not overlap"} ${b}`, () => {
      assert.equal(overlaps(c(a), c(b)), expected);
      assert.equal(overlaps(c(b), c(a)), expected);
    });
  }

  it("carves consecutive subnets and refuses what does not fit", () => {
    assert.deepEqual(carve(c("10.0.0.0/16"), 18, 4)?.map(formatCidr), ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"]);
    assert.deepEqual(carve(c("10.0.0.0/16"), 20, 2, 3)?.map(formatCidr), ["10.0.48.0/20", "10.0.64.0/20"]);
    assert.equal(carve(c("10.0.0.0/16"), 18, 5), undefined);
    assert.equal(carve(c("10.0.0.0/16"), 15, 1), undefined);
  });
});

describe("AWS subnet layout", () => {
  it("gives private subnets half the VPC and small public subnets, disjoint", () => {
    const l = awsSubnetLayout("10.0.0.0/16", 3);
    assert.ok(!("problem" in l));
    if ("problem" in l) return;
    assert.deepEqual(l.privateCidrs, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]);
    assert.deepEqual(l.publicCidrs, ["10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"]);
    const all = [...l.privateCidrs, ...l.publicCidrs].map(c);
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.equal(overlaps(all[i]!, all[j]!), false);
    const two = awsSubnetLayout("10.0.0.0/22", 2);
    assert.ok(!("problem" in two) && two.privateMask === 24 && two.publicMask === 26);
    assert.ok("problem" in awsSubnetLayout("10.0.0.0/23", 2));
  });
});

describe("coverage of the address space", () => {
  it("counts the union once: /0, two /1s, overlaps and an office range", () => {
    assert.equal(addressShare([c("0.0.0.0/0")]), 1);
    assert.equal(addressShare([c("0.0.0.0/1"), c("128.0.0.0/1")]), 1);
    assert.equal(addressShare([c("0.0.0.0/1"), c("0.0.0.0/2")]), 0.5);
    assert.equal(addressShare([c("10.0.0.0/8"), c("10.1.0.0/16")]), 1 / 256);
    assert.equal(addressShare([c("203.0.113.0/24")]), 256 / 2 ** 32);
    assert.equal(addressShare([]), 0);
  });

  it("rejects the world however it is spelled, and accepts an office range", () => {
    assert.match(exposureProblems(["0.0.0.0/0"]).join(), /wider than a \/8.*whole IPv4 internet/);
    assert.match(exposureProblems(["0.0.0.0/1", "128.0.0.0/1"]).join(), /whole IPv4 internet/);
    assert.match(exposureProblems(["::/0"]).join(), /::\/0 is wider than a \/8/);
    // 129 /8s: each allowed alone, together more than half the internet.
    const many = Array.from({ length: 129 }, (_, i) => `${i}.0.0.0/8`);
    assert.match(exposureProblems(many).join(), /50\.4% of the IPv4 internet/);
    assert.deepEqual(exposureProblems(many.slice(0, 128)), []);
    assert.deepEqual(exposureProblems(["203.0.113.0/24", "198.51.100.7/32"]), []);
    assert.deepEqual(exposureProblems(["10.0.0.0/16"], { minPrefix: 24, maxShare: 1 }), ["10.0.0.0/16 is wider than a /24"]);
  });
});
