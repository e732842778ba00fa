// The kubeconfig for a GKE cluster through its DNS-based endpoint (pure: tested as text).
//
// What `gcloud container clusters get-credentials --dns-endpoint` writes (googlecloudsdk
// api_lib/container/kubeconfig.py: Cluster(), _ExecAuthPlugin()): the DNS name as server and no
// certificate-authority-data, since the DNS endpoint presents a publicly trusted certificate (the
// cluster CA would not verify it); the gke-gcloud-auth-plugin exec with provideClusterInfo.
//
// `--use_application_default_credentials`: gke-gcloud-auth-plugin otherwise runs `gcloud config
// config-helper` and authenticates as gcloud's active account; with the flag it takes a token from
// Google's application-default credentials (kubernetes/cloud-provider-gcp,
// cmd/gke-gcloud-auth-plugin/cred/cred.go: accessToken, defaultAccessToken). Those are what the
// Pulumi gcp provider uses too: `gcloud auth application-default login` on a laptop, the
// google-github-actions/auth step (GOOGLE_APPLICATION_CREDENTIALS) in CI, the metadata server on GCE.

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
            args: ["--use_application_default_credentials"],
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin)",
            provideClusterInfo: true,
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
