/**
 * Issue 10, acceptance 2: the lint rule that gives every table to its module
 * bites. The same rule entries eslint.config.js uses are run on code that
 * queries another module's table, the barrel, and a module's own table.
 */
import { ESLint } from 'eslint';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { moduleBoundaries } from '../../eslint/module-boundaries.js';

const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: ts.parser } }, ...moduleBoundaries] });

async function problems(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports');
}

describe('module boundaries', () => {
  it('a module importing another module\'s table fails lint as an error', async () => {
    const found = await problems('server/modules/votes/service.ts', "import { meetings } from '../../db/schema/meetings.ts';\nexport const t = meetings;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 2 });
    expect(found[0]!.message).toMatch(/Another module owns this table/);
  });

  it('the barrel of all tables is refused to every module', async () => {
    for (const barrel of ['../../db/schema/index.ts', '../../db/schema']) {
      const found = await problems('server/modules/live/sections.ts', `import { attendance } from '${barrel}';\nexport const t = attendance;\n`);
      expect(found, barrel).toHaveLength(1);
      expect(found[0]!.severity).toBe(2);
    }
  });

  it("a module reaching into another module's files (not its index.ts) fails lint as an error", async () => {
    const found = await problems('server/modules/users/service.ts', "import { hashPassword } from '../auth/passwords.ts';\nexport const t = hashPassword;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 2 });
    expect(found[0]!.message).toMatch(/Another module's inside/);
    expect(await problems('server/modules/users/service.ts', "import type { Credentials } from '../auth/index.ts';\nexport type T = Credentials;\n")).toEqual([]);
    expect(await problems('server/modules/users/service.ts', "import { userRoutes } from './routes.ts';\nexport const t = userRoutes;\n")).toEqual([]);
  });

  it("a module's own tables, and the identity context's shared tables, are allowed", async () => {
    expect(await problems('server/modules/votes/service.ts', "import { polls } from '../../db/schema/votes.ts';\nexport const t = polls;\n")).toEqual([]);
    expect(await problems('server/modules/auth/service.ts', "import { users } from '../../db/schema/identity.ts';\nexport const t = users;\n")).toEqual([]);
    expect(await problems('server/modules/conference/conference-store.ts', "import { conferenceMutes } from '../../db/schema/conference-state.ts';\nexport const t = conferenceMutes;\n")).toEqual([]);
  });
});
