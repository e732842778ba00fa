import type * as gcp from "@pulumi/gcp";
import type * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NODE_SERVICE_ACCOUNT_ROLES, serviceAccountId } from "../../components/gcp";
import { gkeKubeconfig } from "../../components/gcp/kubeconfig";
import { planJson } from "../helpers/plan";
import { all, find, inputsOf } from "../helpers/records";

interface Expect {
  location: string;
  deletionProtection: boolean;
  spot: boolean;
  machineType: string;
  autoscaling: { totalMinNodeCount: number; totalMaxNodeCount: number; locationPolicy: string };
  initialNodeCount: number;
  encrypted: boolean;
  reclaimPolicy: string;
  logging: string[];
}

const expected: Record<string, Expect> = {
  "gcp-dev": {
    location: "us-central1-b",
    deletionProtection: false,
    spot: true,
    machineType: "e2-standard-2",
    autoscaling: { totalMinNodeCount: 2, totalMaxNodeCount: 4, locationPolicy: "BALANCED" },
    initialNodeCount: 2,
    encrypted: false,
    reclaimPolicy: "Delete",
    logging: ["SYSTEM_COMPONENTS"],
  },
  "gcp-prod": {
    location: "us-central1",
    deletionProtection: true,
    spot: false,
    machineType: "e2-standard-4",
    autoscaling: { totalMinNodeCount: 3, totalMaxNodeCount: 9, locationPolicy: "BALANCED" },
    initialNodeCount: 1,
    encrypted: true,
    reclaimPolicy: "Retain",
    logging: ["SYSTEM_COMPONENTS", "WORKLOADS"],
  },
};

