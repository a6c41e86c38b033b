/**
 * The first check on anything that arrives from outside, before any schema:
 * how deep, how many values, how long the strings, and no NUL character
 * (PostgreSQL cannot store one in text, so it would surface as a 500).
 *
 * Iterative and linear in the size of the input, with hard caps, so a hostile
 * payload (an array nested 100,000 levels, 20,000 repeated values) costs
 * microseconds to refuse: schema checkers and their error reporters recurse
 * and hash, and a deep value once threw a RangeError outside every handler.
 */
import type { ValidationIssue } from './validation.ts';

export type InputLimits = {
  /** nesting of objects and arrays; the deepest real payload (an ink stroke's points) is 4 */
  maxDepth: number;
  /** objects, arrays and primitives in all */
  maxNodes: number;
  /** characters of one string */
  maxStringLength: number;
};

/** Generous for every real call; the schemas then apply their own, smaller limits. */
export const EDGE_LIMITS: InputLimits = { maxDepth: 16, maxNodes: 100_000, maxStringLength: 1_000_000 };

type Pending = { value: unknown; depth: number; path: string };

const join = (base: string, name: string) => (base === '' ? name : `${base}.${name}`);

/** The first thing wrong with the input's shape, or undefined when it is within the limits. */
export function boundedIssue(input: unknown, limits: InputLimits = EDGE_LIMITS): ValidationIssue | undefined {
  const stack: Pending[] = [{ value: input, depth: 0, path: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    nodes += 1;
    if (nodes > limits.maxNodes) return { field: '', rule: 'maxItems', expected: limits.maxNodes };
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) return { field: path, rule: 'maxLength', expected: limits.maxStringLength };
      if (value.includes('\u0000')) return { field: path, rule: 'pattern' };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limits.maxDepth) return { field: path, rule: 'maxDepth', expected: limits.maxDepth };
    if (Array.isArray(value)) {
      if (nodes + value.length > limits.maxNodes) return { field: path, rule: 'maxItems', expected: limits.maxNodes };
      for (let i = 0; i < value.length; i += 1) stack.push({ value: value[i], depth: depth + 1, path: join(path, String(i)) });
      continue;
    }
    const keys = Object.keys(value);
    if (nodes + keys.length > limits.maxNodes) return { field: path, rule: 'maxItems', expected: limits.maxNodes };
    for (const key of keys) {
      if (key.includes('\u0000')) return { field: path, rule: 'pattern' };
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: join(path, key) });
    }
  }
  return undefined;
}
