// What each image needs to run as strictly as it allows (Pod Security "restricted" for all):
// no root, no privilege escalation, no capabilities, read-only root filesystem, RuntimeDefault
// seccomp. The writable paths each process needs are emptyDir volumes.

import type * as k8s from "@pulumi/kubernetes";

type SecurityContext = k8s.types.input.core.v1.SecurityContext;

export interface ImageProfile {
  /** The UID/GID to run as: the image's own user when it has one, else an unprivileged ID. */
  readonly user: number;
  readonly group: number;
  /** Directories the process writes to, mounted as emptyDir (the root filesystem is read-only). */
  readonly writablePaths: readonly string[];
  /** Why these settings, for the README and reviewers. */
  readonly why: string;
}

export const IMAGE_PROFILES = {
  // python:3.11-slim, no USER: runs as root by default, but nothing needs root. gunicorn binds :80,
  // allowed for non-root by the pod's net.ipv4.ip_unprivileged_port_start=0 sysctl (namespaced and
  // in the "safe" set Pod Security allows). gunicorn's worker heartbeat files go to /tmp.
  vote: { user: 10001, group: 10001, writablePaths: ["/tmp"], why: "no USER in the image; gunicorn binds :80 via the unprivileged-port sysctl; heartbeat files in /tmp" },
  // node:18-slim has the `node` user (1000). server.js listens on $PORT (the image sets 80).
  result: { user: 1000, group: 1000, writablePaths: ["/tmp"], why: "the image's node user; :80 via the unprivileged-port sysctl" },
  // dotnet/runtime:7.0, no USER. The runtime's diagnostics IPC socket would go to /tmp; turned off.
  worker: { user: 10001, group: 10001, writablePaths: ["/tmp"], why: "no USER in the image; .NET diagnostics off (DOTNET_EnableDiagnostics=0) so /tmp stays empty" },
  // redis:alpine's entrypoint drops from root to the image's redis user (999, group 1000) itself;
  // started as that user it skips the chown. /data is the working directory.
  redis: { user: 999, group: 1000, writablePaths: ["/data"], why: "the image's redis user, started directly (the entrypoint skips its root-only chown)" },
  // postgres:15-alpine's postgres user is 70:70. initdb works as that user when PGDATA is writable
  // (fsGroup 70 on the volume); the socket directory and /tmp are emptyDirs.
  postgres: { user: 70, group: 70, writablePaths: ["/var/run/postgresql", "/tmp"], why: "the alpine image's postgres user (70); fsGroup makes the volume writable for initdb" },
  // Exporters ship fixed non-root users.
  redisExporter: { user: 59000, group: 59000, writablePaths: [], why: "USER 59000:59000 in the image" },
  postgresExporter: { user: 65534, group: 65534, writablePaths: [], why: "USER nobody in the image" },
} as const satisfies Record<string, ImageProfile>;

export type ImageName = keyof typeof IMAGE_PROFILES;

export function containerSecurityContext(name: ImageName): SecurityContext {
  const p = IMAGE_PROFILES[name];
  return {
    runAsNonRoot: true,
    runAsUser: p.user,
    runAsGroup: p.group,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
