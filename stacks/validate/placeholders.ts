// Documentation and example values that plan cleanly but mean nothing in a real account: a stack
// that still holds one is warned about in `plan` and `pulumi preview`, and `pulumi up` refuses to
// start (stacks/config.ts) before any resource is registered.

import { overlaps, parseCidr, type Cidr } from "../cidr";
import { CONFIG_KEYS, type ConfigKey } from "../schema";
import type { Typed } from "./common";

// RFC 5737 §3: TEST-NET-1/2/3 are "for use in documentation"; no network is reachable from them.
// https://www.rfc-editor.org/rfc/rfc5737#section-3
const DOCUMENTATION_RANGES: readonly { readonly text: string; readonly cidr: Cidr; readonly name: string }[] = [
  { text: "192.0.2.0/24", name: "TEST-NET-1" },
  { text: "198.51.100.0/24", name: "TEST-NET-2" },
  { text: "203.0.113.0/24", name: "TEST-NET-3" },
].map((r) => ({ ...r, cidr: parseCidr(r.text)! }));

// The account IDs AWS's own documentation uses in example ARNs ("arn:aws:iam::111122223333:role/..."
// throughout the IAM User Guide; 123456789012 in older pages and the CLI reference). No real
// principal has them, so an EKS access entry for one is rejected at `pulumi up`.
const EXAMPLE_AWS_ACCOUNTS: readonly string[] = ["111122223333", "123456789012"];

// The project IDs the shipped Pulumi.gcp-*.yaml files carry as examples.
const EXAMPLE_GCP_PROJECTS: readonly string[] = ["voting-platform-dev", "voting-platform-prod"];

// RFC 2606 §2-3: the TLDs .test, .example, .invalid, .localhost and the second-level names
// example.com/.net/.org are reserved for examples: nobody can own them, so no certificate authority
// (ACM included) can validate them. https://www.rfc-editor.org/rfc/rfc2606
const EXAMPLE_DOMAIN = /^(?:[a-z0-9-]+\.)*(?:example\.(?:com|net|org)|[a-z0-9-]+\.(?:test|example|invalid|localhost))$/;

/** Why one value is a placeholder, or undefined if it is not one. */
export function placeholderReason(value: string): string | undefined {
  const cidr = parseCidr(value);
  if (cidr) {
    const doc = DOCUMENTATION_RANGES.find((r) => overlaps(r.cidr, cidr));
    if (doc) return `${value} is in ${doc.text}, a range reserved for documentation (RFC 5737 ${doc.name}): no real network uses it`;
  }
  const account = EXAMPLE_AWS_ACCOUNTS.find((a) => new RegExp(`(^|:)${a}(:|$)`).test(value));
  if (account) return `${account} is an example account ID from AWS's documentation, not a real account`;
  if (EXAMPLE_DOMAIN.test(value)) return `${value} is a domain reserved for examples (RFC 2606): nobody owns it, so no certificate can be validated for it`;
  if (EXAMPLE_GCP_PROJECTS.includes(value)) return `${value} is the example project ID shipped with this repository`;
  return undefined;
}

export interface Placeholder {
  readonly key: ConfigKey;
  readonly message: string;
}

/** Every key among `keys` whose value (or one of whose list items) is a placeholder. */
export function findPlaceholders(v: Typed, keys: readonly ConfigKey[]): Placeholder[] {
  const found: Placeholder[] = [];
  for (const key of keys) {
    const value: unknown = v[key];
    const items = Array.isArray(value) ? value : [value];
    const reasons = items.filter((x): x is string => typeof x === "string").map(placeholderReason).filter((r): r is string => r !== undefined);
    if (reasons.length === 0) continue;
    found.push({
      key,
      message: `${reasons.join("; ")}: replace it with your own value (${CONFIG_KEYS[key].description}). Plans and previews work with it, pulumi up refuses to run until it is replaced`,
    });
  }
  return found;
}
