import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels } from "../pod-security";
import { statefulSetClaim } from "../volumes";
import type { ExposedApp, ServiceExposure } from "../platform";
import {
  CLAIM_TEMPLATE_LABELS,
  DB_SECRET,
  METRICS_LABEL,
  PORTS,
  POSTGRES_EXPORTER_QUERIES,
  SERVICE_NAMES,
  labels,
  networkPolicies,
  postgresExporterPod,
  postgresPod,
  redisExporterPod,
  redisPod,
  resultPod,
  selector,
  votePod,
  workerPod,
  type AppImages,
  type Workload,
} from "./manifests";

export interface VotingAppArgs {
  /** @default "voting" */
  readonly namespace?: string;
  readonly images: AppImages;
  readonly optionA: string;
  readonly optionB: string;
  readonly replicas: { readonly vote: number; readonly result: number; readonly worker: number };
  readonly voteMaxReplicas: number;
  readonly databaseStorageGb: number;
  /** Resolves once the database size may be applied (the program's no-shrink check). @default none */
  readonly storageSizeGate?: pulumi.Input<unknown>;
  readonly storageClassName: pulumi.Input<string>;
  readonly exposure: ServiceExposure;
  /** The database backup's pods (components/voting-app/backup.ts) may connect to db. @default false */
  readonly backupClients?: boolean;
  /** Namespace allowed to scrape the exporters. @default "monitoring" */
  readonly monitoringNamespace?: string;
  /** Keep the namespace and the database when the stack is destroyed (retainOnDelete). */
  readonly retainData: boolean;
  /** Pulumi `protect` on the namespace and the database. */
  readonly protectData: boolean;
  /**
   * What every object of the app waits for (the platform's `workloadsWaitFor`: nodes and cluster
   * DNS). Put on each object, not on the component: children do not inherit a component's dependsOn.
   * @default []
   */
  readonly waitFor?: readonly pulumi.Resource[];
}

export const VOTING_NAMESPACE = "voting";
/** The Ingress's name where one Ingress serves both apps (layout "single"). */
export const SINGLE_INGRESS = "apps";

