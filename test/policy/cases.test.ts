// For each policy: a passing resource, and the same resource with one field changed, which fails.

import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluatePolicies, type PolicyPackConfig } from "../../plan/policy";
import type { ResourceRecord } from "../../plan/record";
import { record } from "../helpers/records";
import * as awsP from "../../policy/aws";
import * as gcpP from "../../policy/gcp";
import * as k8sP from "../../policy/kubernetes";
import { nodesCapacity } from "../../policy/nodes";
import * as storageP from "../../policy/storage";
import { policies } from "../../policy/policies";

type Obj = Record<string, unknown>;


const goodContainer = () => ({
  name: "app",
  image: "docker.io/acme/app:1.2@sha256:" + "a".repeat(64),
  ports: [{ name: "http", containerPort: 8080 }],
  env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "password" } } }],
  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
  readinessProbe: { httpGet: { path: "/", port: "http" } },
  livenessProbe: { tcpSocket: { port: "http" } },
});
const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "app", namespace: "voting" },
  spec: { replicas: 2, selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [goodContainer()] } } },
});
const container = (d: Obj) => ((d["spec"] as Obj)["template"] as { spec: { containers: Obj[] } }).spec.containers[0]!;

interface Case {
  readonly policy: ResourceValidationPolicy | StackValidationPolicy;
  readonly type: string;
  readonly good: () => Obj;
  /** One change that must produce a violation. */
  readonly breakIt: (o: Obj) => void;
  readonly config?: Obj;
  readonly provider?: { type: string; inputs: Obj };
}

const AWS_PROVIDER = { type: "pulumi:providers:aws", inputs: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { project: "p", environment: "dev", owner: "o" } }) } };
const GCP_PROVIDER = { type: "pulumi:providers:gcp", inputs: { project: "p", defaultLabels: JSON.stringify({ project: "p", environment: "dev", owner: "o" }) } };

const eksComponent = () => ({
  endpointPublicAccess: true,
  publicAccessCidrs: ["203.0.113.0/24"],
  encryptionConfigKeyArn: "arn:aws:kms:us-east-1:1:key/k",
  enabledClusterLogTypes: ["api", "audit", "authenticator"],
  upgradePolicy: { supportType: "STANDARD" },
  nodeAssociatePublicIpAddress: false,
});
const eksCluster = () => ({
  vpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
  encryptionConfig: { resources: ["secrets"], provider: { keyArn: "k" } },
  enabledClusterLogTypes: ["api", "audit", "authenticator"],
  upgradePolicy: { supportType: "STANDARD" },
});
const launchTemplate = () => ({
  metadataOptions: { httpTokens: "required" },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
});
const gkeCluster = () => ({
  privateClusterConfig: { enablePrivateNodes: true },
  masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }] },
  workloadIdentityConfig: { workloadPool: "p.svc.id.goog" },
  enableShieldedNodes: true,
  releaseChannel: { channel: "REGULAR" },
  deletionProtection: true,
  datapathProvider: "ADVANCED_DATAPATH",
  maintenancePolicy: { recurringWindow: { startTime: "2026-01-03T00:00:00Z", endTime: "2026-01-03T08:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" } },
});
const gkePool = () => ({
  nodeConfig: { serviceAccount: "nodes@p.iam.gserviceaccount.com", workloadMetadataConfig: { mode: "GKE_METADATA" }, shieldedInstanceConfig: { enableSecureBoot: true } },
});

