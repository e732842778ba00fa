import type * as gcp from "@pulumi/gcp";
import type * as k8s from "@pulumi/kubernetes";
import type * as time from "@pulumiverse/time";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KMS_GRANT_PROPAGATION, NODE_SERVICE_ACCOUNT_ROLES, serviceAccountId } from "../../components/gcp";
import { RESOURCE_MANAGER_API, requiredServices } from "../../components/gcp/apis";
import { controlPlaneAccess } from "../../components/gcp/cluster";
import { GkeEndpointError, gkeKubeconfig } from "../../components/gcp/kubeconfig";
import { GKE_TEMPORARY_POOL } from "../../stacks/catalog";
import { maintenanceWindowProblem, type RecurringWindow } from "../../stacks/maintenance";
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

    it("configures the cluster: private nodes, DNS endpoint only, Workload Identity, Dataplane V2, release channel, shielded nodes", () => {
      const rec = find(doc(), "gcp:container/cluster:Cluster");
      const c = inputsOf<gcp.container.ClusterArgs>(rec);
      assert.equal(c.location, e.location);
      assert.equal(c.removeDefaultNodePool, true);
      assert.equal(c.networkingMode, "VPC_NATIVE");
      assert.deepEqual(c.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
      // Private nodes through Private Service Connect: no masterIpv4CidrBlock (a legacy VPC-peering cluster, ForceNew).
      assert.deepEqual(c.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: true });
      assert.deepEqual(c.controlPlaneEndpointsConfig, {
        dnsEndpointConfig: { allowExternalTraffic: true, enableK8sTokensViaDns: false, enableK8sCertsViaDns: false },
        ipEndpointsConfig: { enabled: false },
      });
      assert.equal(c.masterAuthorizedNetworksConfig, undefined, "no IP endpoint, so no authorized networks");
      assert.deepEqual(c.workloadIdentityConfig, { workloadPool: `voting-platform-${stack === "gcp-dev" ? "dev" : "prod"}.svc.id.goog` });
      assert.equal(c.datapathProvider, "ADVANCED_DATAPATH");
      assert.deepEqual(c.releaseChannel, { channel: "REGULAR" });
      assert.equal(c.minMasterVersion, "1.35");
      assert.equal(c.enableShieldedNodes, true);
      assert.equal(c.deletionProtection, e.deletionProtection);
      assert.equal(maintenanceWindowProblem((c.maintenancePolicy as { recurringWindow: RecurringWindow }).recurringWindow), undefined, "GKE accepts the window");
      assert.deepEqual(c.loggingConfig, { enableComponents: e.logging });
      assert.deepEqual(c.monitoringConfig, { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: false } });
      assert.deepEqual((c.addonsConfig as { networkPolicyConfig: unknown }).networkPolicyConfig, { disabled: true });
      if (e.encrypted) {
        assert.deepEqual(Object.keys(c.databaseEncryption as object).sort(), ["keyName", "state"]);
        assert.equal((c.databaseEncryption as { state: string }).state, "ENCRYPTED");
        const grant = inputsOf<gcp.kms.CryptoKeyIAMMemberArgs>(find(doc(), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"));
        assert.equal(grant.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
        // Known at preview although the new ServiceIdentity's email is not (the mock answers unknown, as a
        // preview does): `member` is ForceNew, so an unknown one would show existing stacks' grant replaced.
        assert.equal(grant.member, "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com");
        // The agent is made to exist before it is named (a fresh project has none until GKE makes it).
        const identity = find(doc(), "gcp:projects/serviceIdentity:ServiceIdentity");
        assert.equal(inputsOf<gcp.projects.ServiceIdentityArgs>(identity).service, "container.googleapis.com");
        assert.ok(find(doc(), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").dependsOn.includes(identity.urn), "the grant waits for the service identity");
        assert.ok(rec.dependsOn.includes(find(doc(), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").urn), "the grant exists before the cluster");
        const wait = find(doc(), "time:index/sleep:Sleep");
        assert.equal(inputsOf<time.SleepArgs>(wait).createDuration, KMS_GRANT_PROPAGATION);
        assert.ok(wait.dependsOn.includes(find(doc(), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").urn), "the wait starts after the grant");
        assert.ok(rec.dependsOn.includes(wait.urn), "the cluster waits for the grant to propagate");
        assert.equal(inputsOf<gcp.kms.CryptoKeyArgs>(find(doc(), "gcp:kms/cryptoKey:CryptoKey")).rotationPeriod, "7776000s");
      } else {
        assert.equal(c.databaseEncryption, undefined);
        assert.equal(all(doc(), "gcp:kms/cryptoKey:CryptoKey").length, 0);
        assert.equal(all(doc(), "time:index/sleep:Sleep").length, 0, "no KMS grant, nothing to wait for");
      }
    });

    it("runs the temporary default pool on the nodes' service account, never the default compute account, and ignores later changes", () => {
      const d = doc();
      const rec = find(d, "gcp:container/cluster:Cluster");
      const nc = inputsOf<gcp.container.ClusterArgs>(rec).nodeConfig as Record<string, unknown>;
      const pool = inputsOf<gcp.container.NodePoolArgs>(find(d, "gcp:container/nodePool:NodePool")).nodeConfig as Record<string, unknown>;
      assert.equal(nc["serviceAccount"], pool["serviceAccount"]);
      assert.match(String(nc["serviceAccount"]), /^nodes-voting-platform-gcp-.*@example-project\.iam\.gserviceaccount\.com$/);
      assert.deepEqual(rec.options.ignoreChanges, ["nodeConfig"], "on a cluster with removeDefaultNodePool a nodeConfig change replaces the cluster");
      // Small, not the API's e2-medium with 100 GB per node: it lives only while the cluster is created.
      assert.equal(nc["machineType"], GKE_TEMPORARY_POOL.machineType);
      assert.equal(nc["diskSizeGb"], GKE_TEMPORARY_POOL.diskSizeGb);
      assert.ok(GKE_TEMPORARY_POOL.diskSizeGb >= 15, "the API's minimum boot disk from GKE 1.36.3 on");
    });

    it("enables the APIs it uses and makes every GCP resource wait for them", () => {
      const d = doc();
      const services = all(d, "gcp:projects/service:Service");
      // Cloud Storage for the database backups (on by default), enabled with the bucket.
      assert.deepEqual(services.map((s) => inputsOf<gcp.projects.ServiceArgs>(s).service).sort(), [...requiredServices(e.encrypted), "storage.googleapis.com"].sort());
      for (const s of services) assert.equal(inputsOf<gcp.projects.ServiceArgs>(s).disableOnDestroy, false, "destroying the stack must not disable shared APIs");
      // Cloud Storage is for the backup bucket alone, which waits for it (test/components/backup.test.ts).
      const urns = services.filter((s) => inputsOf<gcp.projects.ServiceArgs>(s).service !== "storage.googleapis.com").map((s) => s.urn);
      const needy = d.resources.filter((r) => r.type.startsWith("gcp:") && r.type !== "gcp:projects/service:Service");
      assert.ok(needy.length >= 8, "network, router, NAT, account, grant, cluster, pool...");
      for (const r of needy) assert.deepEqual(urns.filter((u) => !r.dependsOn.includes(u)), [], `${r.type} ${r.name} waits for every API`);
      // Cloud Resource Manager first: on a fresh project the other services' read-back can be refused until it is on.
      const crm = services.find((s) => inputsOf<gcp.projects.ServiceArgs>(s).service === RESOURCE_MANAGER_API)!;
      assert.ok(crm);
      assert.deepEqual(crm.dependsOn.filter((u) => urns.includes(u)), [], "it waits for no other API");
      for (const s of services) if (s !== crm) assert.ok(s.dependsOn.includes(crm.urn), `${inputsOf<gcp.projects.ServiceArgs>(s).service} waits for cloudresourcemanager`);
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
  it("refuses to write a kubeconfig without the DNS endpoint, naming the field (never a server of https://)", () => {
    for (const endpoint of [undefined, "", "https://x.gke.goog", "not a host"]) {
      assert.throws(() => gkeKubeconfig("gke_p_l_c", endpoint), (e: unknown) => e instanceof GkeEndpointError && /gke_p_l_c: no DNS-based control-plane endpoint in controlPlaneEndpointsConfig\.dnsEndpointConfig\.endpoint/.test((e as Error).message), String(endpoint));
    }
  });

  it("writes a kubeconfig for the DNS endpoint that authenticates as gcloud's account, as gcloud get-credentials --dns-endpoint does", () => {
    const cfg = JSON.parse(gkeKubeconfig("ctx", "gke-abc-123.us-central1.gke.goog")) as { clusters: { cluster: Record<string, unknown> }[]; users: { user: { exec: { command: string; apiVersion: string; args?: string[]; provideClusterInfo: boolean } } }[] };
    assert.deepEqual(cfg.clusters[0]!.cluster, { server: "https://gke-abc-123.us-central1.gke.goog" }, "no cluster CA: the DNS endpoint has a publicly trusted certificate");
    const exec = cfg.users[0]!.user.exec;
    assert.equal(exec.command, "gke-gcloud-auth-plugin");
    assert.equal(exec.args, undefined, "no --use_application_default_credentials: gcloud refuses it with the DNS endpoint");
    assert.equal(exec.provideClusterInfo, true);
    assert.equal(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
  });

  it("turns the IP-based endpoint on only for given authorized networks, never for Google Cloud's public IPs", () => {
    const open = controlPlaneAccess(["198.51.100.0/24"]);
    assert.deepEqual(open.controlPlaneEndpointsConfig, { dnsEndpointConfig: { allowExternalTraffic: true, enableK8sTokensViaDns: false, enableK8sCertsViaDns: false }, ipEndpointsConfig: { enabled: true } });
    assert.deepEqual(open.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: false });
    assert.deepEqual(open.masterAuthorizedNetworksConfig, { cidrBlocks: [{ cidrBlock: "198.51.100.0/24", displayName: "authorized-0" }], gcpPublicCidrsAccessEnabled: false });
    assert.deepEqual(controlPlaneAccess([]).controlPlaneEndpointsConfig?.valueOf(), { dnsEndpointConfig: { allowExternalTraffic: true, enableK8sTokensViaDns: false, enableK8sCertsViaDns: false }, ipEndpointsConfig: { enabled: false } });
  });

  it("derives valid service account IDs", () => {
    for (const name of ["voting-platform-gcp-prod", "x", "a-very-long-cluster-name-that-goes-on-and-on"]) {
      assert.match(serviceAccountId(name), /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, name);
    }
  });
});
