// Raw stack config -> typed Settings, or every problem at once. Pure: no Pulumi runtime here.
//
// Three passes: (1) coerce each raw string to its declared Pulumi type, (2) check each value on its
// own with zod, (3) check what depends on other keys (cloud-specific requirements, min <= max,
// CIDR overlaps, prod restrictions). A key that failed an earlier pass is not checked again.

import { z } from "zod";
import {
  AWS_INSTANCE_TYPES,
  AWS_REGIONS,
  EXISTING_KUBERNETES_VERSIONS,
  GCP_MACHINE_TYPES,
  GCP_REGIONS,
  MANAGED_KUBERNETES_VERSIONS,
} from "./catalog";
import { awsSubnetLayout } from "./network";
import { blockSize, formatCidr, isAligned, networkOf, overlaps, parseCidr, type Cidr } from "./cidr";
import {
  CLOUDS,
  DEFAULT_IMAGES,
  ENVIRONMENT_DEFAULTS,
  ENVIRONMENTS,
  SIZE_PRESETS,
  SIZES,
  type AppImage,
} from "./presets";
import { CONFIG_KEYS, PROJECT, configKeyNames, qualified, type ConfigKey, type ConfigKeySpec } from "./schema";
import type { ConfigProblem, PlatformSettings, Settings } from "./settings";

export type SettingsResult =
  | { readonly ok: true; readonly settings: Settings }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface RawConfig {
  readonly project?: string;
  readonly stack: string;
  /** Fully qualified keys ("voting-platform:size") to the strings Pulumi hands the program. */
  readonly values: Readonly<Record<string, string>>;
}

const label = /^[a-z0-9_-]{0,63}$/;
const labelMsg = "use at most 63 lowercase letters, digits, '-' or '_' (valid as both an AWS tag and a GCP label)";
// An OCI reference with a tag and/or a digest; a digest is 64 hex characters.
const imageRef = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const cidrText = z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" });

const oneOf = (values: readonly string[]) => `must be one of ${values.join(", ")}`;
const intRange = (min: number, max: number, zeroMeans?: string) =>
  z
    .number()
    .int()
    .refine((n) => (zeroMeans !== undefined && n === 0) || (n >= min && n <= max), {
      error: `must be an integer from ${min} to ${max}${zeroMeans ? ` (or 0: ${zeroMeans})` : ""}`,
    });
const enumOf = <T extends readonly [string, ...string[]]>(values: T, allowEmpty = false) =>
  z.string().refine((v) => (allowEmpty && v === "") || (values as readonly string[]).includes(v), {
    error: `${oneOf(values)}${allowEmpty ? ' (or "" for the default)' : ""}`,
  });
const cidrList = z.array(cidrText);
const image = z.string().refine((v) => v === "" || imageRef.test(v), {
  error: "must be an image reference with a tag or a digest (registry/name:tag or name@sha256:<64 hex>)",
});

// Per-key checks: what each value must be on its own, whatever the others are.
const FIELD_SCHEMAS: { readonly [K in ConfigKey]: z.ZodType } = {
  cloud: enumOf(CLOUDS),
  environment: enumOf(ENVIRONMENTS),
  size: enumOf(SIZES),
  kubernetesVersion: z.string().regex(/^1\.\d{2}$/, { error: "must be a Kubernetes minor version such as 1.35" }),
  owner: z.string().regex(label, { error: labelMsg }),
  costCenter: z.string().regex(label, { error: labelMsg }),
  allowDestroy: z.boolean(),
  awsRegion: z.string(),
  awsAvailabilityZones: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: "must be AZ names such as us-east-1a" })),
  awsVpcCidr: cidrText,
  awsAdminPrincipals: z.array(
    z.string().regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, {
      error: "must be IAM role or user ARNs such as arn:aws:iam::123456789012:role/platform-admins",
    }),
  ),
  awsPublicAccessCidrs: cidrList,
  gcpProject: z.string().regex(/^$|^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "must be a GCP project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter" }),
  gcpRegion: z.string(),
  gcpZone: z.string(),
  gcpSubnetCidr: cidrText,
  gcpPodsCidr: cidrText,
  gcpServicesCidr: cidrText,
  gcpMasterCidr: cidrText,
  gcpAuthorizedNetworks: cidrList,
  kubeconfig: z.string(),
  kubeContext: z.string(),
  existingServiceType: enumOf(["NodePort", "LoadBalancer"]),
  existingStorageClass: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "must be a StorageClass name (lowercase DNS-1123 subdomain)" }),
  nodeInstanceTypes: z.array(z.string()),
  nodeMinCount: intRange(1, 100, "the size preset's"),
  nodeMaxCount: intRange(1, 100, "the size preset's"),
  nodeDiskSizeGb: intRange(20, 500, "the size preset's"),
  nodeCapacityType: enumOf(["on-demand", "spot"], true),
  voteOptionA: z.string().min(1, { error: "must not be empty" }).max(64, { error: "must be at most 64 characters" }),
  voteOptionB: z.string().min(1, { error: "must not be empty" }).max(64, { error: "must be at most 64 characters" }),
  voteImage: image,
  resultImage: image,
  workerImage: image,
  redisImage: image,
  postgresImage: image,
  monitoringEnabled: z.boolean(),
  prometheusRetentionDays: intRange(1, 90, "the size preset's"),
  prometheusStorageGb: intRange(5, 500, "the size preset's"),
};

