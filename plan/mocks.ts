// Strict Pulumi mocks plus a recorder on the mock resource monitor.
//
// `newResource` is not told a resource's parent or dependencies; the register request the mock
// monitor receives is. So the recorder wraps the monitor's registerResource and keeps the request.

import * as pulumi from "@pulumi/pulumi";
import type { ResourceRecord } from "./record";
import { SECRET } from "./stackfile";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** The wire form of an unknown value (what a preview shows as "[unknown]"). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Turns wire values into plain JSON: secrets "[secret]", unknowns "[unknown]", references their URN. */
export function sanitize(v: unknown): unknown {
  if (v === UNKNOWN) return "[unknown]";
  if (Array.isArray(v)) return v.map(sanitize);
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    switch (o[SIG]) {
      case SECRET_SIG:
        return SECRET;
      case RESOURCE_SIG:
        return o["urn"];
      case OUTPUT_SIG:
        return o["secret"] === true ? SECRET : o["value"] === undefined ? "[unknown]" : sanitize(o["value"]);
      case undefined:
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, sanitize(x)]));
      default:
        return "[asset]";
    }
  }
  return v;
}

/** Function calls (invokes) this program may make offline, with the answers a real cloud gives in shape. */
export type CallMock = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Computed outputs by resource type, so that code reading them sees plausible values. */
export type StateMock = (name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

export class StrictMocks implements pulumi.runtime.Mocks {
  constructor(
    private readonly calls: Readonly<Record<string, CallMock>>,
    private readonly states: Readonly<Record<string, StateMock>>,
  ) {}

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const mock = this.calls[args.token];
    if (!mock) {
      // A junk answer would let the program build on it; fail instead, naming what to add.
      throw new Error(`offline plan: no mock for function call '${args.token}' (add one in plan/cloud-mocks.ts)`);
    }
    return mock(args.inputs as Record<string, unknown>);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const extra = this.states[args.type]?.(args.name, args.inputs as Record<string, unknown>) ?? {};
    return { id: args.custom === false ? undefined : `${args.name}-id`, state: { ...args.inputs, ...extra } };
  }
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRemote(): boolean;
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback): void;
}

/** Installs the recorder on the current (mock) monitor; returns the live list of records. */
export function recordRegistrations(): { records: ResourceRecord[]; pending: () => number } {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
  if (!monitor) throw new Error("offline plan: setMocks must run before recordRegistrations");
  const records: ResourceRecord[] = [];
  let inFlight = 0;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    inFlight++;
    original(req, (err, resp) => {
      inFlight--;
      if (!err && resp) {
        const provider = req.getProvider();
        records.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent() || null,
          custom: req.getCustom(),
          // A provider reference is "<urn>::<id>".
          provider: provider ? provider.slice(0, provider.lastIndexOf("::")) : null,
          dependsOn: [...new Set(req.getDependenciesList())].sort(),
          inputs: sanitize(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
          options: {
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            remote: req.getRemote(),
          },
        });
      }
      cb(err, resp);
    });
  };
  return { records, pending: () => inFlight };
}

/** Waits until no registration has been in flight for several turns of the event loop. */
export async function settle(pending: () => number): Promise<void> {
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((r) => setTimeout(r, 5));
    quiet = pending() === 0 ? quiet + 1 : 0;
  }
}
