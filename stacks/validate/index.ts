// Raw stack config -> typed Settings, or every problem at once. Pure: no Pulumi runtime here.
//
// Three passes: (1) coerce each raw string to its declared Pulumi type, (2) check each value on its
// own with zod (./fields.ts), (3) check what depends on other keys: the common rules here, each
// cloud's in a file of its own (./aws.ts, ./gcp.ts, ./existing.ts), beside what they share
// (./common.ts). A key that failed an earlier pass is not checked again.

import { EXISTING_KUBERNETES_VERSIONS, GCP_MACHINE_TYPES, AWS_INSTANCE_TYPES, MANAGED_KUBERNETES_VERSIONS, type AwsInstanceType } from "../catalog";
import { CHART_IMAGES, CLOUDS, DEFAULT_IMAGES, EXPORTER_IMAGES, imageFor, ENVIRONMENT_DEFAULTS, ENVIRONMENTS, SIZE_PRESETS, SIZES, type AppImage } from "../presets";
import { CONFIG_KEYS, PROJECT, configKeyNames, qualified, type ConfigKey, type ConfigKeySpec } from "../schema";
import type { ConfigProblem, ConfigWarning, PlatformSettings, Settings } from "../settings";
import { checkAws } from "./aws";
import type { Report, Typed } from "./common";
import { checkExisting } from "./existing";
import { checkExposure } from "./exposure";
import { FIELD_SCHEMAS, coerce, labelMsg, oneOf, shownValue, type Values } from "./fields";
import { checkGcp } from "./gcp";
import { checkStackName } from "./names";
import { findPlaceholders } from "./placeholders";

export type SettingsResult =
  | { readonly ok: true; readonly settings: Settings; readonly warnings: readonly ConfigWarning[] }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly warnings: readonly ConfigWarning[] };

export interface RawConfig {
  readonly project?: string;
  readonly stack: string;
  /** Fully qualified keys ("voting-platform:size") to the strings Pulumi hands the program. */
  readonly values: Readonly<Record<string, string>>;
  /** Keys whose values are secrets (`secure:` in the stack file): never shown in a message. */
  readonly secretKeys?: readonly string[];
}

/**
 * Keys that hold credentials: secret whether or not the stack file encrypts them (the program hands
 * them to resources as Pulumi secrets: kubeconfig through pulumi.secret, the alert URLs through
 * Config.getSecret in stacks/config.ts). Only these may be encrypted.
 */
export const CREDENTIAL_KEYS: readonly ConfigKey[] = ["kubeconfig", "alertWebhookUrl", "alertSlackWebhookUrl"];

/**
 * The instance types of one managed node group must be one shape. Cluster Autoscaler builds a
 * group's node template from one of its types and estimates every scale-up with it, and
 * `--balance-similar-node-groups` compares groups by that template's capacity: with mixed vCPU or
 * memory a scale-up can bring nodes too small for the pending pods, and the per-AZ groups stop
 * counting as similar (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md,
 * "Using Mixed Instances Policies and Spot Instances": "the instance types should have the same
 * amount of RAM and number of CPU cores, since this is fundamental to CA's scaling
 * calculations"). Every listed type is in the catalog (checked before). One AMI type per group:
 * the architecture must match too (EKS CreateNodegroup, amiType).
 */
export function mixedShapes(types: readonly AwsInstanceType[]): string | undefined {
  if (types.length < 2) return undefined;
  const shape = (t: AwsInstanceType) => {
    const m = AWS_INSTANCE_TYPES[t];
    return `${m.vcpu} vCPU / ${m.memoryGiB} GiB / ${m.arch}`;
  };
  const shapes = new Set(types.map(shape));
  if (shapes.size === 1) return undefined;
  return `lists types of different shapes (${types.map((t) => `${t}: ${shape(t)}`).join(", ")}); one node group needs one vCPU count, memory size and architecture (Cluster Autoscaler sizes scale-ups and balances groups from one type's shape): list types of one shape, e.g. t3.large and t3a.large`;
}

export function validateSettings(raw: RawConfig): SettingsResult {
  const project = raw.project ?? PROJECT;
  const secretKeys = new Set([...(raw.secretKeys ?? []), ...CREDENTIAL_KEYS.map(qualified)]);
  const result = check(raw, project, secretKeys);
  return redact(result, raw, secretKeys);
}

