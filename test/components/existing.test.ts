import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExistingPlatform } from "../../components/existing";
import { only, registered } from "../helpers/mock-runtime";

describe("ExistingPlatform", () => {
  it("builds a provider for the named context with a clusterIdentifier that names the context", async () => {
    let platform: ExistingPlatform | undefined;
    const records = await registered(() => {
      platform = new ExistingPlatform("local", { kubeconfig: "/tmp/kind.yaml", context: "kind-voting" });
    });
    const component = only(records, "voting-platform:existing:ExistingPlatform");
    const provider = only(records, "pulumi:providers:kubernetes");
    assert.equal(provider.parent, component.urn);
    assert.equal(provider.name, "local-k8s");
    assert.equal(provider.inputs["context"], "kind-voting");
    assert.equal(provider.inputs["kubeconfig"], "/tmp/kind.yaml");
    assert.equal(provider.inputs["clusterIdentifier"], "existing/kind-voting");
    assert.ok(platform);
    assert.deepEqual(platform.exposure, { type: "NodePort" });
    assert.equal(platform.storageClassName, "standard");
    assert.deepEqual(platform.metricsTargets, { controlPlane: false, clusterDns: "coredns" }, "kind/kubeadm bind the control plane's metrics to localhost");
    assert.equal(platform.kubeconfig, undefined, "an existing cluster's credentials are not copied into state");
    assert.deepEqual(platform.workloadsWaitFor, [], "a running cluster: workloads wait for nothing");
  });

  it("leaves the kubeconfig to the provider's loading rules when no path is given, and can use LoadBalancer", async () => {
    let platform: ExistingPlatform | undefined;
    const records = await registered(() => {
      platform = new ExistingPlatform("mk", { context: "minikube", serviceType: "LoadBalancer", storageClassName: "fast", scrapeControlPlane: true });
    });
    const provider = only(records, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs["kubeconfig"], undefined);
    assert.equal(provider.inputs["clusterIdentifier"], "existing/minikube");
    assert.deepEqual(platform?.exposure, { type: "LoadBalancer", annotations: {} });
    assert.equal(platform?.storageClassName, "fast");
    assert.equal(platform?.metricsTargets.controlPlane, true, "turned on for a cluster that exposes them");
  });
});
