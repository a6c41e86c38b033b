/**
 * Input for the fuzzer, generated from the contract's TypeBox schemas with
 * fast-check: values of the right shape (so a call gets past validation and
 * reaches the service), and hostile ones — the right shape with one value
 * replaced by something an attacker would send (NUL characters, integers past
 * PostgreSQL's range, year-0 dates, deep nesting, thousands of repeats, wrong
 * types, unknown fields, missing fields).
 */
import fc from 'fast-check';

type Schema = {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
};

const UUID = '6f1c3f0e-8a4b-4c1e-9d2a-1b2c3d4e5f60';

/** An array nested `depth` levels: stack-hungry for recursive checkers. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

/** Single values an attacker tries in any field. */
export const HOSTILE_LEAVES: readonly unknown[] = [
  null,
  true,
  -1,
  0,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  1e308,
  -1e308,
  Number('99999999999999999999'),
  0.5,
  '',
  ' ',
  '\u0000',
  'ab\u0000cd',
  'x'.repeat(20_000),
  'a'.repeat(30_000) + '\u0001',
  '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  "'; drop table users; --",
  'khong-phai-uuid',
  UUID,
  [],
  {},
  nested(1_000),
  Array.from({ length: 5_000 }, () => UUID),
  { __proto__: { admin: true } },
];

/** Values of the schema's shape (kept small: the point is to reach the service). */
/** Ids that exist, all of them and by the field name that takes them (documentId, meetingId, pollId…). */
export type KnownIds = { all: readonly string[]; byField?: Readonly<Record<string, readonly string[]>> };

export function validArbitrary(schema: Schema, known: KnownIds = { all: [] }, field = ''): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => validArbitrary(s, known, field)));
  if (schema.allOf !== undefined && schema.allOf.length > 0) return validArbitrary(schema.allOf[0]!, known, field);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') {
        // Mostly ids that exist, of the kind the field names, so that calls get past "not found".
        const pool = known.byField?.[field] ?? known.all;
        return pool.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.uuid() }) : fc.uuid();
      }
      if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date') return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 200));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40), unit: 'grapheme' }).map((s) => (s.trim() === '' ? `Hội nghị ${s}` : s));
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 50, 10_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 10, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validArbitrary(schema.items ?? {}, known, field), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const properties = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = validArbitrary(property, known, name);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    default:
      return fc.constant(null);
  }
}

/** Paths to every value inside `value` (objects and arrays), the root included. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], leaf: unknown, mode: number): unknown {
  if (path.length === 0) return leaf;
  const copy: unknown = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const [head, ...rest] = path;
  const container = copy as Record<string | number, unknown>;
  if (rest.length === 0 && mode === 1 && !Array.isArray(copy)) delete container[head!];
  else container[head!] = replaceAt(container[head!], rest, leaf, mode);
  return copy;
}

/**
 * A hostile variant: a valid value with one place replaced by a hostile leaf
 * (mode 0), one field removed (mode 1), an unknown field added (mode 2), or
 * the whole value replaced (mode 3).
 */
export function hostileArbitrary(schema: Schema, known: KnownIds = { all: [] }): fc.Arbitrary<unknown> {
  return fc.tuple(validArbitrary(schema, known), fc.nat(), fc.constantFrom(...HOSTILE_LEAVES), fc.integer({ min: 0, max: 3 })).map(([valid, pick, leaf, mode]) => {
    if (mode === 3) return leaf;
    if (mode === 2 && typeof valid === 'object' && valid !== null && !Array.isArray(valid)) return { ...valid, isAdmin: leaf };
    const all = paths(valid);
    const path = all[pick % all.length]!;
    return replaceAt(valid, path, leaf, mode);
  });
}

/** Both kinds, mostly hostile, reproducible from `seed`. */
export function fuzzSamples(schema: Schema | undefined, count: number, seed: number, known: KnownIds = { all: [] }): unknown[] {
  if (schema === undefined) return fc.sample(fc.constantFrom(...HOSTILE_LEAVES), { numRuns: count, seed });
  return fc.sample(fc.oneof({ weight: 1, arbitrary: validArbitrary(schema, known) }, { weight: 3, arbitrary: hostileArbitrary(schema, known) }), { numRuns: count, seed });
}
