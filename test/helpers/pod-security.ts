// The Pod Security Standards' checks ("baseline" and "restricted", latest version), written from
// https://kubernetes.io/docs/concepts/security/pod-security-standards/ (controls and allowed values
// as listed there for Kubernetes 1.35; the API server's implementation is k8s.io/pod-security-admission,
// policy/check_*.go). No npm package implements them. Each check returns the fields that break it;
// test/components/chart-pods.test.ts shows every one can fail.

import { arr, obj, type Obj } from "../../lib/json";

export type Level = "baseline" | "restricted";

/** Capabilities "baseline" lets a container add (the container runtime's default set). */
const BASELINE_CAPABILITIES = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
/** Sysctls "baseline" allows (the safe, namespaced set). */
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
/** Volume types "restricted" allows. */
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

interface Named {
  readonly where: string;
  readonly c: Obj;
}

function containersOf(spec: Obj): Named[] {
  return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((k) => arr(spec[k]).map(obj).map((c, i) => ({ where: `spec.${k}[${String(c["name"] ?? i)}]`, c })));
}

export interface Check {
  readonly control: string;
  readonly level: Level;
  /** The offending fields of a pod (its metadata and spec), [] when it passes. */
  readonly run: (meta: Obj, spec: Obj) => string[];
}

const sc = (c: Obj) => obj(c["securityContext"]);
const handlers = (c: Obj): Obj[] => [obj(c["livenessProbe"]), obj(c["readinessProbe"]), obj(c["startupProbe"]), obj(obj(c["lifecycle"])["postStart"]), obj(obj(c["lifecycle"])["preStop"])];

