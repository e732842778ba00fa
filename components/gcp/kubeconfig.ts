// The kubeconfig for a GKE cluster through its DNS-based endpoint (pure: tested as text).
//
// What `gcloud container clusters get-credentials --dns-endpoint` writes (googlecloudsdk
// api_lib/container/kubeconfig.py: Cluster(), _ExecAuthPlugin()): the DNS name as server and no
// certificate-authority-data, since the DNS endpoint presents a publicly trusted certificate (the
// cluster CA would not verify it); the gke-gcloud-auth-plugin exec with provideClusterInfo.
//
// No `--use_application_default_credentials`: gcloud itself refuses to write that flag together
// with the DNS endpoint (kubeconfig.py raises DNSEndpointOrUseApplicationDefaultCredentialsError),
// and whether the DNS endpoint accepts the plain OAuth token the flag yields for a user's ADC is
// unverified. Without it the plugin runs `gcloud config config-helper` and authenticates as gcloud's
// active account (kubernetes/cloud-provider-gcp, cmd/gke-gcloud-auth-plugin/cred/cred.go): a
// laptop needs `gcloud auth login` (the README's Path C does it), CI gets gcloud signed in by the
// google-github-actions/auth + setup-gcloud steps, a GCE VM by its metadata server.

import * as pulumi from "@pulumi/pulumi";

/** No endpoint to write: shown by Pulumi as a message, without a stack trace. */
export class GkeEndpointError extends pulumi.RunError {}

/** A DNS name: what the DNS-based endpoint is (`gke-<hash>-<number>.<location>.gke.goog`). */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Refuses to build a kubeconfig without an endpoint: a server of `https://` would send every
 * Kubernetes call of the program nowhere, far from the cause. GKE always reports the DNS-based
 * endpoint (API: ControlPlaneEndpointsConfig.DNSEndpointConfig.endpoint); missing, the cluster was
 * not created the way this program creates it.
 */
export function gkeKubeconfig(contextName: string, dnsEndpoint: string | undefined): string {
  if (dnsEndpoint === undefined || !DNS_NAME.test(dnsEndpoint)) {
    throw new GkeEndpointError(
      `GKE cluster ${contextName}: no DNS-based control-plane endpoint in controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint (got ${JSON.stringify(dnsEndpoint ?? null)}), so no kubeconfig can be written. ` +
        "GKE reports one for every cluster this program creates; check the cluster with `gcloud container clusters describe <name> --location <location> --format 'value(controlPlaneEndpointsConfig)'`.",
    );
  }
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: contextName, cluster: { server: `https://${dnsEndpoint}` } }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
    "current-context": contextName,
    users: [
      {
        name: contextName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin)",
            provideClusterInfo: true,
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
