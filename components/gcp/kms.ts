import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface SecretsKeyArgs {
  readonly clusterName: string;
  readonly project: string;
  readonly region: string;
}

export interface SecretsKey {
  readonly key: gcp.kms.CryptoKey;
  /** The GKE service agent's grant on the key: cluster creation fails without it. */
  readonly agentGrant: gcp.kms.CryptoKeyIAMMember;
}

/**
 * Envelope encryption of Secrets with Cloud KMS. Key rings cannot be deleted in GCP: one outlives
 * `pulumi destroy`, so its name carries a random suffix, or a re-created stack would collide with its
 * predecessor's ring. `opts.dependsOn` must include the enabled APIs (cloudkms, container,
 * cloudresourcemanager, serviceusage's generateServiceIdentity needs the service enabled).
 */
export function createSecretsKey(name: string, args: SecretsKeyArgs, parent: pulumi.Resource, provider: gcp.Provider, dependsOn: readonly pulumi.Resource[]): SecretsKey {
  const o = { parent, provider, dependsOn: [...dependsOn] };
  const suffix = new random.RandomId(`${name}-ring-suffix`, { byteLength: 3 }, { parent });
  const ring = new gcp.kms.KeyRing(`${name}-ring`, { name: pulumi.interpolate`${args.clusterName}-${suffix.hex}`, location: args.region }, { ...o, retainOnDelete: true });
  const key = new gcp.kms.CryptoKey(`${name}-secrets`, { name: `${args.clusterName}-secrets`, keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" }, o);
  // The GKE service agent exists only once GKE has made it for the project; naming it before that
  // fails the grant ("Service account ... does not exist"). A ServiceIdentity makes it exist
  // (Service Usage generateServiceIdentity; in @pulumi/gcp, which is built from the beta provider).
  // The grant names the documented address (service-<project number>@container-engine-robot...,
  // https://cloud.google.com/iam/docs/service-agents), known at preview, and only depends on the
  // identity: its `email` is unknown until it exists (and not returned for every service:
  // hashicorp/terraform-provider-google#18649), and `member` is ForceNew, so building on it would
  // show every existing stack's grant as a replacement in previews.
  const agent = new gcp.projects.ServiceIdentity(`${name}-gke-agent`, { project: args.project, service: "container.googleapis.com" }, o);
  // An output-form invoke with dependsOn waits for the APIs (on a fresh project the lookup would
  // otherwise run before cloudresourcemanager is enabled).
  const projectNumber = gcp.organizations.getProjectOutput({ projectId: args.project }, { provider, dependsOn: [...dependsOn] }).number;
  const agentGrant = new gcp.kms.CryptoKeyIAMMember(
    `${name}-gke-agent`,
    {
      cryptoKeyId: key.id,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      // The GKE service agent encrypts and decrypts Secrets; without this grant cluster creation fails.
      member: pulumi.interpolate`serviceAccount:${gkeServiceAgent(projectNumber)}`,
    },
    { ...o, dependsOn: [...o.dependsOn, agent] },
  );
  return { key, agentGrant };
}

/** The GKE service agent of a project (https://cloud.google.com/iam/docs/service-agents). */
export function gkeServiceAgent(projectNumber: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}
