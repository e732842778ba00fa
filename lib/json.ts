// Tolerant readers for untyped property bags (resource inputs, Helm values, policy props).

export type Obj = Record<string, unknown>;

/** The value as a plain object, or {} when it is not one. */
export const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The value as an array, or [] when it is not one. */
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A nested value by keys, undefined where the path breaks. */
export const dig = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => obj(o)[k], v);
