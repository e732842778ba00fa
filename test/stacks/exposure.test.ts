import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDomainName } from "../../stacks/validate/fields";
import { placeholderReason } from "../../stacks/validate/placeholders";
import { validateSettings, type SettingsResult } from "../../stacks/validate";

type Values = Record<string, string | string[]>;

function run(values: Values): SettingsResult {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) raw[`voting-platform:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return validateSettings({ stack: "t", values: raw });
}

const aws: Values = { cloud: "aws", environment: "dev", size: "small", awsRegion: "us-east-1" };
const gcp: Values = { cloud: "gcp", environment: "dev", size: "small", gcpProject: "my-project-123", gcpRegion: "us-central1" };
const existing: Values = { cloud: "existing", environment: "dev", size: "small", kubeContext: "kind-voting" };
const zone = "Z0123456789ABCDEFGHIJ";

describe("exposure settings", () => {
  it("resolve a domain with its hosted zone on aws, and the client ranges", () => {
    const r = run({ ...aws, domain: "apps.example.com", awsHostedZoneId: zone, appAllowedCidrs: ["198.51.100.0/24"] });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.settings.exposure, { domain: "apps.example.com", allowedCidrs: ["198.51.100.0/24"] });
    assert.equal(r.settings.platform.cloud === "aws" && r.settings.platform.hostedZoneId, zone);
  });

  it("resolve a domain on gcp, with or without its Cloud DNS zone; client ranges stay with LoadBalancer Services", () => {
    const r = run({ ...gcp, domain: "apps.example.com", gcpDnsManagedZone: "apps-example-com" });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.equal(r.settings.exposure.domain, "apps.example.com");
    assert.equal(r.settings.platform.cloud === "gcp" && r.settings.platform.dnsManagedZone, "apps-example-com");
    const bare = run({ ...gcp, domain: "apps.example.com" });
    assert.ok(bare.ok, JSON.stringify(!bare.ok && bare.problems));
    assert.equal(bare.settings.platform.cloud === "gcp" && bare.settings.platform.dnsManagedZone, undefined);
    const ranges = run({ ...gcp, appAllowedCidrs: ["198.51.100.0/24"] });
    assert.ok(ranges.ok, "without a domain: loadBalancerSourceRanges on the Services");
    // result.<domain> at exactly 63 characters is accepted.
    assert.ok(run({ ...gcp, domain: `${"a".repeat(52)}.io` }).ok);
  });

  it("default to plain HTTP, open to anyone", () => {
    const r = run(aws);
    assert.ok(r.ok);
    assert.deepEqual(r.settings.exposure, { domain: undefined, allowedCidrs: [] });
    assert.equal(r.settings.platform.cloud === "aws" && r.settings.platform.hostedZoneId, undefined);
  });

  const invalid: [string, Values, string, RegExp][] = [
    ["a domain on aws without its hosted zone", { ...aws, domain: "apps.example.com" }, "awsHostedZoneId", /required when voting-platform:domain is set/],
    ["a hosted zone without a domain", { ...aws, awsHostedZoneId: zone }, "awsHostedZoneId", /no effect without voting-platform:domain/],
    ["a hosted zone on gcp", { ...gcp, awsHostedZoneId: zone }, "awsHostedZoneId", /only read when cloud is aws/],
    ["a domain on an existing cluster", { ...existing, domain: "apps.example.com" }, "domain", /on aws \(ACM\) and gcp \(a Google-managed certificate on a GKE Ingress\) only/],
    ["a domain on gcp too long for a Google-managed certificate", { ...gcp, domain: `${"a".repeat(50)}.example` }, "domain", /at most 63/],
    ["a domain on gcp whose last label starts with a digit (the certificate's pattern)", { ...gcp, domain: "example.1com" }, "domain", /last label must start with a letter/],
    ["client ranges with a domain on gcp (Cloud Armor, not built)", { ...gcp, domain: "apps.example.com", appAllowedCidrs: ["198.51.100.0/24"] }, "appAllowedCidrs", /Cloud Armor/],
    ["a Cloud DNS zone on aws", { ...aws, domain: "apps.example.com", awsHostedZoneId: zone, gcpDnsManagedZone: "apps-example-com" }, "gcpDnsManagedZone", /only read when cloud is gcp/],
    ["a Cloud DNS zone without a domain", { ...gcp, gcpDnsManagedZone: "apps-example-com" }, "gcpDnsManagedZone", /no effect without voting-platform:domain/],
    ["a Cloud DNS zone given by its DNS name", { ...gcp, domain: "apps.example.com", gcpDnsManagedZone: "apps.example.com." }, "gcpDnsManagedZone", /managed zone's name/],
    ["a URL for a domain", { ...aws, domain: "https://apps.example.com", awsHostedZoneId: zone }, "domain", /lowercase DNS name/],
    ["a zone given by path", { ...aws, domain: "apps.example.com", awsHostedZoneId: "/hostedzone/Z0123" }, "awsHostedZoneId", /hosted zone ID/],
    ["client ranges on a NodePort", { ...existing, appAllowedCidrs: ["198.51.100.0/24"] }, "appAllowedCidrs", /NodePort/],
    ["a client range with host bits", { ...aws, appAllowedCidrs: ["198.51.100.7/24"] }, "appAllowedCidrs", /host bits/],
    ["a client range that is no CIDR", { ...aws, appAllowedCidrs: ["office"] }, "appAllowedCidrs", /IPv4 CIDR/],
  ];
  for (const [title, values, key, message] of invalid) {
    it(`rejects ${title}, naming ${key}`, () => {
      const r = run(values);
      assert.equal(r.ok, false);
      const mine = r.ok ? [] : r.problems.filter((p) => p.key === `voting-platform:${key}`);
      assert.equal(mine.length, 1, JSON.stringify(!r.ok && r.problems));
      assert.match(mine[0]!.message, message);
      // ...and no warning about the same key contradicting the error ("ignored" vs "leave it empty").
      assert.deepEqual(r.warnings.filter((w) => w.key === `voting-platform:${key}`), []);
    });
  }

  it("accepts DNS names only (RFC 1035 labels, room for result.)", () => {
    for (const good of ["example.com", "apps.example.co.uk", "a-1.example.io"]) assert.ok(isDomainName(good), good);
    for (const bad of ["example", "Example.com", "example.com.", "*.example.com", "-a.example.com", "a_b.example.com", "10.0.0.1", `${"a".repeat(64)}.com`, `${"a.".repeat(122)}com`]) {
      assert.ok(!isDomainName(bad), bad);
    }
  });

  it("warns about example domains (RFC 2606), which no certificate authority validates", () => {
    for (const example of ["example.com", "apps.example.org", "voting.test", "a.b.example"]) assert.match(String(placeholderReason(example)), /RFC 2606/, example);
    for (const real of ["example-voting.com", "apps.examples.com", "myexample.com"]) assert.equal(placeholderReason(real), undefined, real);
    const r = run({ ...aws, domain: "apps.example.com", awsHostedZoneId: zone });
    assert.ok(r.ok);
    assert.deepEqual(r.warnings.map((w) => w.key).filter((k) => k !== "voting-platform:alertSlackWebhookUrl"), ["voting-platform:domain"], "the domain, besides the no-alert-receiver warning every stack without receivers gets");
  });
});
