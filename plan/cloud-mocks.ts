// What the clouds would answer, in shape, for the calls and computed outputs this program uses.
// Strict: a call not listed here fails the plan (see StrictMocks). Remote components
// (@pulumi/eks, @pulumi/awsx) get the outputs the program reads; their children exist only in a
// real preview.

import * as pulumi from "@pulumi/pulumi";
import { READ_STACK_OUTPUTS } from "../stacks/volumes";
import { UNKNOWN, type CallMock, type StateMock } from "./mocks";

/**
 * The engine's `pulumi:pulumi:readStackOutputs` as the program calls it: for its own stack only
 * (`<org>/<project>/<stack>`; offline the org is "organization", as on a self-managed backend), it
 * answers `previousOutputs` — a saved plan's outputs (`--diff <plan.json>`, the stack as last applied),
 * or none (a stack's first update). Any other name fails: the program reads no other stack.
 */
export function readStackOutputsMock(previousOutputs: Readonly<Record<string, unknown>> | undefined): CallMock {
  return (inputs) => {
    const own = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    if (inputs["name"] !== own) throw new Error(`offline plan: ${READ_STACK_OUTPUTS} for '${String(inputs["name"])}', expected the stack itself ('${own}')`);
    return { name: own, outputs: { ...(previousOutputs ?? {}) }, secretOutputNames: [] };
  };
}

const ACCOUNT = "111122223333";
/** A reserved global IPv4 (TEST-NET-3, RFC 5737). */
export const GLOBAL_ADDRESS = "203.0.113.10";

/**
 * us-east-1 as one account might see it: names map to zone IDs in a shuffled order (another account
 * sees another order), and use1-az3 (no EKS) sits behind a name like any other.
 */
export const ZONES = {
  names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
  zoneIds: ["use1-az4", "use1-az6", "use1-az1", "use1-az2", "use1-az3", "use1-az5"],
} as const;