type Values = { -readonly [K in ConfigKey]: unknown };

/** Pass 1: Pulumi hands every value over as a string; turn each into its declared type. */
function coerce(spec: ConfigKeySpec, raw: string): { value: unknown } | { problem: string } {
  switch (spec.type) {
    case "string":
      return { value: raw };
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? { value: Number(raw) } : { problem: "must be a whole number" };
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : { problem: "must be true or false" };
    case "array": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return { problem: "must be a YAML list of strings" };
      }
      return Array.isArray(parsed) && parsed.every((x) => typeof x === "string")
        ? { value: parsed }
        : { problem: "must be a YAML list of strings" };
    }
  }
}

function shownValue(spec: ConfigKeySpec, raw: string): unknown {
  if (spec.type === "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function validateSettings(raw: RawConfig): SettingsResult {
  const project = raw.project ?? PROJECT;
  const problems: ConfigProblem[] = [];
  const values = {} as Values;
  const bad = new Set<ConfigKey>();
  const report = (key: ConfigKey, value: unknown, message: string) => {
    bad.add(key);
    problems.push({ key: qualified(key), value, message });
  };

  // Keys in our namespace that the program does not read are almost always typos.
  for (const fullKey of Object.keys(raw.values).sort()) {
    if (!fullKey.startsWith(`${project}:`)) continue;
    const name = fullKey.slice(project.length + 1);
    if (!(name in CONFIG_KEYS)) {
      const hint = closest(name);
      problems.push({
        key: fullKey,
        value: raw.values[fullKey],
        message: `is not a setting of this program${hint ? ` (did you mean ${qualified(hint)}?)` : ""}; see the README's config reference`,
      });
    }
  }

  // Passes 1 and 2.
  for (const key of configKeyNames) {
    const spec: ConfigKeySpec = CONFIG_KEYS[key];
    const text = raw.values[qualified(key)];
    if (text === undefined) {
      if (spec.default === undefined) {
        report(key, undefined, `is required: ${describeAllowed(key)}`);
        continue;
      }
      values[key] = spec.default;
    } else {
      const c = coerce(spec, text);
      if ("problem" in c) {
        report(key, shownValue(spec, text), c.problem);
        // Later checks that read this key see its neutral default, not a wrongly typed value.
        values[key] = spec.default;
        continue;
      }
      values[key] = c.value;
    }
    const checked = FIELD_SCHEMAS[key].safeParse(values[key]);
    if (!checked.success) {
      const messages = [...new Set(checked.error.issues.map((i) => i.message))];
      report(key, values[key], messages.join("; "));
    }
  }

  // Pass 3 needs the core keys.
  if (bad.has("cloud") || bad.has("environment") || bad.has("size")) {
    return { ok: false, problems };
  }
  const cross = crossCheck(values, bad);
  for (const p of cross.problems) report(p.key, p.value, p.message);
  if (problems.length > 0 || cross.settings === undefined) return { ok: false, problems };
  return { ok: true, settings: { ...cross.settings, project, stack: raw.stack, tags: { project, stack: raw.stack, ...cross.settings.tags } } };
}

function describeAllowed(key: ConfigKey): string {
  switch (key) {
    case "cloud":
      return oneOf(CLOUDS);
    case "environment":
      return oneOf(ENVIRONMENTS);
    case "size":
      return oneOf(SIZES);
    default:
      return CONFIG_KEYS[key].description;
  }
}

interface Typed {
  cloud: (typeof CLOUDS)[number];
  environment: (typeof ENVIRONMENTS)[number];
  size: (typeof SIZES)[number];
  kubernetesVersion: string;
  owner: string;
  costCenter: string;
  allowDestroy: boolean;
  awsRegion: string;
  awsAvailabilityZones: string[];
  awsVpcCidr: string;
  awsAdminPrincipals: string[];
  awsPublicAccessCidrs: string[];
  gcpProject: string;
  gcpRegion: string;
  gcpZone: string;
  gcpSubnetCidr: string;
  gcpPodsCidr: string;
  gcpServicesCidr: string;
  gcpMasterCidr: string;
  gcpAuthorizedNetworks: string[];
  kubeconfig: string;
  kubeContext: string;
  existingServiceType: "NodePort" | "LoadBalancer";
  existingStorageClass: string;
  nodeInstanceTypes: string[];
  nodeMinCount: number;
  nodeMaxCount: number;
  nodeDiskSizeGb: number;
  nodeCapacityType: "" | "on-demand" | "spot";
  voteOptionA: string;
  voteOptionB: string;
  voteImage: string;
  resultImage: string;
  workerImage: string;
  redisImage: string;
  postgresImage: string;
  monitoringEnabled: boolean;
  prometheusRetentionDays: number;
  prometheusStorageGb: number;
}

type KeyProblem = { key: ConfigKey; value: unknown; message: string };
type Cross = { problems: KeyProblem[]; settings?: Omit<Settings, "project" | "stack"> };

/** Pass 3: rules that span keys. Keys already reported bad are skipped, so one mistake is one message. */
function crossCheck(untyped: Values, bad: ReadonlySet<ConfigKey>): Cross {
  const v = untyped as unknown as Typed;
  const problems: KeyProblem[] = [];
  const report = (key: ConfigKey, message: string) => {
    if (!bad.has(key)) problems.push({ key, value: v[key], message });
  };
  const env = ENVIRONMENT_DEFAULTS[v.environment];
  const preset = SIZE_PRESETS[v.size];
  const prod = v.environment === "prod";

  const versions: readonly string[] = v.cloud === "existing" ? EXISTING_KUBERNETES_VERSIONS : MANAGED_KUBERNETES_VERSIONS;
  if (!versions.includes(v.kubernetesVersion)) {
    report("kubernetesVersion", `${oneOf(versions)} when cloud is ${v.cloud}`);
  }
  if (env.requireOwner && v.owner === "") {
    report("owner", `is required in ${v.environment}: the team that answers for this stack (${labelMsg})`);
  }

  // Nodes (meaningless on an existing cluster, so not checked there).
  const minCount = v.nodeMinCount || preset.minNodes;
  const maxCount = v.nodeMaxCount || preset.maxNodes;
  if (!bad.has("nodeMinCount") && !bad.has("nodeMaxCount") && minCount > maxCount) {
    report(v.nodeMinCount ? "nodeMinCount" : "nodeMaxCount", `the minimum (${minCount}) must not exceed the maximum (${maxCount})`);
  }
  let instanceTypes: readonly string[] = v.nodeInstanceTypes;
  if (v.cloud !== "existing") {
    const catalog: readonly string[] = Object.keys(v.cloud === "aws" ? AWS_INSTANCE_TYPES : GCP_MACHINE_TYPES);
    const unknown = v.nodeInstanceTypes.filter((t) => !catalog.includes(t));
    if (unknown.length > 0) {
      report("nodeInstanceTypes", `${unknown.join(", ")} not offered for ${v.cloud}: ${oneOf(catalog)} (stacks/catalog.ts lists prices and pod limits)`);
    }
    if (v.cloud === "gcp" && v.nodeInstanceTypes.length > 1) {
      report("nodeInstanceTypes", "a GKE node pool has one machine type: give exactly one");
    }
    if (instanceTypes.length === 0) instanceTypes = v.cloud === "aws" ? preset.aws.instanceTypes : preset.gcp.machineTypes;
  }

  let platform: PlatformSettings | undefined;
  switch (v.cloud) {
    case "aws":
      platform = checkAws(v, report, bad, env, prod);
      break;
    case "gcp":
      platform = checkGcp(v, report, env, prod);
      break;
    case "existing":
      if (v.kubeContext === "") {
        report("kubeContext", "is required when cloud is existing: name the kubeconfig context (e.g. kind-voting), so that switching your current context cannot point this stack at another cluster");
      }
      platform = {
        cloud: "existing",
        kubeconfig: v.kubeconfig || undefined,
        context: v.kubeContext,
        serviceType: v.existingServiceType,
        storageClass: v.existingStorageClass,
      };
      break;
  }

  // The voting app's images: a moving tag alone is refused; a digest pins it.
  const images = {} as Record<AppImage, string>;
  for (const name of Object.keys(DEFAULT_IMAGES) as AppImage[]) {
    const key = `${name}Image` as ConfigKey;
    const given = v[key] as string;
    if (given !== "" && !given.includes("@sha256:") && (/:latest$/.test(given) || !/:[\w][\w.-]*$/.test(given.split("/").pop() ?? ""))) {
      report(key, "must be pinned: give a digest (name@sha256:...) or at least a version tag, never latest or no tag");
    } else if (prod && given !== "" && !given.includes("@sha256:")) {
      report(key, "must be pinned by digest in prod (name:tag@sha256:...): tags can be moved");
    }
    images[name] = given || DEFAULT_IMAGES[name];
  }
  if (v.voteOptionA === v.voteOptionB && !bad.has("voteOptionA")) {
    report("voteOptionB", "must differ from voteOptionA");
  }

  if (problems.length > 0 || bad.size > 0 || platform === undefined) return { problems };

  const replicas = {
    vote: Math.max(preset.replicas.vote, env.minReplicas),
    result: Math.max(preset.replicas.result, env.minReplicas),
    worker: preset.replicas.worker,
  };
  return {
    problems,
    settings: {
      environment: v.environment,
      size: v.size,
      kubernetesVersion: v.kubernetesVersion,
      platform,
      nodes: {
        instanceTypes,
        minCount,
        maxCount,
        diskSizeGb: v.nodeDiskSizeGb || preset.diskSizeGb,
        capacityType: v.nodeCapacityType || env.capacityType,
      },
      app: {
        optionA: v.voteOptionA,
        optionB: v.voteOptionB,
        images,
        replicas,
        voteMaxReplicas: Math.max(preset.voteMaxReplicas, replicas.vote),
        databaseStorageGb: preset.databaseStorageGb,
        retainData: env.retainData,
        protectData: env.retainData && !v.allowDestroy,
      },
      monitoring: {
        enabled: v.monitoringEnabled,
        retentionDays: v.prometheusRetentionDays || preset.prometheus.retentionDays,
        storageGb: v.prometheusStorageGb || preset.prometheus.storageGb,
        grafana: preset.grafana,
      },
      tags: {
        environment: v.environment,
        ...(v.owner ? { owner: v.owner } : {}),
        ...(v.costCenter ? { "cost-center": v.costCenter } : {}),
      },
    },
  };
}

type Report = (key: ConfigKey, message: string) => void;

function checkCidrs(v: Typed, report: Report, keys: readonly ConfigKey[], rules: Partial<Record<ConfigKey, { min: number; max: number }>>): Map<ConfigKey, Cidr> {
  const parsed = new Map<ConfigKey, Cidr>();
  for (const key of keys) {
    const c = parseCidr(v[key] as string);
    if (!c) continue; // already reported by pass 2
    if (!isAligned(c)) {
      report(key, `has host bits set; the network is ${formatCidr(networkOf(c))}`);
      continue;
    }
    const rule = rules[key];
    if (rule && (c.prefix < rule.min || c.prefix > rule.max)) {
      report(key, rule.min === rule.max ? `must be a /${rule.min}` : `must be between /${rule.min} and /${rule.max} (got /${c.prefix}, ${blockSize(c)} addresses)`);
      continue;
    }
    parsed.set(key, c);
  }
  const entries = [...parsed.entries()];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [ka, a] = entries[i]!;
      const [kb, b] = entries[j]!;
      if (overlaps(a, b)) report(kb, `overlaps ${qualified(ka)} (${formatCidr(a)}); the ranges must be disjoint`);
    }
  }
  return parsed;
}

