import { type ZodType, z } from 'zod';

/**
 * The building blocks of the config schema (schema.ts): they record, next to the zod schemas,
 * what the derived forms (forms.ts) need to know.
 */

/** The plain-data (dlt, JSON Schema) form of a value whose code form is wider. */
const dataForms = new WeakMap<ZodType, ZodType>();

/**
 * A value with two forms: `code` is what `restApiSource` accepts (factories, `secret()`, any
 * letter case), `data` is the plain-data form the JSON Schema describes.
 */
export function dual<Schema extends ZodType>(code: Schema, data: ZodType): Schema {
  dataForms.set(code, data);
  return code;
}

/** The plain-data form of `schema`, when it declared one with `dual`. */
export function dataFormOf(schema: ZodType): ZodType | undefined {
  let current: ZodType | undefined = schema;
  while (current) {
    const data = dataForms.get(current);
    if (data) return data;
    // `.describe()` and `.meta()` make a copy that remembers the schema it came from.
    current = current._zod.parent as ZodType | undefined;
  }
  return undefined;
}

/** Runs `schema` on a value and forwards its issues (relative paths), so nested problems keep their paths. */
export function forward(schema: ZodType, value: unknown, context: z.core.$RefinementCtx): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) context.addIssue({ ...issue } as z.core.$ZodRawIssue);
  }
}

/**
 * A value checked by a function (for shapes zod cannot express, such as factory objects), typed
 * as `Value`. `check` may add issues of its own and return true to keep only those.
 */
export function custom<Value>(
  message: string,
  check: (value: unknown, context: z.core.$RefinementCtx) => boolean,
): z.ZodType<Value, Value> {
  return z.any().superRefine((value, context) => {
    if (value !== undefined && !check(value, context)) context.addIssue({ code: 'custom', message });
  }) as unknown as z.ZodType<Value, Value>;
}

/**
 * An object that may be written as one string, the value of `key`: a resource as its name, an
 * endpoint as its path.
 */
export function orShorthand<Schema extends z.ZodObject>(
  schema: Schema,
  key: string,
  description: string,
): z.ZodType<z.output<Schema>, string | z.input<Schema>> {
  const code = z.preprocess((value) => (typeof value === 'string' ? { [key]: value } : value), schema);
  return dual(code, z.union([z.string().min(1), schema]).describe(description)) as unknown as z.ZodType<
    z.output<Schema>,
    string | z.input<Schema>
  >;
}
