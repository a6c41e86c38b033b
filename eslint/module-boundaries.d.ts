/** Types of module-boundaries.js, for the test that proves the rule bites. */
import type { Linter } from 'eslint';

export declare const TABLE_OWNERS: Record<string, string[]>;
export declare const moduleBoundaries: Linter.Config[];
