import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AWS_INSTANCE_TYPES } from "../../stacks/catalog";
import { DEFAULT_IMAGES, ENVIRONMENT_DEFAULTS, SIZE_PRESETS, imageFor } from "../../stacks/presets";
import type { Settings } from "../../stacks/settings";
import { mixedShapes, validateSettings, type SettingsResult } from "../../stacks/validate";
import { quotaNeeds } from "../../stacks/validate/gcp";

type Values = Record<string, string | number | boolean | string[]>;

// What the Pulumi CLI hands a program: every value a string, lists as JSON.
function run(values: Values, stack = "t"): SettingsResult {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) raw[`voting-platform:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return validateSettings({ stack, values: raw });
}

function ok(values: Values): Settings {
  const r = run(values);
  if (!r.ok) assert.fail(`expected valid, got:\n${r.problems.map((p) => `${p.key}: ${p.message}`).join("\n")}`);
  return r.settings;
}

function problems(values: Values): { key: string; message: string; value: unknown }[] {
  const r = run(values);
  assert.equal(r.ok, false, "expected the config to be rejected");
  return r.ok ? [] : [...r.problems];
}

const aws: Values = { cloud: "aws", environment: "dev", size: "small", awsRegion: "us-east-1" };
const awsProd: Values = { ...aws, environment: "prod", owner: "platform-team" };
const gcp: Values = { cloud: "gcp", environment: "dev", size: "small", gcpProject: "my-project-123", gcpRegion: "us-central1" };
const existing: Values = { cloud: "existing", environment: "dev", size: "small", kubeContext: "kind-voting" };

describe("valid settings", () => {
  it("resolves an AWS dev stack from presets and environment defaults", () => {
    const s = ok(aws);
    assert.equal(s.platform.cloud, "aws");
    if (s.platform.cloud !== "aws") return;
    assert.equal(s.platform.natGateways, "single");
    assert.equal(s.platform.availabilityZoneCount, 2);
    assert.equal(s.platform.deletionProtection, false);
    assert.deepEqual(s.nodes, { instanceTypes: ["t3.medium", "t3a.medium"], minCount: 2, maxCount: 4, diskSizeGb: 20, capacityType: "spot" });
    assert.equal(s.kubernetesVersion, "1.35");
    assert.deepEqual(s.app.images, {
      ...DEFAULT_IMAGES,
      // Docker Official Images from ECR Public on AWS (no anonymous Docker Hub limit), same digests.
      redis: DEFAULT_IMAGES.redis.replace("docker.io/library/", "public.ecr.aws/docker/library/"),
      postgres: DEFAULT_IMAGES.postgres.replace("docker.io/library/", "public.ecr.aws/docker/library/"),
    });
    assert.deepEqual(s.tags, { project: "voting-platform", stack: "t", environment: "dev" });
  });

  it("gives prod one NAT gateway per AZ, three AZs, on-demand nodes, deletion protection and retained data", () => {
    const s = ok(awsProd);
    assert.equal(s.platform.cloud === "aws" && s.platform.natGateways, "one-per-az");
    assert.equal(s.platform.cloud === "aws" && s.platform.availabilityZoneCount, 3);
    assert.equal(s.platform.cloud === "aws" && s.platform.deletionProtection, true);
    assert.equal(s.nodes.capacityType, "on-demand");
    assert.equal(s.app.retainData, true);
    assert.deepEqual(s.platform.cloud === "aws" && [...s.platform.controlPlaneLogs], [...ENVIRONMENT_DEFAULTS.prod.controlPlaneLogs]);
    for (const log of ["api", "audit", "authenticator"] as const) assert.ok(ENVIRONMENT_DEFAULTS.prod.controlPlaneLogs.includes(log));
  });

  it("raises stateless replicas to the prod minimum of 2", () => {
    const small = ok({ ...awsProd, size: "small" });
    assert.equal(small.app.replicas.vote, 2);
    assert.equal(small.app.replicas.result, 2);
    assert.equal(ok({ ...aws, size: "small" }).app.replicas.vote, 1);
  });

  it("takes node overrides over the preset", () => {
    const s = ok({ ...aws, nodeInstanceTypes: ["t3.large", "t3a.large"], nodeMinCount: 3, nodeMaxCount: 5, nodeDiskSizeGb: 40, nodeCapacityType: "on-demand" });
    assert.deepEqual(s.nodes, { instanceTypes: ["t3.large", "t3a.large"], minCount: 3, maxCount: 5, diskSizeGb: 40, capacityType: "on-demand" });
  });

  it("keeps each size preset's node group to one shape (what the autoscaler's estimates assume)", () => {
    for (const [size, p] of Object.entries(SIZE_PRESETS)) assert.equal(mixedShapes(p.aws.instanceTypes), undefined, size);
    assert.match(mixedShapes(["t3.medium", "t3.xlarge"]) ?? "", /t3\.xlarge: 4 vCPU \/ 16 GiB/);
  });

  it("uses every size preset", () => {
    for (const size of ["small", "medium", "large"] as const) {
      const s = ok({ ...aws, size });
      assert.deepEqual(s.nodes.instanceTypes, SIZE_PRESETS[size].aws.instanceTypes);
      assert.equal(s.monitoring.retentionDays, SIZE_PRESETS[size].prometheus.retentionDays);
    }
  });

  it("resolves GCP: zonal with a default zone in dev, regional in prod", () => {
    const dev = ok(gcp);
    assert.ok(dev.platform.cloud === "gcp");
    if (dev.platform.cloud !== "gcp") return;
    assert.equal(dev.platform.regional, false);
    assert.equal(dev.platform.zone, "us-central1-b");
    assert.equal(dev.platform.secretsEncryption, false);
    assert.deepEqual(dev.nodes.instanceTypes, ["e2-standard-2"]);
    const prod = ok({ ...gcp, environment: "prod", owner: "team" });
    assert.equal(prod.platform.cloud === "gcp" && prod.platform.regional, true);
    assert.equal(prod.platform.cloud === "gcp" && prod.platform.secretsEncryption, true);
  });

  it("resolves an existing cluster", () => {
    const s = ok({ ...existing, kubeconfig: "/home/me/.kube/kind", existingServiceType: "LoadBalancer" });
    assert.ok(s.platform.cloud === "existing");
    const { kubeconfig, ...rest } = s.platform;
    assert.deepEqual(rest, { cloud: "existing", context: "kind-voting", serviceType: "LoadBalancer", storageClass: "standard", scrapeControlPlane: false });
    // The kubeconfig is a secret: revealed only on purpose, "[secret]" anywhere it is printed.
    assert.equal(kubeconfig?.reveal(), "/home/me/.kube/kind");
    assert.equal(JSON.stringify(kubeconfig), '"[secret]"');
    assert.equal(`${kubeconfig}`, "[secret]");
  });

  it("accepts office and VPN ranges for the API in prod", () => {
    const ranges = ["203.0.113.0/24", "198.51.100.0/22", "10.0.0.0/8"];
    assert.deepEqual(ok({ ...awsProd, awsPublicAccessCidrs: ranges }).platform, { ...ok(awsProd).platform, publicAccessCidrs: ranges });
  });

  it("accepts a version-tagged image outside prod and a digest anywhere", () => {
    assert.equal(ok({ ...aws, redisImage: "redis:7.4-alpine" }).app.images.redis, "redis:7.4-alpine");
    const pinned = "ghcr.io/acme/vote:1.2@sha256:" + "a".repeat(64);
    assert.equal(ok({ ...awsProd, voteImage: pinned }).app.images.vote, pinned);
  });
});

// One change from a valid base per row: the key that must be named and a fragment of the message.
const invalid: [string, Values, string, RegExp][] = [
  ["unknown cloud", { ...aws, cloud: "azure" }, "cloud", /one of aws, gcp, existing/],
  ["unknown environment", { ...aws, environment: "qa" }, "environment", /one of dev, staging, prod/],
  ["unknown size", { ...aws, size: "huge" }, "size", /one of small, medium, large/],
  ["missing cloud", { environment: "dev", size: "small" }, "cloud", /required/],
  ["integer as text", { ...aws, nodeMinCount: "two" }, "nodeMinCount", /whole number/],
  ["negative node count", { ...aws, nodeMinCount: -1 }, "nodeMinCount", /from 1 to 100/],
  ["inverted node counts", { ...aws, nodeMinCount: 5, nodeMaxCount: 3 }, "nodeMinCount", /minimum \(5\) must not exceed the maximum \(3\)/],
  ["max below preset min", { ...aws, nodeMaxCount: 1 }, "nodeMaxCount", /minimum \(2\) must not exceed the maximum \(1\)/],
  ["boolean as text", { ...aws, monitoringEnabled: "yes" }, "monitoringEnabled", /true or false/],
  ["list as scalar", { ...aws, awsAvailabilityZones: "us-east-1a" }, "awsAvailabilityZones", /list of strings/],
  ["malformed CIDR", { ...aws, awsVpcCidr: "10.0.0.0/33" }, "awsVpcCidr", /IPv4 CIDR/],
  ["CIDR with host bits", { ...aws, awsVpcCidr: "10.0.1.0/16" }, "awsVpcCidr", /host bits set; the network is 10\.0\.0\.0\/16/],
  ["VPC out of range", { ...aws, awsVpcCidr: "10.0.0.0/26" }, "awsVpcCidr", /between \/16 and \/24/],
  ["VPC too small for its subnets", { ...aws, awsVpcCidr: "10.0.0.0/23" }, "awsVpcCidr", /too small for 2 AZs: each private subnet would be a \/25; a \/22 or larger/],
  ["VPC too small for prod's 3 AZs", { ...awsProd, owner: "t", awsVpcCidr: "10.0.0.0/22" }, "awsVpcCidr", /too small for 3 AZs/],
  ["bad region", { ...aws, awsRegion: "us-east-9" }, "awsRegion", /one of us-east-1/],
  ["missing region", { ...aws, awsRegion: "" }, "awsRegion", /required when cloud is aws/],
  ["AZ of another region", { ...aws, awsAvailabilityZones: ["us-west-2a", "us-east-1b"] }, "awsAvailabilityZones", /us-west-2a not in us-east-1/],
  ["one AZ", { ...aws, awsAvailabilityZones: ["us-east-1a"] }, "awsAvailabilityZones", /2 to 6 AZs/],
  ["a zone ID EKS does not support (use1-az3)", { ...aws, awsAvailabilityZones: ["use1-az1", "use1-az3"] }, "awsAvailabilityZones", /use1-az3: EKS does not accept subnets.*UnsupportedAvailabilityZoneException/],
  ["a zone ID of another region", { ...aws, awsAvailabilityZones: ["use1-az1", "usw2-az1"] }, "awsAvailabilityZones", /usw2-az1 not in us-east-1/],
  ["AZ names and IDs mixed", { ...aws, awsAvailabilityZones: ["us-east-1a", "use1-az2"] }, "awsAvailabilityZones", /mixes AZ names and AZ IDs/],
  ["world-open API in prod", { ...awsProd, awsPublicAccessCidrs: ["0.0.0.0/0"] }, "awsPublicAccessCidrs", /world in prod.*wider than a \/8/],
  ["world-open API in prod spelled as two /1s", { ...awsProd, awsPublicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, "awsPublicAccessCidrs", /cover the whole IPv4 internet/],
  ["admin that is not an ARN", { ...aws, awsAdminPrincipals: ["admin"] }, "awsAdminPrincipals", /IAM role or user ARNs/],
  ["viewer that is not an ARN", { ...aws, awsViewPrincipals: ["arn:aws:iam::1:role/ci"] }, "awsViewPrincipals", /IAM role or user ARNs/],
  ["viewer who is also an admin", { ...aws, awsAdminPrincipals: ["arn:aws:iam::111122223333:role/ci"], awsViewPrincipals: ["arn:aws:iam::111122223333:role/ci"] }, "awsViewPrincipals", /also in awsAdminPrincipals: EKS allows one access entry per principal/],
  ["viewer listed twice", { ...aws, awsViewPrincipals: ["arn:aws:iam::111122223333:role/ci", "arn:aws:iam::111122223333:role/ci"] }, "awsViewPrincipals", /role\/ci twice/],
  ["unknown instance type", { ...aws, nodeInstanceTypes: ["x9.huge"] }, "nodeInstanceTypes", /x9\.huge not offered for aws/],
  ["GCP type on AWS", { ...aws, nodeInstanceTypes: ["e2-standard-2"] }, "nodeInstanceTypes", /not offered for aws/],
  ["instance types of different memory in one node group", { ...aws, nodeInstanceTypes: ["t3.medium", "t3.large"] }, "nodeInstanceTypes", /different shapes \(t3\.medium: 2 vCPU \/ 4 GiB \/ amd64, t3\.large: 2 vCPU \/ 8 GiB \/ amd64\).*one vCPU count, memory size and architecture/],
  ["instance types of different vCPU in one node group", { ...aws, nodeInstanceTypes: ["m7i.large", "m7i.xlarge"] }, "nodeInstanceTypes", /different shapes/],
  ["instance types of different architectures in one node group", { ...aws, nodeInstanceTypes: ["t3.medium", "t4g.medium"] }, "nodeInstanceTypes", /amd64.*arm64/],
  ["disk too small", { ...aws, nodeDiskSizeGb: 8 }, "nodeDiskSizeGb", /from 20 to 500/],
  ["bad capacity type", { ...aws, nodeCapacityType: "reserved" }, "nodeCapacityType", /on-demand, spot/],
  ["old Kubernetes on EKS", { ...aws, kubernetesVersion: "1.29" }, "kubernetesVersion", /1\.35 when cloud is aws/],
  ["malformed Kubernetes version", { ...aws, kubernetesVersion: "latest" }, "kubernetesVersion", /minor version/],
  ["no owner in prod", { ...awsProd, owner: "" }, "owner", /required in prod/],
  ["owner not a label", { ...aws, owner: "Platform Team" }, "owner", /lowercase/],
  ["latest image", { ...aws, voteImage: "acme/vote:latest" }, "voteImage", /never latest or no tag/],
  ["untagged image", { ...aws, workerImage: "acme/worker" }, "workerImage", /never latest or no tag/],
  ["tag without digest in prod", { ...awsProd, redisImage: "redis:7.4" }, "redisImage", /by digest in prod/],
  ["same vote options", { ...aws, voteOptionA: "Tabs", voteOptionB: "Tabs" }, "voteOptionB", /differ/],
  ["empty vote option", { ...aws, voteOptionA: "" }, "voteOptionA", /not be empty/],
  ["retention out of range", { ...aws, prometheusRetentionDays: 400 }, "prometheusRetentionDays", /from 1 to 90/],
  ["typo'd key", { ...aws, sise: "large" }, "sise", /not a setting.*did you mean voting-platform:size/],
  ["missing GCP project", { ...gcp, gcpProject: "" }, "gcpProject", /required when cloud is gcp/],
  ["bad GCP project ID", { ...gcp, gcpProject: "My Project" }, "gcpProject", /project ID/],
  ["bad GCP region", { ...gcp, gcpRegion: "us-central9" }, "gcpRegion", /one of us-central1/],
  ["zone of another region", { ...gcp, gcpZone: "europe-west1-b" }, "gcpZone", /zone of us-central1/],
  ["overlapping GCP ranges", { ...gcp, gcpPodsCidr: "10.10.0.0/14" }, "gcpPodsCidr", /overlaps voting-platform:gcpSubnetCidr|host bits/],
  ["overlapping services range", { ...gcp, gcpServicesCidr: "10.16.0.0/20" }, "gcpServicesCidr", /overlaps voting-platform:gcpPodsCidr/],
  ["pods range too small", { ...gcp, gcpPodsCidr: "10.16.0.0/24" }, "gcpPodsCidr", /between \/8 and \/21/],
  // large in prod: 9 nodes plus 1 surge node in each of 3 zones = 12, but a /21 holds 8 /24s.
  ["pods range short of max nodes plus surge", { ...gcp, environment: "prod", owner: "t", size: "large", gcpPodsCidr: "10.16.0.0/21" }, "gcpPodsCidr", /holds 8 nodes .* can reach 12 .* use a \/20 or larger/],
  ["subnet short of max nodes plus surge", { ...gcp, nodeMaxCount: 60, gcpSubnetCidr: "10.10.0.0/26", gcpPodsCidr: "10.16.0.0/14" }, "gcpSubnetCidr", /60 usable addresses .* can reach 61 nodes/],
  ["world-open control plane in prod", { ...gcp, environment: "prod", owner: "t", gcpAuthorizedNetworks: ["0.0.0.0/0"] }, "gcpAuthorizedNetworks", /world in prod/],
  ["world-open control plane in prod spelled as two /1s", { ...gcp, environment: "prod", owner: "t", gcpAuthorizedNetworks: ["0.0.0.0/1", "128.0.0.0/1"] }, "gcpAuthorizedNetworks", /cover the whole IPv4 internet/],
  ["two GKE machine types", { ...gcp, nodeInstanceTypes: ["e2-standard-2", "e2-standard-4"] }, "nodeInstanceTypes", /exactly one/],
  ["existing without context", { ...existing, kubeContext: "" }, "kubeContext", /required when cloud is existing/],
  ["bad service type", { ...existing, existingServiceType: "Ingress" }, "existingServiceType", /NodePort, LoadBalancer/],
  ["bad storage class name", { ...existing, existingStorageClass: "Fast SSD" }, "existingStorageClass", /StorageClass name/],
];

describe("invalid settings name the key, the value and what is allowed", () => {
  for (const [title, values, key, message] of invalid) {
    it(title, () => {
      const found = problems(values);
      const mine = found.filter((p) => p.key === `voting-platform:${key}`);
      assert.equal(mine.length, 1, `expected one problem for ${key}, got: ${JSON.stringify(found, null, 1)}`);
      assert.match(mine[0]!.message, message);
      // The value shown is the value given.
      if (key in values) assert.deepEqual(mine[0]!.value, values[key]);
    });
  }

  it("reports every problem at once, one per key", () => {
    const found = problems({ cloud: "aws", environment: "prod", size: "small", awsRegion: "us-east-1", nodeMinCount: 9, nodeMaxCount: 2, awsVpcCidr: "300.0.0.0/16", owner: "", voteImage: "x:latest", sise: "l" });
    assert.deepEqual(
      found.map((p) => p.key).sort(),
      ["voting-platform:awsVpcCidr", "voting-platform:nodeMinCount", "voting-platform:owner", "voting-platform:sise", "voting-platform:voteImage"].sort(),
    );
  });

  it("offers only instance types that have a price and a pod limit", () => {
    for (const t of Object.values(AWS_INSTANCE_TYPES)) {
      assert.ok(t.hourlyUsd > 0 && t.maxPods > 0);
    }
  });
});

describe("allowDestroy", () => {
  it("turns deletion protection and data protection off in prod, but keeps data retained", () => {
    const s = ok({ ...awsProd, allowDestroy: true });
    assert.equal(s.platform.cloud === "aws" && s.platform.deletionProtection, false);
    assert.equal(s.app.protectData, false);
    assert.equal(s.app.retainData, true);
    const normal = ok(awsProd);
    assert.equal(normal.app.protectData, true);
  });
});

describe("image registries", () => {
  it("pulls Docker Official Images from ECR Public on AWS, leaves docker.io to GKE's mirror and existing clusters, keeps other registries", () => {
    const pg = DEFAULT_IMAGES.postgres;
    const digest = pg.slice(pg.indexOf("@"));
    assert.equal(imageFor(pg, "aws", ""), `public.ecr.aws/docker/library/postgres:15-alpine${digest}`);
    assert.equal(imageFor(pg, "gcp", ""), pg);
    assert.equal(imageFor(pg, "existing", ""), pg);
    assert.equal(imageFor(DEFAULT_IMAGES.vote, "aws", ""), DEFAULT_IMAGES.vote, "not an official image: stays on docker.io");
    assert.equal(imageFor("quay.io/prometheuscommunity/postgres-exporter:v0.16.0", "aws", "m.example.com/hub"), "quay.io/prometheuscommunity/postgres-exporter:v0.16.0");
  });

  it("a private mirror takes every default docker.io image, digests unchanged", () => {
    const s = ok({ ...aws, imageRegistryMirror: "123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub" });
    for (const [name, ref] of Object.entries(s.app.images)) {
      assert.ok(ref.startsWith("123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/"), name);
      assert.equal(ref.slice(ref.indexOf("@")), DEFAULT_IMAGES[name as keyof typeof DEFAULT_IMAGES].slice(DEFAULT_IMAGES[name as keyof typeof DEFAULT_IMAGES].indexOf("@")), name);
    }
    assert.equal(s.app.exporterImages.redis.split("/")[0], "123456789012.dkr.ecr.us-east-1.amazonaws.com");
    assert.match(s.monitoring.busyboxImage, /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/docker-hub\/library\/busybox:/);
    assert.deepEqual(problems({ ...aws, imageRegistryMirror: "https://registry.example.com/" }).map((p) => p.key), ["voting-platform:imageRegistryMirror"]);
  });
});

describe("placeholder values: a warning naming the key, and pulumi up refuses (blocksUp)", () => {
  const cases: [string, Values, string, RegExp][] = [
    ["TEST-NET-1 allow-list", { ...aws, awsPublicAccessCidrs: ["198.18.0.0/15", "192.0.2.0/24"] }, "awsPublicAccessCidrs", /192\.0\.2\.0\/24 is in 192\.0\.2\.0\/24, a range reserved for documentation \(RFC 5737 TEST-NET-1\)/],
    ["TEST-NET-2 allow-list", { ...gcp, gcpAuthorizedNetworks: ["198.51.100.0/24"] }, "gcpAuthorizedNetworks", /RFC 5737 TEST-NET-2/],
    ["a host inside TEST-NET-3", { ...aws, awsPublicAccessCidrs: ["203.0.113.7/32"] }, "awsPublicAccessCidrs", /203\.0\.113\.7\/32 is in 203\.0\.113\.0\/24/],
    ["AWS's example account 111122223333", { ...aws, awsAdminPrincipals: ["arn:aws:iam::111122223333:role/platform-admins"] }, "awsAdminPrincipals", /111122223333 is an example account ID/],
    ["AWS's example account 123456789012", { ...aws, awsAdminPrincipals: ["arn:aws:iam::123456789012:user/alice"] }, "awsAdminPrincipals", /123456789012 is an example account ID/],
    ["the shipped gcp-dev project", { ...gcp, gcpProject: "voting-platform-dev" }, "gcpProject", /voting-platform-dev is the example project ID shipped/],
    ["the shipped gcp-prod project", { ...gcp, gcpProject: "voting-platform-prod" }, "gcpProject", /voting-platform-prod is the example project ID shipped/],
  ];
  for (const [title, values, key, message] of cases) {
    it(title, () => {
      const r = run(values);
      assert.ok(r.ok, "a placeholder plans: it is a warning, not a problem");
      const mine = r.warnings.filter((w) => w.key === `voting-platform:${key}`);
      assert.equal(mine.length, 1, JSON.stringify(r.warnings));
      assert.match(mine[0]!.message, message);
      assert.match(mine[0]!.message, /pulumi up refuses to run until it is replaced/);
      assert.equal(mine[0]!.blocksUp, true);
      assert.deepEqual(mine[0]!.value, values[key]);
    });
  }

  it("no alert receiver: a warning that does not block up; one receiver silences it", () => {
    const none = run({ ...aws, awsPublicAccessCidrs: ["198.18.0.0/15"], awsAdminPrincipals: ["arn:aws:iam::210987654321:role/admins"] });
    assert.ok(none.ok);
    assert.deepEqual(none.warnings.map((w) => [w.key, w.blocksUp]), [["voting-platform:alertSlackWebhookUrl", undefined]]);
    const slack = run({ ...aws, awsPublicAccessCidrs: ["198.18.0.0/15"], awsAdminPrincipals: ["arn:aws:iam::210987654321:role/admins"], alertSlackWebhookUrl: "[secret]" });
    assert.ok(slack.ok);
    assert.deepEqual(slack.warnings, []);
    const off = run({ ...aws, awsPublicAccessCidrs: ["198.18.0.0/15"], awsAdminPrincipals: ["arn:aws:iam::210987654321:role/admins"], monitoringEnabled: false });
    assert.ok(off.ok);
    assert.deepEqual(off.warnings, [], "no monitoring, no alerts to route");
  });

  it("real values give no warning", () => {
    const r = run({ ...aws, awsPublicAccessCidrs: ["198.18.0.0/15", "203.0.114.0/24"], awsAdminPrincipals: ["arn:aws:iam::210987654321:role/admins"], alertWebhookUrl: "[secret]" });
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, []);
  });

  it("keys of another cloud are not read for placeholders (they get their own warning)", () => {
    const r = run({ ...gcp, gcpProject: "my-project-123", awsAdminPrincipals: ["arn:aws:iam::111122223333:role/x"] });
    assert.ok(r.ok);
    assert.equal(r.warnings.filter((w) => w.blocksUp).length, 0);
  });
});

describe("keys looked up as own properties only", () => {
  for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
    it(`voting-platform:${name} is not a setting`, () => {
      const found = problems({ ...aws, [name]: "x" });
      const mine = found.filter((p) => p.key === `voting-platform:${name}`);
      assert.equal(mine.length, 1, JSON.stringify(found));
      assert.match(mine[0]!.message, /is not a setting of this program/);
    });
  }
});

describe("warnings for keys this stack never reads", () => {
  const warningsOf = (raw: Record<string, string>) => {
    const r = validateSettings({ stack: "t", values: { "voting-platform:cloud": "gcp", "voting-platform:environment": "dev", "voting-platform:size": "small", "voting-platform:gcpProject": "my-project-123", "voting-platform:gcpRegion": "us-central1", ...raw } });
    assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.problems));
    // Leave out the GKE quota figures every gcp stack gets, and the "no alert receiver" warning
    // (both tested on their own).
    return r.warnings.filter((w) => w.key !== "voting-platform:nodeMaxCount" && w.key !== "voting-platform:alertSlackWebhookUrl");
  };
  for (const namespace of ["voting_platform", "votingplatform", "Voting-Platform", "voting-platfrom", "voting.platform"]) {
    it(`a namespace one edit away: ${namespace}:size`, () => {
      const w = warningsOf({ [`${namespace}:size`]: "large" });
      assert.equal(w.length, 1, JSON.stringify(w));
      assert.equal(w[0]!.key, `${namespace}:size`);
      assert.match(w[0]!.message, new RegExp(`the namespace ${namespace.replace(".", "\\.")} is not voting-platform, so this program never reads it \\(did you mean voting-platform:size\\?\\)`));
    });
  }

  it("other namespaces (providers, pulumi) are nobody's typo", () => {
    assert.deepEqual(warningsOf({ "aws:region": "us-east-1", "gcp:project": "p", "pulumi:tags": "{}", "kubernetes:context": "x" }), []);
  });

  it("another cloud's keys, when set to something other than their default", () => {
    const w = warningsOf({ "voting-platform:awsRegion": "us-east-1", "voting-platform:kubeContext": "kind-voting", "voting-platform:awsVpcCidr": "10.0.0.0/16" });
    assert.deepEqual(w.map((x) => x.key), ["voting-platform:awsRegion", "voting-platform:kubeContext"]);
    assert.match(w[0]!.message, /is a setting for cloud aws; this stack's cloud is gcp, so it is ignored/);
    assert.match(w[1]!.message, /is a setting for cloud existing/);
  });
});

describe("the stack name, as the clouds will use it (cluster voting-platform-<stack>)", () => {
  const nameProblems = (values: Values, stack: string) => {
    const r = run(values, stack);
    return r.ok ? [] : r.problems.filter((p) => p.key === "(stack name)").map((p) => p.message);
  };
  const cases: [string, Values, string, RegExp | undefined][] = [
    ["EKS: a dot", aws, "dev.eu", /EKS cluster names take only letters, digits, '-' and '_'/],
    ["EKS: 100 characters is the limit", aws, "x".repeat(84), undefined],
    ["EKS: 101 characters", aws, "x".repeat(85), /\(101 characters\); EKS allows at most 100: use a stack name of at most 84/],
    ["EKS: capitals and underscores are fine", aws, "Dev_EU", undefined],
    ["GKE: capitals", gcp, "Dev", /GKE cluster names take only lowercase letters/],
    ["GKE: an underscore", gcp, "gcp_dev", /GKE cluster names take only lowercase letters/],
    ["GKE: ends with a hyphen", gcp, "dev-", /ending with a letter or digit/],
    ["GKE: 40 characters is the limit", gcp, "x".repeat(24), undefined],
    ["GKE: 41 characters", gcp, "x".repeat(25), /\(41 characters\); GKE allows at most 40: use a stack name of at most 24 characters/],
    ["existing: any Pulumi stack name", existing, "My.Stack_1", undefined],
  ];
  for (const [title, values, stack, message] of cases) {
    it(title, () => {
      const found = nameProblems(values, stack);
      if (message === undefined) assert.deepEqual(found, []);
      else assert.ok(found.some((m) => message.test(m)), JSON.stringify(found));
    });
  }

  it("GCP: capitals also break the 'stack' label", () => {
    assert.ok(nameProblems(gcp, "Dev").some((m) => /GCP label values take at most 63 lowercase letters/.test(m)));
  });

  it("GCP: a name whose node service account ID gets cut is a warning naming the cut ID", () => {
    const r = run(gcp, "gcp-staging");
    assert.ok(r.ok);
    const w = r.warnings.filter((x) => x.key === "(stack name)");
    assert.equal(w.length, 1, JSON.stringify(r.warnings));
    assert.match(w[0]!.message, /cut to 30 characters \(nodes-voting-platform-gcp-stag\); another stack in the same GCP project/);
    const short = run(gcp, "gcp-prod");
    assert.deepEqual(short.ok && short.warnings.filter((x) => x.key === "(stack name)"), []);
  });
});

describe("GKE quota figures: a warning with what the pool needs at its peak", () => {
  it("counts the temporary default pool, which lives before the node pool (the larger of the two)", () => {
    assert.deepEqual(quotaNeeds("e2-standard-2", 3, 40, 1), { vcpus: 6, ssdGb: 120, pool: { vcpus: 6, ssdGb: 120 }, temporary: { vcpus: 2, ssdGb: 20 } });
    // A pool smaller than the temporary one on disk (a tiny pool, three zones): the temporary pool sets the figure.
    assert.deepEqual(quotaNeeds("e2-standard-2", 1, 20, 3), { vcpus: 6, ssdGb: 60, pool: { vcpus: 2, ssdGb: 20 }, temporary: { vcpus: 6, ssdGb: 60 } });
  });

  it("prod large: 9 nodes plus a surge node in each of 3 zones, e2-standard-4, 50 GB disks", () => {
    const r = run({ ...gcp, environment: "prod", owner: "t", size: "large" });
    assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.problems));
    const w = r.warnings.filter((x) => x.key === "voting-platform:nodeMaxCount");
    assert.equal(w.length, 1);
    assert.match(w[0]!.message, /12 × e2-standard-4.* 48 vCPUs of us-central1's CPUS quota and 600 GB of its SSD_TOTAL_GB quota/);
    // The cluster's temporary default pool (one small node per zone) is counted too.
    assert.match(w[0]!.message, /temporary default pool \(3 × e2-small, 6 vCPUs and 60 GB\).* 48 vCPUs and 600 GB at most/);
    assert.notEqual(w[0]!.blocksUp, true, "a quota figure informs; it does not stop pulumi up");
  });

  it("follows the configured maximum and machine type", () => {
    const r = run({ ...gcp, nodeMaxCount: 7, nodeInstanceTypes: ["e2-standard-2"], nodeDiskSizeGb: 40 });
    assert.ok(r.ok);
    assert.match(r.warnings.find((x) => x.key === "voting-platform:nodeMaxCount")!.message, /8 × e2-standard-2.* 16 vCPUs .* 320 GB/);
  });
});