/** Secret values out of every message: "[secret]" for the value, and wherever a message quotes it. */
function redact(result: SettingsResult, raw: RawConfig, secretKeys: ReadonlySet<string>): SettingsResult {
  const texts = new Set<string>();
  for (const key of secretKeys) {
    const text = raw.values[key];
    if (text === undefined || text === "") continue;
    texts.add(text);
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) for (const item of parsed) if (typeof item === "string" && item !== "") texts.add(item);
    } catch {
      // not JSON: the text alone
    }
  }
  // Longest first, so that a value containing another is replaced whole.
  const secrets = [...texts].sort((a, b) => b.length - a.length);
  const clean = <P extends ConfigProblem>(p: P): P => ({
    ...p,
    value: secretKeys.has(p.key) ? SECRET_SHOWN : p.value,
    message: secrets.reduce((m, s) => m.split(s).join(SECRET_SHOWN), p.message),
  });
  return result.ok
    ? { ...result, warnings: result.warnings.map(clean) }
    : { ...result, problems: result.problems.map(clean), warnings: result.warnings.map(clean) };
}

const SECRET_SHOWN = "[secret]";

function check(raw: RawConfig, project: string, secretKeys: ReadonlySet<string>): SettingsResult {
  const problems: ConfigProblem[] = [];
  // Not errors: the stack plans and previews, but someone should look (see SettingsResult).
  const warnings: ConfigWarning[] = [];
  const values = {} as Values;
  const bad = new Set<ConfigKey>();
  const report = (key: ConfigKey, value: unknown, message: string) => {
    bad.add(key);
    problems.push({ key: qualified(key), value, message });
  };

  // Keys in our namespace that the program does not read are almost always typos. Own properties
  // only: "constructor", "toString" or "__proto__" are not settings because Object.prototype has them.
  for (const fullKey of Object.keys(raw.values).sort()) {
    const namespace = fullKey.slice(0, fullKey.indexOf(":"));
    if (namespace !== project) {
      if (nearMiss(namespace, project)) {
        warnings.push({
          key: fullKey,
          value: raw.values[fullKey],
          message: `the namespace ${namespace} is not ${project}, so this program never reads it${fullKey.includes(":") && isConfigKey(fullKey.slice(namespace.length + 1)) ? ` (did you mean ${qualified(fullKey.slice(namespace.length + 1))}?)` : ""}`,
        });
      }
      continue;
    }
    const name = fullKey.slice(project.length + 1);
    if (!isConfigKey(name)) {
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
    if (secretKeys.has(qualified(key)) && !CREDENTIAL_KEYS.includes(key)) {
      // Settings are plain values that end up in names, tags and the plan; a secret would be stored
      // and shown in plain text. Refuse rather than leak it.
      report(key, text, `is encrypted (secure:), but this program uses it in resource names, tags or the plan, where Pulumi would store and show it in plain text: set it without --secret (only ${CREDENTIAL_KEYS.map(qualified).join(", ")} are kept secret)`);
      values[key] = spec.default;
      continue;
    }
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
    return { ok: false, problems, warnings };
  }
  // Another cloud's keys are ignored; a value other than the declared default was meant for something.
  const cloud = values.cloud as Typed["cloud"];
  for (const key of configKeyNames) {
    const group = CONFIG_KEYS[key].group;
    if (group === cloud || !(CLOUDS as readonly string[]).includes(group) || bad.has(key)) continue;
    if (JSON.stringify(values[key]) === JSON.stringify((CONFIG_KEYS[key] as ConfigKeySpec).default)) continue;
    warnings.push({ key: qualified(key), value: values[key], message: `is a setting for cloud ${group}; this stack's cloud is ${cloud}, so it is ignored (remove it, or set voting-platform:cloud to ${group})` });
  }
  const warn: Report = (key, message) => {
    if (!bad.has(key)) warnings.push({ key: qualified(key), value: values[key], message });
  };
  const names = checkStackName(project, raw.stack, cloud);
  problems.push(...names.problems);
  warnings.push(...names.warnings);
  const cross = crossCheck(values, bad, warn);
  for (const p of cross.problems) report(p.key, p.value, p.message);
  for (const p of findPlaceholders(values as unknown as Typed, keysOfCloud((values as unknown as Typed).cloud))) {
    if (!bad.has(p.key)) warnings.push({ key: qualified(p.key), value: values[p.key], message: p.message, blocksUp: true });
  }
  if (problems.length > 0 || cross.settings === undefined) {
    // A key with an error gets no warning beside it (an other cloud's key set with a domain would
    // otherwise be both "ignored" and "leave it empty").
    const refused = new Set(problems.map((p) => p.key));
    return { ok: false, problems, warnings: warnings.filter((w) => !refused.has(w.key)) };
  }
  return {
    ok: true,
    settings: { ...cross.settings, project, stack: raw.stack, tags: { project, stack: raw.stack, ...cross.settings.tags } },
    warnings,
  };
}

/** The keys a stack of this cloud reads: the shared groups and its own cloud's. */
function keysOfCloud(cloud: Typed["cloud"]): ConfigKey[] {
  const groups: readonly string[] = ["core", "nodes", "app", "backup", "monitoring", cloud];
  return configKeyNames.filter((k) => groups.includes(CONFIG_KEYS[k].group));
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

type KeyProblem = { key: ConfigKey; value: unknown; message: string };
type Cross = { problems: KeyProblem[]; settings?: Omit<Settings, "project" | "stack"> };

/** Pass 3: rules that span keys. Keys already reported bad are skipped, so one mistake is one message. */
function crossCheck(untyped: Values, bad: ReadonlySet<ConfigKey>, warn: Report): Cross {
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
    if (v.cloud === "aws" && unknown.length === 0) {
      const problem = mixedShapes(v.nodeInstanceTypes as AwsInstanceType[]);
      if (problem) report("nodeInstanceTypes", problem);
    }
    if (instanceTypes.length === 0) instanceTypes = v.cloud === "aws" ? preset.aws.instanceTypes : preset.gcp.machineTypes;
  }

  let platform: PlatformSettings | undefined;
  switch (v.cloud) {
    case "aws":
      platform = checkAws(v, report, bad, env, prod, warn);
      break;
    case "gcp":
      platform = checkGcp(v, report, env, prod, warn);
      break;
    case "existing":
      platform = checkExisting(v, report, warn);
      break;
  }

  const exposure = checkExposure(v, report);

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
    images[name] = given || imageFor(DEFAULT_IMAGES[name], v.cloud, v.imageRegistryMirror);
  }
  if (v.monitoringEnabled && v.alertWebhookUrl === "" && v.alertSlackWebhookUrl === "") {
    warn(
      "alertSlackWebhookUrl",
      "no alert receiver is set (alertSlackWebhookUrl or alertWebhookUrl, as secrets): alerts are only visible in the Alertmanager and Prometheus UIs, nobody is notified",
    );
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
        exporterImages: { redis: imageFor(EXPORTER_IMAGES.redis, v.cloud, v.imageRegistryMirror), postgres: imageFor(EXPORTER_IMAGES.postgres, v.cloud, v.imageRegistryMirror) },
        replicas,
        voteMaxReplicas: Math.max(preset.voteMaxReplicas, replicas.vote),
        databaseStorageGb: v.databaseStorageGb || preset.databaseStorageGb,
        retainData: env.retainData,
        protectData: env.retainData && !v.allowDestroy,
      },
      exposure,
      backup: { enabled: v.backupEnabled, schedule: v.backupSchedule.trim(), retentionDays: v.backupRetentionDays || env.backupRetentionDays },
      monitoring: {
        enabled: v.monitoringEnabled,
        busyboxImage: imageFor(CHART_IMAGES.busybox, v.cloud, v.imageRegistryMirror),
        alerts: { webhook: v.alertWebhookUrl !== "", slack: v.alertSlackWebhookUrl !== "", slackChannel: v.alertSlackChannel, minSeverity: v.alertMinSeverity },
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

/** Own keys of CONFIG_KEYS only (never Object.prototype's). */
function isConfigKey(name: string): name is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/** A namespace one or two edits from the project's, or the same once case and separators are ignored. */
function nearMiss(namespace: string, project: string): boolean {
  const squash = (x: string) => x.toLowerCase().replace(/[-_.\s]/g, "");
  return namespace !== "" && (squash(namespace) === squash(project) || editDistance(namespace.toLowerCase(), project) <= 2);
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
