// What the per-cloud rules share: the typed values after passes 1-2, the report callback, and the
// CIDR checks every cloud uses.

import { blockSize, exposureProblems, formatCidr, isAligned, networkOf, overlaps, parseCidr, type Cidr } from "../cidr";
import type { CLOUDS, ENVIRONMENT_DEFAULTS, ENVIRONMENTS, SIZES } from "../presets";
import { qualified, type ConfigKey } from "../schema";

/** The environment defaults of the stack's environment. */
export type EnvDefaults = (typeof ENVIRONMENT_DEFAULTS)[keyof typeof ENVIRONMENT_DEFAULTS];

/** Every key's value after passes 1 and 2, typed. */
export interface Typed {
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
  awsViewPrincipals: string[];
  awsPublicAccessCidrs: string[];
  existingScrapeControlPlane: boolean;
  awsHostedZoneId: string;
  domain: string;
  appAllowedCidrs: string[];
  gcpProject: string;
  gcpRegion: string;
  gcpZone: string;
  gcpSubnetCidr: string;
  gcpPodsCidr: string;
  gcpServicesCidr: string;
  gcpAuthorizedNetworks: string[];
  gcpDnsManagedZone: string;
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
  databaseStorageGb: number;
  imageRegistryMirror: string;
  backupEnabled: boolean;
  backupSchedule: string;
  backupRetentionDays: number;
  monitoringEnabled: boolean;
  prometheusRetentionDays: number;
  prometheusStorageGb: number;
  alertWebhookUrl: string;
  alertSlackWebhookUrl: string;
  alertSlackChannel: string;
  alertMinSeverity: "warning" | "critical";
}

export type Report = (key: ConfigKey, message: string) => void;

export function checkCidrs(v: Typed, report: Report, keys: readonly ConfigKey[], rules: Partial<Record<ConfigKey, { min: number; max: number }>>): Map<ConfigKey, Cidr> {
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

export function checkOpenToWorld(key: ConfigKey, cidrs: readonly string[], prod: boolean, report: Report) {
  // Judged on coverage, not spelling: 0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0 too.
  const wide = prod ? exposureProblems(cidrs) : [];
  if (wide.length > 0) {
    report(key, `must not admit the world in prod (0.0.0.0/0 or ranges that add up to it): ${wide.join("; ")}; list the office, VPN or CI egress ranges that need the API`);
  }
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (p && !isAligned(p)) report(key, `${c} has host bits set; the network is ${formatCidr(networkOf(p))}`);
  }
}
