// The voting app's Kubernetes objects as plain, typed specs (pure: tests read them directly).
// The images hard-code their peers: vote and worker reach Redis as `redis`, worker and result
// reach Postgres as `db` with postgres/postgres. Those Service names are therefore fixed.

import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { IMAGE_PROFILES, containerSecurityContext, type ImageName } from "./images";

type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Sysctl = k8s.types.input.core.v1.Sysctl;

export const PORTS = { vote: 80, result: 80, redis: 6379, postgres: 5432, redisMetrics: 9121, postgresMetrics: 9187 } as const;
/** Service names the images look for. Renaming them breaks the app. */
export const SERVICE_NAMES = { redis: "redis", db: "db", vote: "vote", result: "result" } as const;
export const DB_SECRET = "db-credentials";
export const METRICS_LABEL = "voting-platform/metrics";

export type Workload = "vote" | "result" | "worker" | "redis" | "db" | "redis-exporter" | "postgres-exporter" | "postgres-backup" | "postgres-restore";

/** The app.kubernetes.io/component of each workload (Kubernetes' recommended labels). */
export const COMPONENTS: Readonly<Record<Workload, string>> = {
  vote: "frontend",
  result: "frontend",
  worker: "worker",
  redis: "queue",
  db: "database",
  "redis-exporter": "metrics",
  "postgres-exporter": "metrics",
  "postgres-backup": "backup",
  "postgres-restore": "backup",
};

export const PART_OF = "voting-app";
/** The app instance: one voting app per stack and cluster. */
export const INSTANCE = "voting";

/**
 * Kubernetes' recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels).
 * Selectors use only `app.kubernetes.io/name` (see `selector`): a Deployment's selector is
 * immutable, so labels added later go on objects and pod templates, never into selectors.
 */