/** vote, result, worker, Redis and Postgres, with exporters, NetworkPolicies, HPA and PDBs. */
export class VotingApp extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly voteUrl: pulumi.Output<string>;
  readonly resultUrl: pulumi.Output<string>;
  /** The load balancer's host name where the app is behind an Ingress (for DNS records); else undefined. */
  readonly loadBalancerAddress: pulumi.Output<string> | undefined;
  /** What a job reaching the database in this namespace needs to exist: the namespace and the Secret with its credentials. */
  readonly databaseClientPrerequisites: readonly pulumi.Resource[];

  constructor(name: string, args: VotingAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:app:VotingApp", name, {}, opts);
    const ns = args.namespace ?? VOTING_NAMESPACE;
    this.namespace = ns;
    const child = { parent: this };
    const stateful = { ...child, protect: args.protectData, retainOnDelete: args.retainData };
    const waitFor = args.waitFor ?? [];

    // Deleting the namespace deletes the database's claim, so it is kept like the database.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: ns,
          labels: { ...labels(), ...podSecurityLabels("restricted"), ...(args.exposure.type === "Ingress" ? args.exposure.namespaceLabels : {}) },
        },
      },
      { ...stateful, dependsOn: [...waitFor] },
    );
    const inNs = { ...child, dependsOn: [namespace, ...waitFor] };
    const meta = (objName: string, workload?: Workload, extra: Record<string, string> = {}) => ({
      name: objName,
      namespace: ns,
      labels: { ...labels(workload, workload ? undefined : "network-policy"), ...extra },
    });

    // The images require postgres/postgres (hard-coded in worker and result); it still lives in
    // a Secret, referenced by name (the Kubernetes SDK marks stringData secret in Pulumi state).
    const secret = new k8s.core.v1.Secret(
      `${name}-db-credentials`,
      { metadata: meta(DB_SECRET, "db"), type: "Opaque", stringData: { username: "postgres", password: "postgres" } },
      inNs,
    );
    this.databaseClientPrerequisites = [namespace, secret];
    const queries = new k8s.core.v1.ConfigMap(`${name}-exporter-queries`, { metadata: meta("postgres-exporter-queries", "postgres-exporter"), data: { "queries.yaml": POSTGRES_EXPORTER_QUERIES } }, inNs);

    // replicas undefined: an HPA owns the count (see below).
    const deployment = (workload: Workload, replicas: number | undefined, spec: k8s.types.input.core.v1.PodSpec, extraDeps: pulumi.Resource[] = []) =>
      new k8s.apps.v1.Deployment(
        `${name}-${workload}`,
        {
          metadata: meta(workload, workload),
          spec: {
            ...(replicas === undefined ? {} : { replicas }),
            revisionHistoryLimit: 3,
            selector: { matchLabels: selector(workload) },
            template: { metadata: { labels: labels(workload) }, spec },
          },
        },
        { ...inNs, dependsOn: [...inNs.dependsOn, ...extraDeps] },
      );

    deployment("redis", 1, redisPod(args.images));
    // No spec.replicas under the HPA: with it, the next `pulumi up` after the HPA has scaled
    // either fails on a server-side-apply conflict over .spec.replicas or (forced) drops vote back
    // to its minimum. Unset, the API server defaults it to 1 at creation and the HPA (minReplicas =
    // the preset) takes over (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling).
    const vote = deployment("vote", undefined, votePod(args.images, args.optionA, args.optionB));
    deployment("result", args.replicas.result, resultPod(args.images));
    deployment("worker", args.replicas.worker, workerPod(args.images));
    deployment("redis-exporter", 1, redisExporterPod(args.images));
    deployment("postgres-exporter", 1, postgresExporterPod(args.images, queries.metadata.name), [secret]);

    // The claim first (see statefulSetClaim): created before the StatefulSet on a first install,
    // grown before any rollout of the StatefulSet later.
    const dataClaim = statefulSetClaim(
      `${name}-db-data`,
      { claimName: DATA_CLAIM, namespace: ns, sizeGb: args.databaseStorageGb, storageClassName: args.storageClassName, labels: { ...CLAIM_TEMPLATE_LABELS, ...selector("db") }, sizeGate: args.storageSizeGate },
      { ...child, dependsOn: [...inNs.dependsOn] },
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-db`,
      {
        metadata: meta("db", "db"),
        spec: {
          serviceName: SERVICE_NAMES.db,
          replicas: 1,
          selector: { matchLabels: selector("db") },
          // Claims outlive the StatefulSet (the default, stated): a deleted StatefulSet loses no votes.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          template: { metadata: { labels: labels("db") }, spec: postgresPod(args.images) },
          volumeClaimTemplates: [
            {
              metadata: { name: DATA_CLAIM_TEMPLATE, labels: { ...CLAIM_TEMPLATE_LABELS } },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClassName,
                resources: { requests: { storage: `${args.databaseStorageGb}Gi` } },
              },
            },
          ],
        },
      },
      // volumeClaimTemplates are immutable: a change would replace the StatefulSet (and on a new
      // size the old claim would keep its size anyway). The template keeps what it was created
      // with; the claim itself is resized in place (above).
      { ...stateful, dependsOn: [...inNs.dependsOn, secret, dataClaim], ignoreChanges: ["spec.volumeClaimTemplates"] },
    );

    // Services. redis and db: the names the images hard-code.
    const clusterIp = (svcName: string, workload: Workload, port: number, portName: string, extraLabels: Record<string, string> = {}) =>
      new k8s.core.v1.Service(
        `${name}-svc-${svcName}`,
        { metadata: meta(svcName, workload, extraLabels), spec: { type: "ClusterIP", selector: selector(workload), ports: [{ name: portName, port, targetPort: portName }] } },
        inNs,
      );
    clusterIp(SERVICE_NAMES.redis, "redis", PORTS.redis, "redis");
    clusterIp(SERVICE_NAMES.db, "db", PORTS.postgres, "postgres");
    // Separate metrics Services: the app's Services expose only what the app uses.
    clusterIp("redis-metrics", "redis-exporter", PORTS.redisMetrics, "metrics", { [METRICS_LABEL]: "true" });
    clusterIp("db-metrics", "postgres-exporter", PORTS.postgresMetrics, "metrics", { [METRICS_LABEL]: "true" });

    const exposure = args.exposure;
    // The objects the Ingress controller reads beside the Ingress (GKE: the ManagedCertificate, the
    // FrontendConfig and the BackendConfigs the Services name), applied before the Services and
    // the Ingress, so that no Service names a BackendConfig that does not exist yet.
    const companions =
      exposure.type === "Ingress"
        ? exposure.companions.map(
            (c) =>
              new k8s.apiextensions.CustomResource(
                `${name}-${c.kind.toLowerCase()}-${c.name}`,
                { apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.name, namespace: ns, labels: labels(undefined, "exposure") }, spec: { ...c.spec } },
                { ...inNs, dependsOn: [...inNs.dependsOn, ...exposure.dependsOn] },
              ),
          )
        : [];
    const exposed = (workload: ExposedApp) =>
      new k8s.core.v1.Service(
        `${name}-svc-${workload}`,
        { metadata: { ...meta(workload, workload), annotations: serviceAnnotations(exposure, workload) }, spec: exposedServiceSpec(exposure, workload) },
        { ...inNs, dependsOn: [...inNs.dependsOn, ...companions] },
      );
    const voteSvc = exposed("vote");
    const resultSvc = exposed("result");

    let ingresses: Partial<Record<ExposedApp, k8s.networking.v1.Ingress>> = {};
    if (exposure.type === "Ingress") {
      const rule = (app: ExposedApp) => {
        const route = exposure.routes[app];
        return {
          ...(route.host ? { host: route.host } : {}),
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: SERVICE_NAMES[app], port: { name: "http" } } } }] },
        };
      };
      const ingress = (resourceName: string, objName: string, workload: ExposedApp | undefined, apps: readonly ExposedApp[]) =>
        new k8s.networking.v1.Ingress(
          resourceName,
          {
            metadata: { ...(workload ? meta(objName, workload) : { name: objName, namespace: ns, labels: labels(undefined, "exposure") }), annotations: Object.assign({}, ...apps.map((a) => exposure.routes[a].annotations)) },
            spec: { ...(exposure.ingressClassName ? { ingressClassName: exposure.ingressClassName } : {}), rules: apps.map(rule) },
          },
          // Pulumi waits for the load balancer's address in the status (10 minutes by default); a
          // GKE load balancer with NEGs can take longer on a first deploy.
          { ...child, dependsOn: [...inNs.dependsOn, ...apps.map((a) => (a === "vote" ? voteSvc : resultSvc)), ...companions, ...exposure.dependsOn], customTimeouts: { create: "20m" } },
        );
      if (exposure.layout === "single") {
        // One Ingress is one load balancer here: both apps on it, told apart by host.
        if (!exposure.routes.vote.host || !exposure.routes.result.host) throw new Error("a single Ingress serves vote and result by host: both routes need one");
        const shared = ingress(`${name}-ingress`, SINGLE_INGRESS, undefined, ["vote", "result"]);
        ingresses = { vote: shared, result: shared };
      } else {
        ingresses = { vote: ingress(`${name}-ingress-vote`, "vote", "vote", ["vote"]), result: ingress(`${name}-ingress-result`, "result", "result", ["result"]) };
      }
    }

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-vote`,
      {
        metadata: meta("vote", "vote"),
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: vote.metadata.name },
          minReplicas: args.replicas.vote,
          maxReplicas: args.voteMaxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
        },
      },
      inNs,
    );

    for (const [workload, replicas] of [
      ["vote", args.replicas.vote],
      ["result", args.replicas.result],
      ["worker", args.replicas.worker],
    ] as const) {
      if (replicas > 1) {
        new k8s.policy.v1.PodDisruptionBudget(`${name}-${workload}`, { metadata: meta(workload, workload), spec: { maxUnavailable: 1, selector: { matchLabels: selector(workload) } } }, inNs);
      }
    }

    for (const [policyName, spec] of Object.entries(networkPolicies(args.monitoringNamespace ?? "monitoring", args.backupClients ?? false))) {
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policyName}`, { metadata: meta(policyName), spec }, inNs);
    }

    this.voteUrl = ingresses.vote ? ingressUrl(ingresses.vote, ns, "vote", args.exposure) : serviceUrl(voteSvc, ns, "vote", 8080, args.exposure);
    this.resultUrl = ingresses.result ? ingressUrl(ingresses.result, ns, "result", args.exposure) : serviceUrl(resultSvc, ns, "result", 8081, args.exposure);
    this.loadBalancerAddress = ingresses.vote ? ingresses.vote.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? s?.loadBalancer?.ingress?.[0]?.ip ?? "") : undefined;
    this.registerOutputs({ namespace: ns, voteUrl: this.voteUrl, resultUrl: this.resultUrl });
  }
}

/** The claim template's name: the StatefulSet controller names the claim `<template>-<statefulset>-<ordinal>`. */
export const DATA_CLAIM_TEMPLATE = "data";
export const DATA_CLAIM = `${DATA_CLAIM_TEMPLATE}-${SERVICE_NAMES.db}-0`;

/** The annotations of an exposed Service: its target group's settings behind an Ingress, stickiness for result. */
export function serviceAnnotations(exposure: ServiceExposure, app: ExposedApp): Record<string, string> {
  switch (exposure.type) {
    case "LoadBalancer":
      return { ...exposure.annotations };
    case "Ingress":
      return { ...exposure.serviceAnnotations, ...(app === "result" ? exposure.stickyServiceAnnotations : {}) };
    case "NodePort":
      return {};
  }
}

/**
 * The spec of vote's or result's Service. result pushes updates over socket.io, which needs every
 * request of a session on the same pod: behind a load balancer that keeps ClientIP affinity
 * (GKE) the Service asks for it; behind an Ingress the load balancer's stickiness does it (IP
 * targets bypass kube-proxy, so the Service's affinity would mean nothing there).
 */
export function exposedServiceSpec(exposure: ServiceExposure, app: ExposedApp): k8s.types.input.core.v1.ServiceSpec {
  const port = { name: "http", port: 80, targetPort: "http" };
  const base = { selector: selector(app) };
  switch (exposure.type) {
    case "Ingress":
      return { ...base, type: "ClusterIP", ports: [port] };
    case "NodePort":
      return { ...base, type: "NodePort", ports: [{ ...port, nodePort: exposure.nodePorts[app] }], ...(app === "result" ? { sessionAffinity: "ClientIP" } : {}) };
    case "LoadBalancer":
      return {
        ...base,
        type: "LoadBalancer",
        ports: [port],
        ...(exposure.sourceRanges.length ? { loadBalancerSourceRanges: [...exposure.sourceRanges] } : {}),
        ...(app === "result" ? { sessionAffinity: "ClientIP" } : {}),
      };
  }
}

/** The URL of an app behind an Ingress: its host, or the load balancer's address, with the route's scheme and port. */
function ingressUrl(ingress: k8s.networking.v1.Ingress, ns: string, app: ExposedApp, exposure: ServiceExposure): pulumi.Output<string> {
  if (exposure.type !== "Ingress") throw new Error("ingressUrl needs an Ingress exposure");
  const { host, url } = exposure.routes[app];
  const port = (url.scheme === "http" && url.port === 80) || (url.scheme === "https" && url.port === 443) ? "" : `:${url.port}`;
  if (host) return pulumi.output(`${url.scheme}://${host}${port}`);
  return ingress.status.apply((s) => {
    const lb = s?.loadBalancer?.ingress?.[0];
    const address = lb?.hostname ?? lb?.ip;
    return address ? `${url.scheme}://${address}${port}` : `(pending: kubectl -n ${ns} get ingress ${app})`;
  });
}

/** A URL to open: the load balancer's address, or the port-forward that reaches a NodePort Service on a laptop cluster. */
function serviceUrl(svc: k8s.core.v1.Service, ns: string, name: string, localPort: number, exposure: ServiceExposure): pulumi.Output<string> {
  if (exposure.type === "NodePort") {
    const nodePort = exposure.nodePorts[name as ExposedApp];
    return pulumi.output(`http://localhost:${localPort} (kind created with kind-config.yaml maps it to NodePort ${nodePort}; otherwise: kubectl -n ${ns} port-forward svc/${name} ${localPort}:80)`);
  }
  return svc.status.apply((s) => {
    const ingress = s?.loadBalancer?.ingress?.[0];
    const host = ingress?.hostname ?? ingress?.ip;
    return host ? `http://${host}` : `(pending: kubectl -n ${ns} get svc ${name})`;
  });
}