function checkOpenToWorld(key: ConfigKey, cidrs: readonly string[], prod: boolean, report: Report) {
  const open = cidrs.filter((c) => parseCidr(c)?.prefix === 0);
  if (prod && open.length > 0) {
    report(key, "must not contain 0.0.0.0/0 in prod: list the office, VPN or CI egress ranges that need the API");
  }
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (p && !isAligned(p)) report(key, `${c} has host bits set; the network is ${formatCidr(networkOf(p))}`);
  }
}

function checkAws(v: Typed, report: Report, bad: ReadonlySet<ConfigKey>, env: (typeof ENVIRONMENT_DEFAULTS)[keyof typeof ENVIRONMENT_DEFAULTS], prod: boolean): PlatformSettings | undefined {
  if (v.awsRegion === "") {
    report("awsRegion", `is required when cloud is aws: ${oneOf(AWS_REGIONS)}`);
  } else if (!(AWS_REGIONS as readonly string[]).includes(v.awsRegion)) {
    report("awsRegion", oneOf(AWS_REGIONS));
  } else {
    const foreign = v.awsAvailabilityZones.filter((z) => !new RegExp(`^${v.awsRegion}[a-z]$`).test(z));
    if (foreign.length > 0) report("awsAvailabilityZones", `${foreign.join(", ")} not in ${v.awsRegion}: use ${v.awsRegion}a, ${v.awsRegion}b, ...`);
  }
  const azs = v.awsAvailabilityZones;
  if (new Set(azs).size !== azs.length) report("awsAvailabilityZones", "lists an AZ twice");
  if (azs.length === 1 || azs.length > 6) report("awsAvailabilityZones", "must list 2 to 6 AZs (EKS needs subnets in at least two)");
  const azCount = azs.length || env.availabilityZoneCount;
  const cidrs = checkCidrs(v, report, ["awsVpcCidr"], { awsVpcCidr: { min: 16, max: 24 } });
  if (cidrs.has("awsVpcCidr") && !bad.has("awsAvailabilityZones")) {
    const layout = awsSubnetLayout(v.awsVpcCidr, azCount);
    if ("problem" in layout) report("awsVpcCidr", layout.problem);
  }
  checkOpenToWorld("awsPublicAccessCidrs", v.awsPublicAccessCidrs, prod, report);
  if (v.awsRegion === "" || !(AWS_REGIONS as readonly string[]).includes(v.awsRegion)) return undefined;
  return {
    cloud: "aws",
    region: v.awsRegion,
    availabilityZones: azs,
    availabilityZoneCount: azCount,
    vpcCidr: v.awsVpcCidr,
    natGateways: env.natGateways,
    adminPrincipals: v.awsAdminPrincipals,
    publicAccessCidrs: v.awsPublicAccessCidrs,
    deletionProtection: env.deletionProtection && !v.allowDestroy,
    controlPlaneLogs: env.controlPlaneLogs,
  };
}