export function labels(workload?: Workload, component?: string): Record<string, string> {
  return {
    ...(workload ? { "app.kubernetes.io/name": workload } : {}),
    "app.kubernetes.io/instance": INSTANCE,
    ...(workload || component ? { "app.kubernetes.io/component": component ?? COMPONENTS[workload!] } : {}),
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/**
 * The labels the db claim template was created with. A StatefulSet's volumeClaimTemplates are
 * immutable (changing them replaces the StatefulSet), so they stay exactly as first shipped.
 */
export const CLAIM_TEMPLATE_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": "db", "app.kubernetes.io/part-of": PART_OF };
export function selector(workload: Workload): Record<string, string> {
  return { "app.kubernetes.io/name": workload };
}

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

// Requests sized from the images' idle footprint with headroom; limits bound a runaway process.
export const RESOURCES: Readonly<Record<ImageName, Resources>> = {
  vote: { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  result: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "192Mi" } },
  worker: { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  redis: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
  postgres: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
  redisExporter: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
  postgresExporter: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
};

function volumeName(path: string): string {
  return path.replace(/^\//, "").replace(/[^a-z0-9]+/g, "-");
}

function writableMounts(image: ImageName): { volumes: Volume[]; mounts: VolumeMount[] } {
  const paths = IMAGE_PROFILES[image].writablePaths as readonly string[];
  return {
    volumes: paths.map((p) => ({ name: `${image.toLowerCase()}-${volumeName(p)}`, emptyDir: { sizeLimit: "64Mi" } })),
    mounts: paths.map((p) => ({ name: `${image.toLowerCase()}-${volumeName(p)}`, mountPath: p })),
  };
}

function container(image: ImageName, name: string, ref: pulumi.Input<string>, extra: Partial<Container>): { container: Container; volumes: Volume[] } {
  const w = writableMounts(image);
  return {
    container: {
      name,
      image: ref,
      imagePullPolicy: "IfNotPresent",
      resources: { requests: { ...RESOURCES[image].requests }, limits: { ...RESOURCES[image].limits } },
      securityContext: containerSecurityContext(image),
      ...extra,
      volumeMounts: [...w.mounts, ...((extra.volumeMounts as VolumeMount[] | undefined) ?? [])],
    },
    volumes: w.volumes,
  };
}

/** Pod-level settings shared by every pod: no API token, restricted-profile defaults. */
function podSpec(containers: { container: Container; volumes: Volume[] }[], extra: Partial<PodSpec> = {}, sysctls: Sysctl[] = []): PodSpec {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, ...(sysctls.length ? { sysctls } : {}) },
    containers: containers.map((c) => c.container),
    ...extra,
    volumes: [...containers.flatMap((c) => c.volumes), ...((extra.volumes as Volume[] | undefined) ?? [])],
  };
}

/**
 * Rolling updates behind a load balancer without 502s. When a pod starts terminating, the load
 * balancer learns it asynchronously (EKS: the AWS Load Balancer Controller deregisters the target;
 * GKE: the NEG controller detaches the endpoint), and keeps sending new requests for a few seconds.
 * The preStop sleep keeps the app serving through that window; then SIGTERM. vote (gunicorn) stops
 * gracefully: it finishes its in-flight requests, which the load balancer lets complete (ALB
 * deregistration delay, GKE BackendConfig connectionDraining: DEREGISTRATION_DELAY_SECONDS in
 * components/aws/exposure.ts, DRAINING_TIMEOUT_SECONDS in components/gcp/exposure.ts). result does
 * not: node exits at SIGTERM (the upstream image runs `tini -- node server.js`, and server.js has no
 * SIGTERM handler; the image is not ours to change), so the long-polls and WebSockets still open on
 * it are cut when the sleep ends, and the socket.io clients reconnect, through the load balancer, to
 * another pod (no error page; the results pause for the reconnect). The grace period covers the
 * sleep and vote's drain.
 * `lifecycle.preStop.sleep` is the kubelet's own (no `sleep` binary needed in the image):
 * PodLifecycleSleepAction, beta and on by default since Kubernetes 1.30, GA in 1.34 (KEP-3960);
 * every version this program accepts (stacks/catalog.ts: 1.33 to 1.35) has it.
 */
export const GRACEFUL_SHUTDOWN = { preStopSleepSeconds: 15, terminationGracePeriodSeconds: 45 } as const;
const gracefulShutdown = { terminationGracePeriodSeconds: GRACEFUL_SHUTDOWN.terminationGracePeriodSeconds };
const preStopSleep = { lifecycle: { preStop: { sleep: { seconds: GRACEFUL_SHUTDOWN.preStopSleepSeconds } } } };

/** Lets a non-root process bind :80, the port the vote and result images listen on. */
const UNPRIVILEGED_PORTS: Sysctl[] = [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }];

const httpProbe = (port: string, path = "/") => ({ httpGet: { path, port } });
const tcpProbe = (port: string) => ({ tcpSocket: { port } });

export interface AppImages {
  readonly vote: pulumi.Input<string>;
  readonly result: pulumi.Input<string>;
  readonly worker: pulumi.Input<string>;
  readonly redis: pulumi.Input<string>;
  readonly postgres: pulumi.Input<string>;
  readonly redisExporter: pulumi.Input<string>;
  readonly postgresExporter: pulumi.Input<string>;
}

