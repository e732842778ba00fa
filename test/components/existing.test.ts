import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ExistingPlatform, NODE_PORTS } from "../../components/existing";
import { ROOT, planJson } from "../helpers/plan";
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
    assert.deepEqual(platform.exposure, { type: "NodePort", nodePorts: { vote: 30080, result: 30081 } });
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
    assert.deepEqual(platform?.exposure, { type: "LoadBalancer", annotations: {}, sourceRanges: [] });
    assert.equal(platform?.storageClassName, "fast");
    assert.equal(platform?.metricsTargets.controlPlane, true, "turned on for a cluster that exposes them");
  });

  it("fixes the NodePorts that kind-config.yaml maps to localhost:8080 and :8081, as the stack outputs say", () => {
    const kind = parse(readFileSync(path.join(ROOT, "kind-config.yaml"), "utf8")) as { nodes: { extraPortMappings: { containerPort: number; hostPort: number }[] }[] };
    const mappings = kind.nodes[0]!.extraPortMappings;
    assert.deepEqual(mappings.map((m) => m.containerPort), [NODE_PORTS.vote, NODE_PORTS.result]);
    const d = planJson("local");
    for (const [app, m] of [["vote", mappings[0]!], ["result", mappings[1]!]] as const) {
      const svc = d.resources.find((r) => r.type === "kubernetes:core/v1:Service" && (r.inputs["metadata"] as { name: string }).name === app)!;
      assert.deepEqual((svc.inputs["spec"] as { ports: { nodePort: number }[] }).ports[0]!.nodePort, NODE_PORTS[app]);
      assert.ok(String(d.outputs[`${app}Url`]).startsWith(`http://localhost:${m.hostPort} `), String(d.outputs[`${app}Url`]));
      // kind (kubeadm) accepts only NodePorts in the default service-node-port-range.
      assert.ok(NODE_PORTS[app] >= 30000 && NODE_PORTS[app] <= 32767);
    }
  });
});