const D = "kubernetes:apps/v1:Deployment";
const cases: [string, Case][] = [
  ["image :latest", { policy: k8sP.imagesPinned, type: D, good: deployment, breakIt: (d) => (container(d)["image"] = "acme/app:latest") }],
  ["untagged image", { policy: k8sP.imagesPinned, type: D, good: deployment, breakIt: (d) => (container(d)["image"] = "acme/app") }],
  ["tag without digest where digests are required", { policy: k8sP.imagesPinned, type: D, good: deployment, config: { requireDigest: true }, breakIt: (d) => (container(d)["image"] = "acme/app:1.2") }],
  ["no memory limit", { policy: k8sP.resourcesSet, type: D, good: deployment, breakIt: (d) => delete (container(d)["resources"] as { limits: Obj }).limits["memory"] }],
  ["privileged", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => ((container(d)["securityContext"] as Obj)["privileged"] = true) }],
  ["escalation not forbidden", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => delete (container(d)["securityContext"] as Obj)["allowPrivilegeEscalation"] }],
  ["hostNetwork", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => (((d["spec"] as Obj)["template"] as { spec: Obj }).spec["hostNetwork"] = true) }],
  ["hostPID", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => (((d["spec"] as Obj)["template"] as { spec: Obj }).spec["hostPID"] = true) }],
  ["hostPort", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => (container(d)["ports"] = [{ containerPort: 80, hostPort: 80 }]) }],
  ["capability SYS_ADMIN added", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => ((container(d)["securityContext"] as Obj)["capabilities"] = { drop: ["ALL"], add: ["SYS_ADMIN"] }) }],
  ["hostPath volume", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => (((d["spec"] as Obj)["template"] as { spec: Obj }).spec["volumes"] = [{ name: "host", hostPath: { path: "/" } }]) }],
  ["container runs as UID 0", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => ((container(d)["securityContext"] as Obj)["runAsUser"] = 0) }],
  ["pod runs as UID 0", { policy: k8sP.noPrivilege, type: D, good: deployment, breakIt: (d) => (((d["spec"] as Obj)["template"] as { spec: Obj }).spec["securityContext"] = { runAsUser: 0 }) }],
  ["password in a literal URL", { policy: k8sP.noSecretLiterals, type: D, good: deployment, breakIt: (d) => (container(d)["env"] = [{ name: "DATABASE_URL", value: "postgres://user:pw@db/app" }]) }],
  ["password in a literal key=value; string", { policy: k8sP.noSecretLiterals, type: D, good: deployment, breakIt: (d) => (container(d)["env"] = [{ name: "ConnectionStrings__Db", value: "Server=db;Username=postgres;Password=postgres;" }]) }],
  ["no readiness probe", { policy: k8sP.probesSet, type: D, good: deployment, breakIt: (d) => delete container(d)["readinessProbe"] }],
  ["password as a literal", { policy: k8sP.noSecretLiterals, type: D, good: deployment, breakIt: (d) => (container(d)["env"] = [{ name: "POSTGRES_PASSWORD", value: "postgres" }]) }],
  ["one replica in prod", { policy: k8sP.minReplicas, type: D, good: deployment, config: { minReplicas: 2 }, breakIt: (d) => ((d["spec"] as Obj)["replicas"] = 1) }],
  [
    "an autoscaler that may scale down to one in prod",
    {
      policy: k8sP.minReplicas,
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      config: { minReplicas: 2 },
      good: () => ({ metadata: { name: "vote", namespace: "voting" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "vote" }, minReplicas: 2, maxReplicas: 6 } }),
      breakIt: (h) => ((h["spec"] as Obj)["minReplicas"] = 1),
    },
  ],
  [
    "namespace without Pod Security",
    { policy: k8sP.namespacePodSecurity, type: "kubernetes:core/v1:Namespace", good: () => ({ metadata: { name: "n", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }), breakIt: (n) => ((n["metadata"] as { labels: Obj }).labels = {}) },
  ],
  [
    "LoadBalancer not allowed",
    { policy: k8sP.loadBalancersAllowed, type: "kubernetes:core/v1:Service", config: { allowed: ["voting/vote"] }, good: () => ({ metadata: { name: "vote", namespace: "voting" }, spec: { type: "LoadBalancer" } }), breakIt: (s) => ((s["metadata"] as Obj)["name"] = "db") },
  ],
  [
    "internet-facing ALB Ingress not allowed",
    {
      policy: k8sP.loadBalancersAllowed,
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      config: { allowed: ["voting/vote"], ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "vote", namespace: "voting", annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } }, spec: { ingressClassName: "alb" } }),
      breakIt: (i) => ((i["metadata"] as Obj)["name"] = "admin"),
    },
  ],
  [
    "Ingress made internet-facing outside the allowed namespaces",
    {
      policy: k8sP.loadBalancersAllowed,
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      config: { allowed: [], ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "admin", namespace: "ops", annotations: { "alb.ingress.kubernetes.io/scheme": "internal" } }, spec: { ingressClassName: "alb" } }),
      breakIt: (i) => (((i["metadata"] as Obj)["annotations"] as Obj)["alb.ingress.kubernetes.io/scheme"] = "internet-facing"),
    },
  ],
  [
    "ALB Ingress joining an IngressGroup (whose ALB another member may make internet-facing) outside the Ingress namespaces",
    {
      policy: k8sP.loadBalancersAllowed,
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      config: { allowed: [], ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "admin", namespace: "ops", annotations: {} }, spec: { ingressClassName: "alb" } }),
      breakIt: (i) => (((i["metadata"] as Obj)["annotations"] as Obj)["alb.ingress.kubernetes.io/group.name"] = "voting-platform-prod"),
    },
  ],
  [
    "GKE Ingress (external by default) outside the allowed namespaces",
    { policy: k8sP.loadBalancersAllowed, type: "kubernetes:networking.k8s.io/v1:Ingress", config: { ingressNamespaces: ["web"] }, good: () => ({ metadata: { name: "site", namespace: "web" }, spec: {} }), breakIt: (i) => ((i["metadata"] as Obj)["namespace"] = "ops") },
  ],
  [
    "GKE Ingress (class gce by annotation, as the GKE platform makes it) outside the allowed namespaces",
    {
      policy: k8sP.loadBalancersAllowed,
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      config: { ingressNamespaces: ["voting"] },
      good: () => ({ metadata: { name: "apps", namespace: "voting", annotations: { "kubernetes.io/ingress.class": "gce" } }, spec: {} }),
      breakIt: (i) => ((i["metadata"] as Obj)["namespace"] = "monitoring"),
    },
  ],
  [
    "LoadBalancer Service in an Ingress namespace still needs its name allowed",
    { policy: k8sP.loadBalancersAllowed, type: "kubernetes:core/v1:Service", config: { allowed: ["web/site"], ingressNamespaces: ["web"] }, good: () => ({ metadata: { name: "site", namespace: "web" }, spec: { type: "LoadBalancer" } }), breakIt: (s) => ((s["metadata"] as Obj)["name"] = "other") },
  ],
  [
    "external Gateway not allowed",
    { policy: k8sP.loadBalancersAllowed, type: "kubernetes:gateway.networking.k8s.io/v1:Gateway", config: { allowed: [] }, good: () => ({ metadata: { name: "gw", namespace: "ops" }, spec: { gatewayClassName: "gke-l7-rilb" } }), breakIt: (g) => ((g["spec"] as Obj)["gatewayClassName"] = "gke-l7-global-external-managed") },
  ],
  [
    "Gateway of a class other than amazon-vpc-lattice (a VPC Lattice service network, reachable from associated VPCs only)",
    { policy: k8sP.loadBalancersAllowed, type: "kubernetes:gateway.networking.k8s.io/v1:Gateway", config: { allowed: [] }, good: () => ({ metadata: { name: "gw", namespace: "ops" }, spec: { gatewayClassName: "amazon-vpc-lattice" } }), breakIt: (g) => ((g["spec"] as Obj)["gatewayClassName"] = "amazon-vpc-lattice-public") },
  ],
  [
    "ALB IngressClassParams made internet-facing (it overrides its Ingresses' scheme annotation)",
    {
      policy: k8sP.loadBalancersAllowed,
      type: k8sP.INGRESS_CLASS_PARAMS,
      config: { ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "public" }, spec: { scheme: "internal" } }),
      breakIt: (p) => ((p["spec"] as Obj)["scheme"] = "internet-facing"),
    },
  ],
  [
    "ALB IngressClassParams with spec.group (every Ingress of its class joins that IngressGroup) not confined to the Ingress namespaces",
    {
      policy: k8sP.loadBalancersAllowed,
      type: k8sP.INGRESS_CLASS_PARAMS,
      config: { ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "grouped" }, spec: { group: { name: "voting-platform-prod" }, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } } }),
      breakIt: (p) => delete (p["spec"] as Obj)["namespaceSelector"],
    },
  ],
  [
    "internet-facing ALB IngressClassParams not confined to the Ingress namespaces",
    {
      policy: k8sP.loadBalancersAllowed,
      type: k8sP.INGRESS_CLASS_PARAMS,
      config: { ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "public" }, spec: { scheme: "internet-facing", namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["web"] }] } } }),
      breakIt: (p) => ((((p["spec"] as Obj)["namespaceSelector"] as Obj)["matchExpressions"] as Obj[])[0]!["values"] = ["web", "ops"]),
    },
  ],
  [
    "internet-facing ALB IngressClassParams selecting namespaces by another label",
    {
      policy: k8sP.loadBalancersAllowed,
      type: k8sP.INGRESS_CLASS_PARAMS,
      config: { ingressNamespaces: ["web"] },
      good: () => ({ metadata: { name: "public" }, spec: { scheme: "internet-facing", namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } } }),
      breakIt: (p) => ((p["spec"] as Obj)["namespaceSelector"] = { matchLabels: { team: "web" } }),
    },
  ],
  [
    "Helm release without a version",
    { policy: k8sP.helmReleasesPinned, type: "kubernetes:helm.sh/v3:Release", good: () => ({ chart: "grafana", version: "12.11.1", repositoryOpts: { repo: "https://grafana-community.github.io/helm-charts" } }), breakIt: (r) => delete r["version"] },
  ],
  [
    "Helm release from a version range",
    { policy: k8sP.helmReleasesPinned, type: "kubernetes:helm.sh/v3:Release", good: () => ({ chart: "grafana", version: "12.11.1", repositoryOpts: { repo: "https://grafana-community.github.io/helm-charts" } }), breakIt: (r) => (r["version"] = "^12") },
  ],
  [
    "Helm release without a repository",
    { policy: k8sP.helmReleasesPinned, type: "kubernetes:helm.sh/v3:Release", good: () => ({ chart: "grafana", version: "12.11.1", repositoryOpts: { repo: "https://grafana-community.github.io/helm-charts" } }), breakIt: (r) => delete r["repositoryOpts"] },
  ],
  ["EKS endpoint open to the world", { policy: awsP.eksEndpointRestricted, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => (c["publicAccessCidrs"] = ["0.0.0.0/0"]) }],
  ["EKS endpoint open to the world as two /1s", { policy: awsP.eksEndpointRestricted, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => (c["publicAccessCidrs"] = ["0.0.0.0/1", "128.0.0.0/1"]) }],
  ["aws.eks.Cluster endpoint open as two /1s", { policy: awsP.eksEndpointRestricted, type: "aws:eks/cluster:Cluster", good: () => ({ ...eksCluster(), vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }), breakIt: (c) => ((c["vpcConfig"] as Obj)["publicAccessCidrs"] = ["0.0.0.0/1", "128.0.0.0/1"]) }],
  ["EKS endpoint wider than the configured share", { policy: awsP.eksEndpointRestricted, type: "eks:index:Cluster", config: { maxShare: 0.001 }, good: eksComponent, breakIt: (c) => (c["publicAccessCidrs"] = ["10.0.0.0/8"]) }],
  ["EKS public endpoint without CIDRs", { policy: awsP.eksEndpointRestricted, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => delete c["publicAccessCidrs"] }],
  ["aws.eks.Cluster public by default", { policy: awsP.eksEndpointRestricted, type: "aws:eks/cluster:Cluster", good: eksCluster, breakIt: (c) => (c["vpcConfig"] = {}) }],
  ["EKS without KMS", { policy: awsP.eksSecretsEncryption, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => delete c["encryptionConfigKeyArn"] }],
  ["aws.eks.Cluster without secrets encryption", { policy: awsP.eksSecretsEncryption, type: "aws:eks/cluster:Cluster", good: eksCluster, breakIt: (c) => delete c["encryptionConfig"] }],
  ["EKS without audit logs", { policy: awsP.eksControlPlaneLogging, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => (c["enabledClusterLogTypes"] = ["api"]) }],
  ["EKS on EXTENDED support", { policy: awsP.eksStandardSupport, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => (c["upgradePolicy"] = { supportType: "EXTENDED" }) }],
  ["aws.eks.Cluster without upgradePolicy", { policy: awsP.eksStandardSupport, type: "aws:eks/cluster:Cluster", good: eksCluster, breakIt: (c) => delete c["upgradePolicy"] }],
  ["launch template allowing IMDSv1", { policy: awsP.nodesImdsV2, type: "aws:ec2/launchTemplate:LaunchTemplate", good: launchTemplate, breakIt: (t) => (t["metadataOptions"] = { httpTokens: "optional" }) }],
  ["node group without launch template", { policy: awsP.nodesImdsV2, type: "eks:index:ManagedNodeGroup", good: () => ({ launchTemplate: { id: "lt" }, instanceTypes: ["t3.medium"] }), breakIt: (n) => delete n["launchTemplate"] }],
  ["nodes with public IPs", { policy: awsP.nodesNoPublicIp, type: "eks:index:Cluster", good: eksComponent, breakIt: (c) => (c["nodeAssociatePublicIpAddress"] = true) }],
  ["instance type outside the allow-list", { policy: awsP.instanceTypesAllowed, type: "eks:index:ManagedNodeGroup", config: { allowed: ["t3.medium"] }, good: () => ({ instanceTypes: ["t3.medium"] }), breakIt: (n) => (n["instanceTypes"] = ["p5.48xlarge"]) }],
  ["provider without the owner tag", { policy: awsP.requiredTags, type: "pulumi:providers:aws", good: () => ({ ...AWS_PROVIDER.inputs }), breakIt: (p) => (p["defaultTags"] = JSON.stringify({ tags: { project: "p", environment: "dev" } })) }],
  ["KMS key without rotation", { policy: awsP.kmsRotation, type: "aws:kms/key:Key", good: () => ({ enableKeyRotation: true }), breakIt: (k) => (k["enableKeyRotation"] = false) }],
  ["unencrypted root volume", { policy: awsP.encryptedVolumes, type: "aws:ec2/launchTemplate:LaunchTemplate", good: launchTemplate, breakIt: (t) => (t["blockDeviceMappings"] = [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }]) }],
  [
    "unencrypted EBS StorageClass",
    { policy: awsP.encryptedVolumes, type: "kubernetes:storage.k8s.io/v1:StorageClass", good: () => ({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } }), breakIt: (s) => (s["parameters"] = { type: "gp3" }) },
  ],
  ["launch template without block device mappings", { policy: awsP.encryptedVolumes, type: "aws:ec2/launchTemplate:LaunchTemplate", good: launchTemplate, breakIt: (t) => delete t["blockDeviceMappings"] }],
  [
    "in-tree EBS StorageClass",
    { policy: awsP.encryptedVolumes, type: "kubernetes:storage.k8s.io/v1:StorageClass", good: () => ({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } }), breakIt: (s) => (s["provisioner"] = "kubernetes.io/aws-ebs") },
  ],
  ["spot nodes where on-demand is required", { policy: nodesCapacity, type: "eks:index:ManagedNodeGroup", config: { spotAllowed: false, minNodes: 2 }, good: () => ({ capacityType: "ON_DEMAND", scalingConfig: { minSize: 3, maxSize: 9 } }), breakIt: (n) => (n["capacityType"] = "SPOT") }],
  ["per-AZ groups adding up to one node where two are required", { policy: nodesCapacity, type: "eks:index:ManagedNodeGroup", config: { spotAllowed: false, minNodes: 1 }, good: () => ({ scalingConfig: { minSize: 1, maxSize: 3 } }), breakIt: (n) => (n["scalingConfig"] = { minSize: 0, maxSize: 3 }) }],
  ["a single node where two are required", { policy: nodesCapacity, type: "aws:eks/nodeGroup:NodeGroup", config: { spotAllowed: false, minNodes: 2 }, good: () => ({ scalingConfig: { minSize: 2, maxSize: 4 } }), breakIt: (n) => (n["scalingConfig"] = { minSize: 1, maxSize: 4 }) }],
  ["GKE spot pool where on-demand is required", { policy: nodesCapacity, type: "gcp:container/nodePool:NodePool", config: { spotAllowed: false, minNodes: 2 }, good: () => ({ ...gkePool(), autoscaling: { totalMinNodeCount: 3 } }), breakIt: (p) => ((p["nodeConfig"] as Obj)["spot"] = true) }],
  ["GKE pool down to one node", { policy: nodesCapacity, type: "gcp:container/nodePool:NodePool", config: { spotAllowed: false, minNodes: 2 }, good: () => ({ ...gkePool(), autoscaling: { totalMinNodeCount: 3 } }), breakIt: (p) => (p["autoscaling"] = { totalMinNodeCount: 1 }) }],
  ["GKE without master authorized networks", { policy: gcpP.gkePrivateNodes, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => delete c["masterAuthorizedNetworksConfig"] }],
  [
    "GKE DNS-endpoint-only access turned back to the IP endpoint",
    {
      policy: gcpP.gkePrivateNodes,
      type: "gcp:container/cluster:Cluster",
      good: () => {
        const c: Obj = { ...gkeCluster(), controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true }, ipEndpointsConfig: { enabled: false } } };
        delete c["masterAuthorizedNetworksConfig"];
        return c;
      },
      breakIt: (c) => ((c["controlPlaneEndpointsConfig"] as Obj)["ipEndpointsConfig"] = { enabled: true }),
    },
  ],
  ["node pool overriding private nodes", { policy: gcpP.gkePrivateNodes, type: "gcp:container/nodePool:NodePool", good: gkePool, breakIt: (p) => (p["networkConfig"] = { enablePrivateNodes: false }) }],
  ["GKE public nodes", { policy: gcpP.gkePrivateNodes, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["privateClusterConfig"] = { enablePrivateNodes: false }) }],
  ["GKE control plane open to the world", { policy: gcpP.gkePrivateNodes, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["masterAuthorizedNetworksConfig"] = { cidrBlocks: [{ cidrBlock: "0.0.0.0/0" }] }) }],
  ["GKE control plane open as two /1s", { policy: gcpP.gkePrivateNodes, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["masterAuthorizedNetworksConfig"] = { cidrBlocks: [{ cidrBlock: "0.0.0.0/1" }, { cidrBlock: "128.0.0.0/1" }] }) }],
  ["GKE without Workload Identity", { policy: gcpP.gkeWorkloadIdentity, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => delete c["workloadIdentityConfig"] }],
  ["node pool without the GKE metadata server", { policy: gcpP.gkeWorkloadIdentity, type: "gcp:container/nodePool:NodePool", good: gkePool, breakIt: (p) => ((p["nodeConfig"] as Obj)["workloadMetadataConfig"] = { mode: "GCE_METADATA" }) }],
  ["GKE without shielded nodes", { policy: gcpP.gkeShieldedNodes, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["enableShieldedNodes"] = false) }],
  ["node pool without secure boot", { policy: gcpP.gkeShieldedNodes, type: "gcp:container/nodePool:NodePool", good: gkePool, breakIt: (p) => delete (p["nodeConfig"] as Obj)["shieldedInstanceConfig"] }],
  ["node pool on the default compute account", { policy: gcpP.gkeNoDefaultServiceAccount, type: "gcp:container/nodePool:NodePool", good: gkePool, breakIt: (p) => ((p["nodeConfig"] as Obj)["serviceAccount"] = "123-compute@developer.gserviceaccount.com") }],
  ["GKE without a release channel", { policy: gcpP.gkeReleaseChannel, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["releaseChannel"] = { channel: "UNSPECIFIED" }) }],
  ["GKE without NetworkPolicy enforcement", { policy: gcpP.gkeNetworkPolicy, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["datapathProvider"] = "LEGACY_DATAPATH") }],
  [
    "GKE maintenance window under 48 h in 32 days",
    { policy: gcpP.gkeMaintenanceWindow, type: "gcp:container/cluster:Cluster", good: gkeCluster, breakIt: (c) => (c["maintenancePolicy"] = { recurringWindow: { startTime: "2026-01-03T02:00:00Z", endTime: "2026-01-03T06:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" } }) },
  ],
  ["GCP provider without labels", { policy: gcpP.requiredLabels, type: "pulumi:providers:gcp", good: () => ({ ...GCP_PROVIDER.inputs }), breakIt: (p) => (p["defaultLabels"] = JSON.stringify({ project: "p" })) }],
  ["S3 public access block with one flag off", { policy: storageP.bucketsPrivate, type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", good: () => ({ bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }), breakIt: (o) => (o["restrictPublicBuckets"] = false) }],
  ["S3 bucket with a public canned ACL", { policy: storageP.bucketsPrivate, type: "aws:s3/bucketAcl:BucketAcl", good: () => ({ bucket: "b", acl: "private" }), breakIt: (o) => (o["acl"] = "public-read") }],
  ["GCS bucket without public access prevention", { policy: storageP.bucketsPrivate, type: "gcp:storage/bucket:Bucket", good: () => ({ location: "US-CENTRAL1", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced" }), breakIt: (o) => (o["publicAccessPrevention"] = "inherited") }],
  ["GCS bucket with per-object ACLs", { policy: storageP.bucketsPrivate, type: "gcp:storage/bucket:Bucket", good: () => ({ location: "US-CENTRAL1", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced" }), breakIt: (o) => (o["uniformBucketLevelAccess"] = false) }],
  ["S3 default encryption with no algorithm", { policy: storageP.bucketsEncrypted, type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", good: () => ({ bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }), breakIt: (o) => (o["rules"] = [{ applyServerSideEncryptionByDefault: {} }]) }],
  ["S3 default encryption with no rule", { policy: storageP.bucketsEncrypted, type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", good: () => ({ bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }), breakIt: (o) => (o["rules"] = []) }],
];

async function run(c: Case, inputs: Obj) {
  const records: ResourceRecord[] = [];
  let providerUrn: string | null = null;
  const prov = c.type.startsWith("aws:") ? AWS_PROVIDER : c.type.startsWith("gcp:") ? GCP_PROVIDER : c.provider;
  if (prov && !c.type.startsWith("pulumi:providers:")) {
    const p = record(prov.type, prov.inputs);
    records.push({ ...p, urn: `${p.urn}-provider` });
    providerUrn = `${p.urn}-provider`;
  }
  records.push(record(c.type, inputs, providerUrn));
  const config: PolicyPackConfig = { [c.policy.name]: { enforcementLevel: "mandatory", ...(c.config ?? {}) } };
  return (await evaluatePolicies(records, [c.policy], config)).filter((v) => v.urn === records[records.length - 1]!.urn);
}

describe("each policy passes the good case and fails when one field changes", () => {
  for (const [title, c] of cases) {
    it(`${c.policy.name}: ${title}`, async () => {
      assert.deepEqual(await run(c, c.good()), [], "the good case passes");
      const broken = c.good();
      c.breakIt(broken);
      const v = await run(c, broken);
      assert.ok(v.length >= 1, "the changed case fails");
      assert.equal(v[0]!.enforcementLevel, "mandatory");
      assert.equal(v[0]!.policy, c.policy.name);
    });
  }

  it("covers every policy of the pack", () => {
    const covered = new Set(cases.map(([, c]) => c.policy.name));
    // The stack policies have their own tests (policies.test.ts, teardown.test.ts, estimates.test.ts, backup.test.ts).
    const missing = policies.map((p) => p.name).filter((n) => !covered.has(n) && !["kubernetes-provider-cluster-identifier", "stack-monthly-budget", "cluster-deletion-protection", "cluster-deletion-protection-off", "storage-bucket-guarded"].includes(n));
    assert.deepEqual(missing, []);
  });
});