export function votePod(images: AppImages, optionA: string, optionB: string): PodSpec {
  const vote = container("vote", "vote", images.vote, {
    ports: [{ name: "http", containerPort: PORTS.vote }],
    env: [
      { name: "OPTION_A", value: optionA },
      { name: "OPTION_B", value: optionB },
    ],
    // GET / renders the ballot and reads nothing from Redis, so it is a fair readiness check.
    readinessProbe: { ...httpProbe("http"), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    livenessProbe: { ...tcpProbe("http"), initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 },
    ...preStopSleep,
  });
  return podSpec([vote], gracefulShutdown, UNPRIVILEGED_PORTS);
}

export function resultPod(images: AppImages): PodSpec {
  const result = container("result", "result", images.result, {
    ports: [{ name: "http", containerPort: PORTS.result }],
    env: [{ name: "PORT", value: String(PORTS.result) }],
    readinessProbe: { ...httpProbe("http"), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    livenessProbe: { ...tcpProbe("http"), initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 },
    ...preStopSleep,
  });
  return podSpec([result], gracefulShutdown, UNPRIVILEGED_PORTS);
}

/**
 * The worker has no port and no health endpoint: it polls Redis every 100 ms and exits on an
 * unexpected error (so the kubelet restarts it). A probe could only check that a process exists,
 * which the kubelet already knows; its real health, the queue draining, is watched by the
 * monitoring stack's alert on the Redis queue length.
 */
export function workerPod(images: AppImages): PodSpec {
  const worker = container("worker", "worker", images.worker, {
    env: [{ name: "DOTNET_EnableDiagnostics", value: "0" }],
  });
  return podSpec([worker]);
}

export function redisPod(images: AppImages): PodSpec {
  const redis = container("redis", "redis", images.redis, {
    ports: [{ name: "redis", containerPort: PORTS.redis }],
    // Redis is the queue between vote and worker: in memory is enough (the worker drains it in
    // milliseconds); no RDB snapshots to a read-only filesystem.
    args: ["--save", "", "--appendonly", "no"],
    readinessProbe: { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 10, timeoutSeconds: 3 },
    livenessProbe: { ...tcpProbe("redis"), initialDelaySeconds: 10, periodSeconds: 20 },
  });
  return podSpec([redis], { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, fsGroup: IMAGE_PROFILES.redis.group } });
}

// The exporters run as Deployments of their own and reach the databases over their Services,
// not as sidecars: a pod is Ready only when every container is (a crash-looping container is not
// Ready, probe or no probe), so a failing sidecar exporter would take redis or db out of its
// Service and stop the app. Apart, an exporter failure costs metrics (and raises the warning
// Voting*ExporterDown through `absent()`), never votes.

export function redisExporterPod(images: AppImages): PodSpec {
  const exporter = container("redisExporter", "redis-exporter", images.redisExporter, {
    ports: [{ name: "metrics", containerPort: PORTS.redisMetrics }],
    env: [
      { name: "REDIS_ADDR", value: `redis://${SERVICE_NAMES.redis}:${PORTS.redis}` },
      // redis_key_size{db="db0",key="votes"}: the length of the queue vote pushes to.
      { name: "REDIS_EXPORTER_CHECK_SINGLE_KEYS", value: "db0=votes" },
    ],
    readinessProbe: { ...httpProbe("metrics", "/health"), periodSeconds: 15 },
    livenessProbe: { ...httpProbe("metrics", "/health"), periodSeconds: 30 },
  });
  return podSpec([exporter]);
}

/** Custom query for postgres_exporter: votes per option, as voting_votes_count{option="a"}. */
export const POSTGRES_EXPORTER_QUERIES = `voting_votes:
  query: "SELECT vote AS option, COUNT(id) AS count FROM votes GROUP BY vote"
  master: true
  metrics:
    - option:
        usage: "LABEL"
        description: "Vote option as stored by the worker (a or b)"
    - count:
        usage: "GAUGE"
        description: "Votes recorded for the option"
`;

export const PGDATA_MOUNT = "/var/lib/postgresql/data";

export function postgresPod(images: AppImages): PodSpec {
  const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: DB_SECRET, key } } });
  const postgres = container("postgres", "postgres", images.postgres, {
    ports: [{ name: "postgres", containerPort: PORTS.postgres }],
    env: [
      { name: "POSTGRES_USER", ...fromSecret("username") },
      { name: "POSTGRES_PASSWORD", ...fromSecret("password") },
      // A subdirectory: the volume's root holds lost+found, which makes initdb refuse it.
      { name: "PGDATA", value: `${PGDATA_MOUNT}/pgdata` },
    ],
    volumeMounts: [{ name: "data", mountPath: PGDATA_MOUNT }],
    readinessProbe: { exec: { command: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] }, periodSeconds: 10, timeoutSeconds: 5 },
    livenessProbe: { ...tcpProbe("postgres"), initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
    startupProbe: { exec: { command: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] }, periodSeconds: 5, failureThreshold: 60 },
  });
  return podSpec([postgres], {
    securityContext: {
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
      fsGroup: IMAGE_PROFILES.postgres.group,
      fsGroupChangePolicy: "OnRootMismatch",
    },
  });
}

