// What a URN says about where a resource sits. A real preview runs the pack on the children of
// remote components too (@pulumi/eks, @pulumi/awsx): their URNs carry the component's type in
// their parent chain, e.g.
//   urn:pulumi:prod::voting-platform::voting-platform:aws:EksPlatform$eks:index:Cluster$pulumi:providers:kubernetes::prod-eks-eks-k8s

/** The types of a URN's ancestors, outermost first (the stack itself is not part of a URN). */
export function ancestorTypes(urn: string): string[] {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").slice(0, -1);
}

/** Packages whose components are remote (multi-language): their children are not ours to configure. */
const REMOTE_PACKAGES = /^(eks|awsx):/;

/** The remote component this resource was created by (its nearest such ancestor), if any. */
export function remoteComponentOf(urn: string): string | undefined {
  return ancestorTypes(urn).reverse().find((t) => REMOTE_PACKAGES.test(t));
}