for (const [stack, e] of Object.entries(expected)) {
  describe(`GKE platform, stack ${stack}`, () => {
    const doc = () => planJson(stack);

    it("builds a custom-mode network, a subnetwork with pod and service ranges and private Google access, Cloud NAT", () => {
      const d = doc();
      assert.equal(inputsOf<gcp.compute.NetworkArgs>(find(d, "gcp:compute/network:Network")).autoCreateSubnetworks, false);
      const subnet = inputsOf<gcp.compute.SubnetworkArgs>(find(d, "gcp:compute/subnetwork:Subnetwork"));
      assert.equal(subnet.privateIpGoogleAccess, true);
      assert.deepEqual((subnet.secondaryIpRanges as { rangeName: string }[]).map((r) => r.rangeName), ["pods", "services"]);
      const nat = inputsOf<gcp.compute.RouterNatArgs>(find(d, "gcp:compute/routerNat:RouterNat"));
      assert.equal(nat.sourceSubnetworkIpRangesToNat, "ALL_SUBNETWORKS_ALL_IP_RANGES");
      assert.equal(nat.natIpAllocateOption, "AUTO_ONLY");
    });

    it("configures the cluster: private nodes, authorized networks, Workload Identity, Dataplane V2, release channel, shielded nodes", () => {
      const c = inputsOf<gcp.container.ClusterArgs>(find(doc(), "gcp:container/cluster:Cluster"));
      assert.equal(c.location, e.location);
      assert.equal(c.removeDefaultNodePool, true);
      assert.equal(c.nodeConfig, undefined, "nodeConfig on the cluster would force replacement later");
      assert.equal(c.networkingMode, "VPC_NATIVE");
      assert.deepEqual(c.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
      assert.equal((c.privateClusterConfig as { enablePrivateNodes: boolean }).enablePrivateNodes, true);
      assert.deepEqual(c.masterAuthorizedNetworksConfig, { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "authorized-0" }] });
      assert.deepEqual(c.workloadIdentityConfig, { workloadPool: `voting-platform-${stack === "gcp-dev" ? "dev" : "prod"}.svc.id.goog` });
      assert.equal(c.datapathProvider, "ADVANCED_DATAPATH");
      assert.deepEqual(c.releaseChannel, { channel: "REGULAR" });
      assert.equal(c.minMasterVersion, "1.35");
      assert.equal(c.enableShieldedNodes, true);
      assert.equal(c.deletionProtection, e.deletionProtection);
      assert.deepEqual(c.loggingConfig, { enableComponents: e.logging });
      assert.deepEqual(c.monitoringConfig, { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: false } });
      assert.deepEqual((c.addonsConfig as { networkPolicyConfig: unknown }).networkPolicyConfig, { disabled: true });
      if (e.encrypted) {
        assert.deepEqual(Object.keys(c.databaseEncryption as object).sort(), ["keyName", "state"]);
        assert.equal((c.databaseEncryption as { state: string }).state, "ENCRYPTED");
        const grant = inputsOf<gcp.kms.CryptoKeyIAMMemberArgs>(find(doc(), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"));
        assert.equal(grant.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
        assert.equal(grant.member, "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com");
        assert.ok(find(doc(), "gcp:container/cluster:Cluster").dependsOn.includes(find(doc(), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").urn), "the grant exists before the cluster");
        assert.equal(inputsOf<gcp.kms.CryptoKeyArgs>(find(doc(), "gcp:kms/cryptoKey:CryptoKey")).rotationPeriod, "7776000s");
      } else {
        assert.equal(c.databaseEncryption, undefined);
        assert.equal(all(doc(), "gcp:kms/cryptoKey:CryptoKey").length, 0);
      }
    });

    it("runs a node pool on a dedicated least-privilege service account with autoscaling, spot in dev, GKE metadata server, shielded VMs", () => {
      const d = doc();
      const pool = find(d, "gcp:container/nodePool:NodePool");
      const p = inputsOf<gcp.container.NodePoolArgs>(pool);
      assert.deepEqual(p.autoscaling, e.autoscaling);
      assert.equal(p.initialNodeCount, e.initialNodeCount);
      assert.deepEqual(pool.options.ignoreChanges, ["initialNodeCount"], "a new preset minimum must not replace the pool");
      assert.equal(p.ignoreNodeCountChanges, true);
      assert.deepEqual(p.management, { autoRepair: true, autoUpgrade: true });
      const n = p.nodeConfig as Record<string, unknown>;
      assert.equal(n["machineType"], e.machineType);
      assert.equal(n["spot"], e.spot);
      assert.equal(n["diskType"], "pd-balanced");
      assert.deepEqual(n["workloadMetadataConfig"], { mode: "GKE_METADATA" });
      assert.deepEqual(n["shieldedInstanceConfig"], { enableSecureBoot: true, enableIntegrityMonitoring: true });
      assert.match(String(n["serviceAccount"]), /^nodes-voting-platform-gcp-.*@example-project\.iam\.gserviceaccount\.com$/);
      assert.doesNotMatch(String(n["serviceAccount"]), /-compute@developer\.gserviceaccount\.com$/);
      const roles = all(d, "gcp:projects/iAMMember:IAMMember").map((r) => inputsOf<gcp.projects.IAMMemberArgs>(r).role);
      assert.deepEqual(roles, [...NODE_SERVICE_ACCOUNT_ROLES]);
    });

    it("labels every resource through the provider, uses the gcloud auth plugin, and hands workloads a pd-balanced class", () => {
      const d = doc();
      const prov = inputsOf<gcp.ProviderArgs>(find(d, "pulumi:providers:gcp"));
      const labels = JSON.parse(String(prov.defaultLabels)) as Record<string, string>;
      assert.equal(labels["environment"], stack === "gcp-dev" ? "dev" : "prod");
      assert.equal(labels["owner"], "platform-team");
      for (const r of d.resources.filter((x) => x.type.startsWith("gcp:"))) assert.equal(r.provider, find(d, "pulumi:providers:gcp").urn, r.name);
      const sc = inputsOf<k8s.storage.v1.StorageClassArgs>(find(d, "kubernetes:storage.k8s.io/v1:StorageClass"));
      assert.equal(sc.provisioner, "pd.csi.storage.gke.io");
      assert.deepEqual(sc.parameters, { type: "pd-balanced" });
      assert.equal(sc.reclaimPolicy, e.reclaimPolicy);
      assert.equal(d.outputs["storageClassName"], "pd-balanced");
      assert.equal(d.outputs["kubeconfig"], "[secret]");
      const k = inputsOf<k8s.ProviderArgs>(find(d, "pulumi:providers:kubernetes"));
      assert.ok(k.clusterIdentifier);
      assert.equal(d.outputs["serviceExposure"], "LoadBalancer");
    });
  });
}

describe("GKE helpers", () => {
  it("writes a kubeconfig that authenticates through gke-gcloud-auth-plugin", () => {
    const cfg = JSON.parse(gkeKubeconfig("ctx", "203.0.113.10", "Q0E=")) as { clusters: { cluster: { server: string } }[]; users: { user: { exec: { command: string; apiVersion: string } } }[] };
    assert.equal(cfg.clusters[0]!.cluster.server, "https://203.0.113.10");
    assert.equal(cfg.users[0]!.user.exec.command, "gke-gcloud-auth-plugin");
    assert.equal(cfg.users[0]!.user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
  });

  it("derives valid service account IDs", () => {
    for (const name of ["voting-platform-gcp-prod", "x", "a-very-long-cluster-name-that-goes-on-and-on"]) {
      assert.match(serviceAccountId(name), /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, name);
    }
  });
});
