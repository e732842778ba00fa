// Alert rules for the voting app (PrometheusRule groups), from metrics that kube-state-metrics
// and the app's exporters produce.

export interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "warning" | "critical" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** The backup CronJob to watch, and how old its last success may get before someone is told. */
export interface BackupWatch {
  readonly cronJob: string;
  readonly maxAgeHours: number;
}

/**
 * How old the last successful backup may be: one and a half schedule intervals plus the job's hour
 * of run time (a daily schedule: 37 h), so one late or retried run does not alert, a missed one does.
 */
export function backupMaxAgeHours(runsPerDay: number): number {
  return Math.ceil((24 / runsPerDay) * 1.5 + 1);
}

/**
 * The backup alert's PromQL: the last success too old, or no success at all and the CronJob older
 * than the limit. Pure: tests read it.
 */
export function backupMissingExpr(ns: string, cronJob: string, maxAgeHours: number): string {
  const sel = `{namespace="${ns}",cronjob="${cronJob}"}`;
  const limit = maxAgeHours * 3600;
  return `(time() - kube_cronjob_status_last_successful_time${sel} > ${limit}) or (time() - kube_cronjob_created${sel} > ${limit} unless on (namespace, cronjob) kube_cronjob_status_last_successful_time${sel})`;
}

export function alertRules(ns: string, backup?: BackupWatch): { name: string; rules: Rule[] }[] {
  return [
    {
      name: "voting-app",
      rules: [
        {
          alert: "VotingDeploymentNotReady",
          expr: `kube_deployment_status_replicas_available{namespace="${ns}",deployment=~"vote|result|worker|redis"} < kube_deployment_spec_replicas{namespace="${ns}",deployment=~"vote|result|worker|redis"}`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: { summary: "{{ $labels.deployment }} has unavailable replicas", description: "{{ $labels.deployment }} in {{ $labels.namespace }} has had fewer available replicas than desired for 5 minutes." },
        },
        {
          alert: "VotingDatabaseNotReady",
          expr: `kube_statefulset_status_replicas_ready{namespace="${ns}",statefulset="db"} < kube_statefulset_replicas{namespace="${ns}",statefulset="db"}`,
          for: "5m",
          labels: { severity: "critical" },
          annotations: { summary: "The db StatefulSet is not ready", description: "Postgres has not been ready for 5 minutes: votes are queueing in Redis and results are stale." },
        },
        {
          // The database as its exporter sees it: an outage of the app (votes stop being counted).
          alert: "VotingPostgresDown",
          expr: `pg_up{namespace="${ns}"} == 0`,
          for: "3m",
          labels: { severity: "critical" },
          annotations: { summary: "Postgres is down", description: "postgres_exporter cannot reach Postgres (pg_up == 0): votes queue in Redis and results are stale." },
        },
        {
          // The exporter gone is a monitoring gap, not an outage (it is a Deployment of its own:
          // the database keeps serving), so a warning; VotingDatabaseNotReady still watches the db.
          alert: "VotingPostgresExporterDown",
          expr: `absent(pg_up{namespace="${ns}"})`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: { summary: "postgres_exporter is not scraped", description: "No pg_up from postgres_exporter for 5 minutes: the database's metrics and VotingPostgresDown are blind." },
        },
        {
          alert: "VotingRedisDown",
          expr: `redis_up{namespace="${ns}"} == 0`,
          for: "3m",
          labels: { severity: "critical" },
          annotations: { summary: "Redis is down", description: "redis_exporter cannot reach Redis (redis_up == 0): new votes fail." },
        },
        {
          alert: "VotingRedisExporterDown",
          expr: `absent(redis_up{namespace="${ns}"})`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: { summary: "redis_exporter is not scraped", description: "No redis_up from redis_exporter for 5 minutes: the queue's metrics, VotingRedisDown and VotingQueueNotDraining are blind." },
        },
        {
          // The worker pops a vote every 100 ms; a queue that never empties for 10 minutes means it
          // is not draining. The current length on the left of `and`: that is what {{ $value }} shows.
          alert: "VotingQueueNotDraining",
          expr: `redis_key_size{namespace="${ns}",key="votes"} and min_over_time(redis_key_size{namespace="${ns}",key="votes"}[10m]) > 0`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: { summary: "Votes are piling up in Redis", description: "The votes queue has not been empty for 15 minutes ({{ $value }} waiting): the worker is down or cannot write to Postgres." },
        },
        ...(backup
          ? [
              {
                // kube-state-metrics emits kube_cronjob_status_last_successful_time only once the CronJob
                // has succeeded (internal/store/cronjob.go: if Status.LastSuccessfulTime != nil), so a
                // CronJob that never succeeded is caught by its age instead (kube_cronjob_created, STABLE,
                // same labels namespace and cronjob): either way the value is the seconds without a backup.
                alert: "VotingBackupMissing",
                expr: backupMissingExpr(ns, backup.cronJob, backup.maxAgeHours),
                for: "10m",
                labels: { severity: "warning" as const },
                annotations: {
                  summary: "No recent database backup",
                  description: `The ${backup.cronJob} CronJob has not succeeded for more than ${backup.maxAgeHours} h (or not once since it was created that long ago): see kubectl -n ${ns} get jobs and the failed Job's logs.`,
                },
              },
            ]
          : []),
      ],
    },
  ];
}
