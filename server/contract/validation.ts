/**
 * One validator for every edge: Fastify routes, Socket.io handlers, the web's
 * forms and the tests compile the same TypeBox schemas with this function.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { boundedIssue } from './bounded.ts';

const ISSUE_RULES = ['required', 'unknown', 'type', 'minLength', 'maxLength', 'pattern', 'format', 'enum', 'minimum', 'maximum', 'maxItems', 'maxDepth', 'other'] as const;

/** One problem with one field, in a form the caller can translate. */
export const ValidationIssueSchema = Type.Object({
  /** dotted path of the offending field, e.g. "unitId" or "items.2.title"; "" for the whole value */
  field: Type.String(),
  rule: Type.Enum(ISSUE_RULES),
  /** the limit, type or format the rule refers to, when there is one */
  expected: Type.Optional(Type.Union([Type.String(), Type.Number()])),
});
export type ValidationIssue = Static<typeof ValidationIssueSchema>;

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

type RawError = {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
};

function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

/** Turns TypeBox's raw errors into one issue per field, most useful first. */
export function toIssues(errors: readonly RawError[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: ValidationIssue) => {
    if (seen.has(issue.field)) return;
    seen.add(issue.field);
    issues.push(issue);
  };
  for (const error of errors) {
    const base = pointerToField(error.instancePath);
    const params = error.params;
    switch (error.keyword) {
      case 'required':
        for (const name of (params.requiredProperties as string[] | undefined) ?? []) add({ field: join(base, name), rule: 'required' });
        break;
      case 'additionalProperties':
        for (const name of (params.additionalProperties as string[] | undefined) ?? []) add({ field: join(base, name), rule: 'unknown' });
        break;
      case 'boolean':
        // "schema is false" is TypeBox's echo of an unknown property; the additionalProperties entry names it.
        break;
      case 'type':
        add({ field: base, rule: 'type', expected: String(params.type) });
        break;
      case 'minLength':
      case 'maxLength':
      case 'minimum':
      case 'maximum':
        add({ field: base, rule: error.keyword, expected: Number(params.limit) });
        break;
      case 'pattern':
        add({ field: base, rule: 'pattern' });
        break;
      case 'format':
        add({ field: base, rule: 'format', expected: String(params.format) });
        break;
      case 'const':
      case 'enum':
      case 'anyOf':
        add({ field: base, rule: 'enum' });
        break;
      default:
        add({ field: base, rule: 'other' });
    }
  }
  return issues;
}

export type Validator<S extends TSchema> = {
  schema: S;
  check(value: unknown): Validated<Static<S>>;
};

/**
 * Compiled once per schema: socket handlers ask for their validator on every
 * connection, and compiling ~50 schemas per socket cost 300 KB and 20+ ms of
 * CPU per tablet (found by bench:fanout).
 */
const compiledCache = new WeakMap<TSchema, ReturnType<typeof Compile>>();

/**
 * Detailed errors only for small input: TypeBox reports every keyword of every
 * value (20,000 repeated ids once took 12 s), so a large invalid value gets
 * one issue naming the whole value instead.
 */
const DETAILED_ERRORS_UP_TO_NODES = 2_000;

function issuesOf(compiled: ReturnType<typeof Compile>, value: unknown): ValidationIssue[] {
  if (boundedIssue(value, { maxDepth: 16, maxNodes: DETAILED_ERRORS_UP_TO_NODES, maxStringLength: 100_000 }) !== undefined) return [{ field: '', rule: 'other' }];
  try {
    const issues = toIssues(compiled.Errors(value) as RawError[]);
    return issues.length > 0 ? issues : [{ field: '', rule: 'other' }];
  } catch {
    // The reporter failed on this value (it recursed too far): the value is still refused.
    return [{ field: '', rule: 'other' }];
  }
}

export function compileValidator<S extends TSchema>(schema: S): Validator<S> {
  let compiled = compiledCache.get(schema);
  if (compiled === undefined) {
    compiled = Compile(schema);
    compiledCache.set(schema, compiled);
  }
  const checker = compiled;
  return {
    schema,
    check(value) {
      const tooBig = boundedIssue(value);
      if (tooBig !== undefined) return { ok: false, issues: [tooBig] };
      if (checker.Check(value)) return { ok: true, value: value as Static<S> };
      return { ok: false, issues: issuesOf(checker, value) };
    },
  };
}