function checkGcp(v: Typed, report: Report, env: (typeof ENVIRONMENT_DEFAULTS)[keyof typeof ENVIRONMENT_DEFAULTS], prod: boolean): PlatformSettings | undefined {
  if (v.gcpProject === "") report("gcpProject", "is required when cloud is gcp: the project ID (not its name or number)");
  let zone = v.gcpZone;
  if (v.gcpRegion === "") {
    report("gcpRegion", `is required when cloud is gcp: ${oneOf(GCP_REGIONS)}`);
  } else if (!(GCP_REGIONS as readonly string[]).includes(v.gcpRegion)) {
    report("gcpRegion", oneOf(GCP_REGIONS));
  } else if (zone !== "" && !new RegExp(`^${v.gcpRegion}-[a-z]$`).test(zone)) {
    report("gcpZone", `must be a zone of ${v.gcpRegion}, such as ${v.gcpRegion}-b`);
  }
  if (zone === "") zone = `${v.gcpRegion}-b`;
  checkCidrs(v, report, ["gcpSubnetCidr", "gcpPodsCidr", "gcpServicesCidr", "gcpMasterCidr"], {
    gcpSubnetCidr: { min: 8, max: 26 },
    gcpPodsCidr: { min: 8, max: 21 },
    gcpServicesCidr: { min: 8, max: 24 },
    gcpMasterCidr: { min: 28, max: 28 },
  });
  checkOpenToWorld("gcpAuthorizedNetworks", v.gcpAuthorizedNetworks, prod, report);
  if (v.gcpProject === "" || !(GCP_REGIONS as readonly string[]).includes(v.gcpRegion)) return undefined;
  return {
    cloud: "gcp",
    project: v.gcpProject,
    region: v.gcpRegion,
    zone,
    regional: env.regionalCluster,
    subnetCidr: v.gcpSubnetCidr,
    podsCidr: v.gcpPodsCidr,
    servicesCidr: v.gcpServicesCidr,
    masterCidr: v.gcpMasterCidr,
    authorizedNetworks: v.gcpAuthorizedNetworks,
    deletionProtection: env.deletionProtection && !v.allowDestroy,
    secretsEncryption: env.gcpSecretsEncryption,
  };
}

/** The declared key nearest to a typo (edit distance at most 3), for "did you mean". */
function closest(name: string): ConfigKey | undefined {
  let best: { key: ConfigKey; d: number } | undefined;
  for (const key of configKeyNames) {
    const d = editDistance(name.toLowerCase(), key.toLowerCase());
    if (d <= 3 && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