export function postgresExporterPod(images: AppImages, queriesConfigMap: pulumi.Input<string>): PodSpec {
  const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: DB_SECRET, key } } });
  const exporter = container("postgresExporter", "postgres-exporter", images.postgresExporter, {
    ports: [{ name: "metrics", containerPort: PORTS.postgresMetrics }],
    args: ["--extend.query-path=/etc/postgres-exporter/queries.yaml"],
    env: [
      { name: "DATA_SOURCE_URI", value: `${SERVICE_NAMES.db}:${PORTS.postgres}/postgres?sslmode=disable` },
      { name: "DATA_SOURCE_USER", ...fromSecret("username") },
      { name: "DATA_SOURCE_PASS", ...fromSecret("password") },
    ],
    volumeMounts: [{ name: "exporter-queries", mountPath: "/etc/postgres-exporter", readOnly: true }],
    readinessProbe: { ...httpProbe("metrics"), periodSeconds: 15 },
    livenessProbe: { ...tcpProbe("metrics"), periodSeconds: 30 },
  });
  return podSpec([exporter], { volumes: [{ name: "exporter-queries", configMap: { name: queriesConfigMap } }] });
}

// NetworkPolicies: deny everything, then allow exactly the app's conversations.
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export const to = (w: Workload, port: number) => ({ to: [{ podSelector: { matchLabels: selector(w) } }], ports: [{ protocol: "TCP", port }] });
const from = (ws: Workload[], port: number) => ({ from: ws.map((w) => ({ podSelector: { matchLabels: selector(w) } })), ports: [{ protocol: "TCP", port }] });
const fromNamespace = (namespace: string, port: number) => ({
  from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } }],
  ports: [{ protocol: "TCP", port }],
});
const fromAnywhere = (port: number) => ({ ports: [{ protocol: "TCP", port }] });

/**
 * @param backupClients the backup CronJob's and the restore Job's pods reach the database too
 * (their own egress policies come with them: components/voting-app/backup.ts).
 */
export function networkPolicies(monitoringNamespace: string, backupClients = false): Record<string, NetworkPolicySpec> {
  return {
    "default-deny": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    "allow-dns": {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    },
    vote: { podSelector: { matchLabels: selector("vote") }, policyTypes: ["Ingress", "Egress"], ingress: [fromAnywhere(PORTS.vote)], egress: [to("redis", PORTS.redis)] },
    result: { podSelector: { matchLabels: selector("result") }, policyTypes: ["Ingress", "Egress"], ingress: [fromAnywhere(PORTS.result)], egress: [to("db", PORTS.postgres)] },
    worker: { podSelector: { matchLabels: selector("worker") }, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [to("redis", PORTS.redis), to("db", PORTS.postgres)] },
    redis: {
      podSelector: { matchLabels: selector("redis") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [from(["vote", "worker", "redis-exporter"], PORTS.redis)],
      egress: [],
    },
    db: {
      podSelector: { matchLabels: selector("db") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [from(["worker", "result", "postgres-exporter", ...(backupClients ? (["postgres-backup", "postgres-restore"] as const) : [])], PORTS.postgres)],
      egress: [],
    },
    "redis-exporter": {
      podSelector: { matchLabels: selector("redis-exporter") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [fromNamespace(monitoringNamespace, PORTS.redisMetrics)],
      egress: [to("redis", PORTS.redis)],
    },
    "postgres-exporter": {
      podSelector: { matchLabels: selector("postgres-exporter") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [fromNamespace(monitoringNamespace, PORTS.postgresMetrics)],
      egress: [to("db", PORTS.postgres)],
    },
  };
}
