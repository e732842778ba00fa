// A small structural-schema checker for custom resources whose CRD schemas are kept as data
// (test/fixtures/crds): type, properties, required, items, enum, pattern, length and bounds.
// Stricter than the API server in one way on purpose: an unknown field is an error (a structural
// schema would prune it silently, and a misspelt field would then do nothing).

export interface Schema {
  readonly type?: "object" | "array" | "string" | "integer" | "boolean" | "number";
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** An object whose fields are not described here. */
  readonly open?: boolean;
}

export function checkSchema(value: unknown, schema: Schema, at = "spec"): string[] {
  const errors: string[] = [];
  const t = schema.type;
  if (t === "object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at} must be an object`];
    const o = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) errors.push(`${at}.${r} is required`);
    if (schema.open) return errors;
    for (const [k, v] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      if (!sub) errors.push(`${at}.${k} is not a field of this kind`);
      else errors.push(...checkSchema(v, sub, `${at}.${k}`));
    }
  } else if (t === "array") {
    if (!Array.isArray(value)) return [`${at} must be an array`];
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at} has more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...checkSchema(v, schema.items!, `${at}[${i}]`)));
  } else if (t === "string") {
    if (typeof value !== "string") return [`${at} must be a string`];
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at} is longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${at} does not match ${schema.pattern}`);
  } else if (t === "integer" || t === "number") {
    if (typeof value !== "number" || (t === "integer" && !Number.isInteger(value))) return [`${at} must be ${t === "integer" ? "an integer" : "a number"}`];
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at} is below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at} is above ${schema.maximum}`);
  } else if (t === "boolean") {
    if (typeof value !== "boolean") return [`${at} must be a boolean`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at} must be one of ${schema.enum.join(", ")}`);
  return errors;
}
