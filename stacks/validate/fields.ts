// Passes 1 and 2 of validation: each raw value turned into its declared Pulumi type, then checked
// on its own with zod, whatever the other keys are.

import { z } from "zod";
import { CLOUDS, ENVIRONMENTS, SIZES } from "../presets";
import type { ConfigKey, ConfigKeySpec } from "../schema";
import { CRON_MACROS, cronProblem } from "../cron";

export const label = /^[a-z0-9_-]{0,63}$/;
export const labelMsg = "use at most 63 lowercase letters, digits, '-' or '_' (valid as both an AWS tag and a GCP label)";
// An OCI reference with a tag and/or a digest; a digest is 64 hex characters.
const imageRef = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const cidrText = z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" });

export const oneOf = (values: readonly string[]) => `must be one of ${values.join(", ")}`;
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
const iamPrincipalArns = z.array(
  z.string().regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, {
    error: "must be IAM role or user ARNs such as arn:aws:iam::123456789012:role/platform-admins",
  }),
);
const image = z.string().refine((v) => v === "" || imageRef.test(v), {
  error: "must be an image reference with a tag or a digest (registry/name:tag or name@sha256:<64 hex>)",
});

// Per-key checks: what each value must be on its own, whatever the others are.
export const FIELD_SCHEMAS: { readonly [K in ConfigKey]: z.ZodType } = {
  cloud: enumOf(CLOUDS),
  environment: enumOf(ENVIRONMENTS),
  size: enumOf(SIZES),
  kubernetesVersion: z.string().regex(/^1\.\d{2}$/, { error: "must be a Kubernetes minor version such as 1.35" }),
  owner: z.string().regex(label, { error: labelMsg }),
  costCenter: z.string().regex(label, { error: labelMsg }),
  allowDestroy: z.boolean(),
  awsRegion: z.string(),
  awsAvailabilityZones: z.array(z.string().regex(/^([a-z]{2}(-gov)?-[a-z]+-\d[a-z]|[a-z]{3,5}\d-az\d+)$/, { error: "must be AZ names such as us-east-1a or AZ IDs such as use1-az1" })),
  awsVpcCidr: cidrText,
  awsAdminPrincipals: iamPrincipalArns,
  awsViewPrincipals: iamPrincipalArns,
  awsPublicAccessCidrs: cidrList,
  // Route 53 hosted zone IDs: "Z" and up to 31 more uppercase letters or digits (route53 API HostedZone.Id, max 32).
  awsHostedZoneId: z.string().regex(/^$|^Z[A-Z0-9]{1,31}$/, { error: "must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (not its name, not /hostedzone/...)" }),
  domain: z.string().refine((v) => v === "" || isDomainName(v), {
    error: "must be a lowercase DNS name you own, such as example.com or apps.example.com (no scheme, no trailing dot, no wildcard; at most 246 characters so that result.<domain> fits 253)",
  }),
  appAllowedCidrs: cidrList,
  gcpProject: z.string().regex(/^$|^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "must be a GCP project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter" }),
  gcpRegion: z.string(),
  gcpZone: z.string(),
  gcpSubnetCidr: cidrText,
  gcpPodsCidr: cidrText,
  gcpServicesCidr: cidrText,
  gcpAuthorizedNetworks: cidrList,
  // Cloud DNS managed zone names: 1-63 of lowercase letters, digits and hyphens, starting with a letter (gcloud dns managed-zones create NAME).
  gcpDnsManagedZone: z.string().regex(/^$|^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "must be a Cloud DNS managed zone's name (not its DNS name): 1 to 63 lowercase letters, digits or hyphens, starting with a letter" }),
  kubeconfig: z.string(),
  kubeContext: z.string(),
  existingServiceType: enumOf(["NodePort", "LoadBalancer"]),
  existingScrapeControlPlane: z.boolean(),
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
  imageRegistryMirror: z.string().regex(/^$|^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, { error: "must be a registry host with an optional path, no scheme and no trailing slash (e.g. registry.example.com/docker-hub)" }),
  databaseStorageGb: intRange(1, 1000, "the size preset's"),
  backupEnabled: z.boolean(),
  backupSchedule: z.string().superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `${problem}: give five fields (minute hour day-of-month month day-of-week, e.g. "17 3 * * *" for 03:17 UTC daily) or one of ${CRON_MACROS.join(", ")}` });
  }),
  backupRetentionDays: intRange(1, 365, "the environment's default"),
  monitoringEnabled: z.boolean(),
  // "[secret]": an encrypted value the offline plan cannot read (plan/stackfile.ts).
  alertWebhookUrl: z.string().regex(/^$|^\[secret\]$|^https?:\/\/[^\s]+$/, { error: "must be an http(s) URL (set it with --secret)" }),
  alertSlackWebhookUrl: z.string().regex(/^$|^\[secret\]$|^https:\/\/hooks\.slack\.com\/[^\s]+$/, { error: "must be a Slack incoming-webhook URL, https://hooks.slack.com/services/... (set it with --secret)" }),
  alertSlackChannel: z.string().regex(/^$|^[#@][a-z0-9_.-]{1,80}$/, { error: "must be a Slack channel such as #alerts (or empty: the webhook's own)" }),
  alertMinSeverity: enumOf(["warning", "critical"]),
  prometheusRetentionDays: intRange(1, 90, "the size preset's"),
  prometheusStorageGb: intRange(5, 500, "the size preset's"),
};

/** A DNS name of at least two labels, each 1-63 of [a-z0-9-] not starting or ending with '-' (RFC 1035), short enough for `result.` in front. */
export function isDomainName(v: string): boolean {
  const labels = v.split(".");
  return v.length <= 253 - "result.".length && labels.length >= 2 && labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) && !/^\d+$/.test(labels[labels.length - 1]!);
}

export type Values = { -readonly [K in ConfigKey]: unknown };

/** Pass 1: Pulumi hands every value over as a string; turn each into its declared type. */
export function coerce(spec: ConfigKeySpec, raw: string): { value: unknown } | { problem: string } {
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

export function shownValue(spec: ConfigKeySpec, raw: string): unknown {
  if (spec.type === "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