/** The identity the offline plan runs as: a session of the shipped stacks' admin role. */
export const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admins/offline-plan`;

const ASSUMED_ROLE = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

export const CALLS: Readonly<Record<string, CallMock>> = {
  [READ_STACK_OUTPUTS]: readStackOutputsMock(undefined),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: CALLER_ARN, userId: "AROAEXAMPLEOFFLINEPLAN:offline-plan", id: ACCOUNT }),
  // Like the data source: for an assumed-role ARN the role behind it, otherwise the ARN itself.
  "aws:iam/getSessionContext:getSessionContext": (inputs) => {
    const arn = String(inputs["arn"]);
    const m = ASSUMED_ROLE.exec(arn);
    return m
      ? { arn, issuerArn: `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`, issuerId: "AROAEXAMPLEOFFLINEPLAN", issuerName: m[3], sessionName: m[4], id: arn }
      : { arn, issuerArn: arn, issuerId: "", issuerName: "", sessionName: "", id: arn };
  },
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ ...ZONES, groupNames: ["us-east-1"], id: "us-east-1" }),
  "gcp:organizations/getProject:getProject": (inputs) => ({ projectId: inputs["projectId"], number: "123456789012", name: inputs["projectId"] }),
};

function kubeconfigFor(clusterName: string, endpoint: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t" } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [{ name: clusterName, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName] } } }],
  });
}

export const STATES: Readonly<Record<string, StateMock>> = {
  "awsx:ec2:Vpc": (name, inputs) => {
    const azs = (inputs["availabilityZoneNames"] as string[] | undefined)?.length ?? (inputs["numberOfAvailabilityZones"] as number | undefined) ?? 2;
    const ids = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${kind}-${i}`);
    return { vpcId: `vpc-${name}`, publicSubnetIds: ids("public"), privateSubnetIds: ids("private"), isolatedSubnetIds: [] };
  },
  "eks:index:Cluster": (name, inputs) => {
    const clusterName = (inputs["name"] as string | undefined) ?? name;
    const region = "us-east-1";
    const endpoint = `https://EXAMPLE0123456789.gr7.${region}.eks.amazonaws.com`;
    return {
      kubeconfigJson: kubeconfigFor(clusterName, endpoint),
      kubeconfig: JSON.parse(kubeconfigFor(clusterName, endpoint)) as unknown,
      eksCluster: { name: clusterName, arn: `arn:aws:eks:${region}:${ACCOUNT}:cluster/${clusterName}`, endpoint },
      oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/EXAMPLE`,
      oidcProviderUrl: `oidc.eks.${region}.amazonaws.com/id/EXAMPLE`,
      clusterSecurityGroupId: "sg-cluster",
      nodeSecurityGroupId: "sg-nodes",
    };
  },
  "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name }),
  "aws:kms/key:Key": (name) => ({ arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${name}` }),
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1 }),
  "gcp:container/cluster:Cluster": (name, inputs) => {
    const given = (inputs["controlPlaneEndpointsConfig"] ?? {}) as { dnsEndpointConfig?: Record<string, unknown> };
    return {
      name: inputs["name"] ?? name,
      endpoint: "10.10.0.2",
      masterAuth: { clusterCaCertificate: "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t" },
      // The DNS-based endpoint is always present, whatever allowExternalTraffic says (API: DNSEndpointConfig.endpoint).
      controlPlaneEndpointsConfig: { ...given, dnsEndpointConfig: { ...given.dnsEndpointConfig, endpoint: `gke-0123456789abcdef0123456789abcdef-123456789012.${String(inputs["location"])}.gke.goog` } },
    };
  },
  "random:index/randomId:RandomId": () => ({ hex: "a1b2c3", b64Url: "obLD" }),
  "random:index/randomPassword:RandomPassword": () => ({ result: "offline-plan-placeholder" }),
  // The AWS Load Balancer Controller writes the ALB's DNS name into the Ingress status; Pulumi waits for it.
  // GKE's Ingress controller writes the load balancer's IP (the reserved one it was told to use).
  "kubernetes:networking.k8s.io/v1:Ingress": (_name, inputs) => {
    const annotations = ((inputs["metadata"] as { annotations?: Record<string, string> } | undefined)?.annotations ?? {});
    if (annotations["kubernetes.io/ingress.class"] === "gce") return { status: { loadBalancer: { ingress: [{ ip: GLOBAL_ADDRESS }] } } };
    const group = (annotations["alb.ingress.kubernetes.io/group.name"] ?? "app").replace(/[^a-z0-9]/g, "").slice(0, 12);
    return { status: { loadBalancer: { ingress: [{ hostname: `k8s-${group}-0123456789-1234567890.us-east-1.elb.amazonaws.com` }] } } };
  },
  "aws:acm/certificate:Certificate": (name, inputs) => {
    const names = [inputs["domainName"] as string, ...((inputs["subjectAlternativeNames"] as string[] | undefined) ?? [])];
    return {
      arn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/${name}`,
      domainValidationOptions: names.map((domainName, i) => ({ domainName, resourceRecordName: `_0123456789abcdef${i}.${domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: `_fedcba9876543210${i}.acm-validations.aws.` })),
    };
  },
  "aws:route53/record:Record": (_name, inputs) => ({ fqdn: String(inputs["name"]).replace(/\.$/, "") }),
  // Auto-named buckets: Pulumi appends a random suffix to the resource name (S3: bucket, GCS: name).
  "aws:s3/bucket:Bucket": (name) => ({ bucket: `${name}-0a1b2c3`, arn: `arn:aws:s3:::${name}-0a1b2c3` }),
  "gcp:storage/bucket:Bucket": (name, inputs) => ({ name: `${name}-0a1b2c3`, url: `gs://${name}-0a1b2c3`, location: String(inputs["location"] ?? "").toUpperCase() }),
  "gcp:compute/globalAddress:GlobalAddress": () => ({ address: GLOBAL_ADDRESS }),
  // A new ServiceIdentity's email is known only once generateServiceIdentity has run (and not for
  // every service: hashicorp/terraform-provider-google#18649): unknown in a preview, as it is for every
  // existing stack that gains the resource. The program does not build on it.
  "gcp:projects/serviceIdentity:ServiceIdentity": () => ({ email: UNKNOWN }),
  "gcp:serviceaccount/account:Account": (name, inputs) => ({ email: `${String(inputs["accountId"] ?? name)}@example-project.iam.gserviceaccount.com` }),
};
