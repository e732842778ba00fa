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

export function gkeKubeconfig(contextName: string, dnsEndpoint: string): string {
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
