// Who gets an EKS access entry, and the check that the identity running Pulumi is one of them.
// The check runs through the real invokes (getCallerIdentity, getSessionContext) under mocks whose
// caller each test sets.

import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deployerPrincipal, deployerVerdict, noCreatorAdminEntry, principalKey } from "../../components/aws/access";
import { clusterAccessEntries } from "../../components/aws/cluster";
import { CALLS, STATES } from "../../plan/cloud-mocks";
import { StrictMocks } from "../../plan/mocks";

const ADMINS = "arn:aws:iam::111122223333:role/platform-admins";
const CI_READ = "arn:aws:iam::111122223333:role/ci-read";
const principals = { admin: [ADMINS], view: [CI_READ] };

let caller = "";
const mocks = new StrictMocks({ ...CALLS, "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: "111122223333", arn: caller, userId: "X", id: "111122223333" }) }, STATES);

async function deployerAs(arn: string): Promise<string> {
  caller = arn;
  await pulumi.runtime.setMocks(mocks, "voting-platform", "test", false);
  return new Promise((resolve) => deployerPrincipal({}).apply(resolve));
}

describe("the deploying identity", () => {
  it("an assumed-role session resolves to its role, and a listed role may deploy", async () => {
    const deployer = await deployerAs("arn:aws:sts::111122223333:assumed-role/platform-admins/ci-run-42");
    assert.equal(deployer, ADMINS);
    assert.equal(deployerVerdict(deployer, principals, false).level, "ok");
  });

  it("a user is itself (getSessionContext is not needed) and, not listed, may not deploy: the message names the key and the fix", async () => {
    const deployer = await deployerAs("arn:aws:iam::111122223333:user/alice");
    assert.equal(deployer, "arn:aws:iam::111122223333:user/alice");
    const v = deployerVerdict(deployer, principals, false);
    assert.equal(v.level, "error");
    assert.match(v.message, /arn:aws:iam::111122223333:user\/alice\) is not in voting-platform:awsAdminPrincipals/);
    assert.match(v.message, /pulumi config set --path 'voting-platform:awsAdminPrincipals\[1\]' arn:aws:iam::111122223333:user\/alice/);
  });

  it("a listed user may deploy", () => {
    assert.equal(deployerVerdict("arn:aws:iam::111122223333:user/alice", { admin: ["arn:aws:iam::111122223333:user/alice"], view: [] }, false).level, "ok");
  });

  it("not listed: a preview warns (it reads nothing before the cluster exists), a deployment stops", () => {
    const other = "arn:aws:iam::111122223333:role/someone-else";
    assert.equal(deployerVerdict(other, principals, true).level, "warn");
    assert.equal(deployerVerdict(other, principals, false).level, "error");
  });

  it("a read-only principal may preview but not deploy", () => {
    assert.equal(deployerVerdict(CI_READ, principals, true).level, "ok");
    assert.equal(deployerVerdict(CI_READ, principals, false).level, "error");
  });

  it("a role's path does not make it another principal; another account's role of the same name is another", () => {
    assert.equal(principalKey("arn:aws:iam::111122223333:role/teams/platform-admins"), principalKey(ADMINS));
    assert.notEqual(principalKey("arn:aws:iam::444455556666:role/platform-admins"), principalKey(ADMINS));
    assert.equal(principalKey("arn:aws:sts::111122223333:assumed-role/platform-admins/s"), undefined);
    assert.equal(deployerVerdict("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/platform-admins", principals, false).level, "ok");
  });
});

describe("access entries", () => {
  it("one per listed principal, the deployer included: the creator's implicit entry is switched off instead (no 409)", () => {
    const entries = clusterAccessEntries({ adminPrincipals: [ADMINS, "arn:aws:iam::111122223333:user/alice"], viewPrincipals: [CI_READ] });
    assert.deepEqual(Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, e.principalArn])), {
      "admin-0": ADMINS,
      "admin-1": "arn:aws:iam::111122223333:user/alice",
      "view-0": CI_READ,
    });
  });

  it("the transform turns bootstrapClusterCreatorAdminPermissions off on the cluster beneath eks.Cluster, and touches nothing else", async () => {
    const props = { name: "c", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true } };
    const out = await noCreatorAdminEntry({ type: "aws:eks/cluster:Cluster", name: "c-eksCluster", custom: true, props, opts: {} });
    assert.deepEqual(out?.props, { name: "c", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false } });
    assert.equal(await noCreatorAdminEntry({ type: "aws:eks/accessEntry:AccessEntry", name: "e", custom: true, props: {}, opts: {} }), undefined);
  });
});
