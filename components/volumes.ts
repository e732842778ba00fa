import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A claim a StatefulSet's controller would create from its volumeClaimTemplate, kept by this program instead. */
export interface ClaimArgs {
  /** The claim's name: `<template>-<statefulset>-<ordinal>` (the StatefulSet controller's naming). */
  readonly claimName: string;
  readonly namespace: string;
  readonly sizeGb: number;
  readonly storageClassName: pulumi.Input<string>;
  /** The labels the controller would give the claim: the template's labels and the StatefulSet's selector. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Resolves once the size may be applied (the program's no-shrink check); the size waits for it.
   * @default the size is applied unconditionally
   */
  readonly sizeGate?: pulumi.Input<unknown>;
}

/**
 * The claim Patch's annotations.
 * - patchForce: the StatefulSet controller owns the fields it created; the first apply takes them over.
 * - skipAwait: a claim Patch is a new resource (a Create) on stacks whose claim already exists and is
 *   Bound. pulumi-kubernetes' claim awaiter (provider/pkg/await/awaiters.go,
 *   untilCoreV1PersistentVolumeClaimReady) accepts Bound only on an Update (lastOutputs set) and, on a
 *   Create with a WaitForFirstConsumer class (every class here: gp3-encrypted, pd-balanced, kind's
 *   standard), waits for Pending: a Bound claim times out after 5 minutes and fails the `up`
 *   (pulumi-kubernetes#4179/#4181 fixed the Update path only). skipAwait is read before any awaiter
 *   (provider/pkg/metadata/overrides.go ReadyCondition: SkipAwaitLogic(inputs) → no-op condition).
 *   Nothing downstream needs the claim Bound: the StatefulSet and Helm waits cover that.
 */
export const CLAIM_PATCH_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true" };

/**
 * A StatefulSet's claim, applied by the program before its StatefulSet: a server-side apply of the
 * whole claim (name, access mode, class, size), so that
 * - on a first install it creates the claim, which the StatefulSet controller then uses (it creates
 *   a claim only when none of that name exists: kubernetes/pkg/controller/statefulset,
 *   createPersistentVolumeClaims);
 * - on later ups it grows the existing claim in place (StatefulSets never resize their claims, and
 *   their volumeClaimTemplates are immutable: KEP-661); the StorageClass must allow expansion;
 * - it never waits behind its StatefulSet: a database whose volume is full cannot become Ready,
 *   so a StatefulSet rollout in the same `up` would time out before a claim applied after it grew.
 * A Patch resource, not a PersistentVolumeClaim: the provider creates Patch resources with a
 * server-side apply (create or update) and plain resources with a create that fails on an
 * existing object (pulumi-kubernetes 4.29 and later), and claims made by earlier versions of this
 * program (through the controller) must be taken over. Forced: the controller owns the fields it
 * created. Retained on delete: giving the fields up would leave a claim without a size; the
 * namespace's deletion (when data is not retained) deletes the claim. Kubernetes rejects a smaller
 * request ("field can not be less than previous value"): the program checks that first. The class
 * and access mode count at creation only (ignoreChanges): they are immutable on a claim, so a
 * later change of the platform's StorageClass leaves the existing claim as it is, like the
 * StatefulSet's ignored template, instead of failing the `up` on the API server.
 */
export function statefulSetClaim(name: string, a: ClaimArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.PersistentVolumeClaimPatch {
  const storage = a.sizeGate === undefined ? `${a.sizeGb}Gi` : pulumi.output(a.sizeGate).apply(() => `${a.sizeGb}Gi`);
  return new k8s.core.v1.PersistentVolumeClaimPatch(
    name,
    {
      metadata: { name: a.claimName, namespace: a.namespace, labels: { ...a.labels }, annotations: { ...CLAIM_PATCH_ANNOTATIONS } },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: a.storageClassName, resources: { requests: { storage } } },
    },
    { ...opts, retainOnDelete: true, ignoreChanges: ["spec.storageClassName", "spec.accessModes"] },
  );
}