export const CHECKS: readonly Check[] = [
  {
    control: "HostProcess",
    level: "baseline",
    run: (_m, s) => [
      ...(obj(obj(s["securityContext"])["windowsOptions"])["hostProcess"] === true ? ["spec.securityContext.windowsOptions.hostProcess"] : []),
      ...containersOf(s).filter(({ c }) => obj(sc(c)["windowsOptions"])["hostProcess"] === true).map(({ where }) => `${where}.securityContext.windowsOptions.hostProcess`),
    ],
  },
  { control: "Host Namespaces", level: "baseline", run: (_m, s) => ["hostNetwork", "hostPID", "hostIPC"].filter((k) => s[k] === true).map((k) => `spec.${k}`) },
  { control: "Privileged Containers", level: "baseline", run: (_m, s) => containersOf(s).filter(({ c }) => sc(c)["privileged"] === true).map(({ where }) => `${where}.securityContext.privileged`) },
  {
    control: "Capabilities (baseline)",
    level: "baseline",
    run: (_m, s) => containersOf(s).flatMap(({ where, c }) => arr(obj(sc(c)["capabilities"])["add"]).filter((a) => !BASELINE_CAPABILITIES.includes(String(a))).map((a) => `${where}.securityContext.capabilities.add ${String(a)}`)),
  },
  { control: "HostPath Volumes", level: "baseline", run: (_m, s) => arr(s["volumes"]).map(obj).filter((v) => v["hostPath"] !== undefined).map((v) => `spec.volumes[${String(v["name"])}].hostPath`) },
  {
    control: "Host Ports",
    level: "baseline",
    run: (_m, s) => containersOf(s).flatMap(({ where, c }) => arr(c["ports"]).map(obj).filter((p) => p["hostPort"] !== undefined && p["hostPort"] !== 0).map((p) => `${where}.ports.hostPort ${String(p["hostPort"])}`)),
  },
  {
    control: "Host Probes / Lifecycle Hooks",
    level: "baseline",
    run: (_m, s) =>
      containersOf(s).flatMap(({ where, c }) =>
        handlers(c)
          .flatMap((h) => [obj(h["httpGet"])["host"], obj(h["tcpSocket"])["host"]])
          .filter((host) => host !== undefined && host !== "" && host !== "127.0.0.1" && host !== "::1")
          .map((host) => `${where} probe/lifecycle host ${String(host)}`),
      ),
  },
  {
    control: "AppArmor",
    level: "baseline",
    run: (m, s) => {
      const ok = (t: unknown) => t === undefined || t === "RuntimeDefault" || t === "Localhost";
      return [
        ...(ok(obj(obj(s["securityContext"])["appArmorProfile"])["type"]) ? [] : ["spec.securityContext.appArmorProfile.type"]),
        ...containersOf(s).filter(({ c }) => !ok(obj(sc(c)["appArmorProfile"])["type"])).map(({ where }) => `${where}.securityContext.appArmorProfile.type`),
        ...Object.entries(obj(m["annotations"]))
          .filter(([k, v]) => k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v !== "runtime/default" && !String(v).startsWith("localhost/"))
          .map(([k]) => `metadata.annotations[${k}]`),
      ];
    },
  },
  {
    control: "SELinux",
    level: "baseline",
    run: (_m, s) =>
      [{ where: "spec", o: obj(obj(s["securityContext"])["seLinuxOptions"]) }, ...containersOf(s).map(({ where, c }) => ({ where, o: obj(sc(c)["seLinuxOptions"]) }))]
        .filter(({ o }) => (o["type"] !== undefined && !SELINUX_TYPES.includes(String(o["type"]))) || (o["user"] ?? "") !== "" || (o["role"] ?? "") !== "")
        .map(({ where }) => `${where}.securityContext.seLinuxOptions`),
  },
  { control: "/proc Mount Type", level: "baseline", run: (_m, s) => containersOf(s).filter(({ c }) => sc(c)["procMount"] !== undefined && sc(c)["procMount"] !== "Default").map(({ where }) => `${where}.securityContext.procMount`) },
  {
    control: "Seccomp (baseline)",
    level: "baseline",
    run: (_m, s) => [
      ...(obj(obj(s["securityContext"])["seccompProfile"])["type"] === "Unconfined" ? ["spec.securityContext.seccompProfile.type Unconfined"] : []),
      ...containersOf(s).filter(({ c }) => obj(sc(c)["seccompProfile"])["type"] === "Unconfined").map(({ where }) => `${where}.securityContext.seccompProfile.type Unconfined`),
    ],
  },
  { control: "Sysctls", level: "baseline", run: (_m, s) => arr(obj(s["securityContext"])["sysctls"]).map(obj).filter((x) => !SAFE_SYSCTLS.includes(String(x["name"]))).map((x) => `spec.securityContext.sysctls ${String(x["name"])}`) },
  {
    control: "Volume Types",
    level: "restricted",
    run: (_m, s) =>
      arr(s["volumes"])
        .map(obj)
        .filter((v) => !Object.keys(v).some((k) => RESTRICTED_VOLUMES.includes(k)))
        .map((v) => `spec.volumes[${String(v["name"])}] ${Object.keys(v).filter((k) => k !== "name").join(",")}`),
  },
  { control: "Privilege Escalation", level: "restricted", run: (_m, s) => containersOf(s).filter(({ c }) => sc(c)["allowPrivilegeEscalation"] !== false).map(({ where }) => `${where}.securityContext.allowPrivilegeEscalation`) },
  {
    control: "Running as Non-root",
    level: "restricted",
    run: (_m, s) => {
      const pod = obj(s["securityContext"])["runAsNonRoot"];
      return [
        ...(pod === false ? ["spec.securityContext.runAsNonRoot false"] : []),
        ...containersOf(s)
          .filter(({ c }) => sc(c)["runAsNonRoot"] === false || (sc(c)["runAsNonRoot"] !== true && pod !== true))
          .map(({ where }) => `${where}.securityContext.runAsNonRoot`),
      ];
    },
  },
  {
    control: "Running as Non-root user",
    level: "restricted",
    run: (_m, s) => [
      ...(obj(s["securityContext"])["runAsUser"] === 0 ? ["spec.securityContext.runAsUser 0"] : []),
      ...containersOf(s).filter(({ c }) => sc(c)["runAsUser"] === 0).map(({ where }) => `${where}.securityContext.runAsUser 0`),
    ],
  },
  {
    control: "Seccomp (restricted)",
    level: "restricted",
    run: (_m, s) => {
      const ok = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
      const pod = obj(obj(s["securityContext"])["seccompProfile"])["type"];
      return [
        ...(pod !== undefined && !ok(pod) ? [`spec.securityContext.seccompProfile.type ${String(pod)}`] : []),
        ...containersOf(s)
          .filter(({ c }) => {
            const t = obj(sc(c)["seccompProfile"])["type"];
            return t === undefined ? !ok(pod) : !ok(t);
          })
          .map(({ where }) => `${where}.securityContext.seccompProfile`),
      ];
    },
  },
  {
    control: "Capabilities (restricted)",
    level: "restricted",
    run: (_m, s) =>
      containersOf(s).flatMap(({ where, c }) => {
        const caps = obj(sc(c)["capabilities"]);
        return [
          ...(arr(caps["drop"]).includes("ALL") ? [] : [`${where}.securityContext.capabilities.drop lacks ALL`]),
          ...arr(caps["add"]).filter((a) => a !== "NET_BIND_SERVICE").map((a) => `${where}.securityContext.capabilities.add ${String(a)}`),
        ];
      }),
  },
];

/** What a pod (metadata, spec) breaks at a level: "restricted" includes every "baseline" check. */
export function podSecurityViolations(level: Level, meta: Obj, spec: Obj): string[] {
  return CHECKS.filter((c) => level === "restricted" || c.level === "baseline").flatMap((c) => c.run(meta, spec).map((f) => `${c.control}: ${f}`));
}
