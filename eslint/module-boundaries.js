// Each domain module owns its tables (server/README.md): only the modules
// named here may import a schema file, and nobody imports the barrel
// (db/schema/index.ts) from a module. A query on another module's table is
// then a lint error, not a review comment; ask that module's service instead.

/** schema file (server/db/schema/<file>.ts) → the module folders that own it */
export const TABLE_OWNERS = {
  // one identity context in three modules: who logs in, their sessions, their units
  identity: ['auth', 'users', 'units'],
  meetings: ['meetings'],
  live: ['live'],
  votes: ['votes'],
  documents: ['documents'],
  annotations: ['annotations'],
  conference: ['conference'],
  'conference-state': ['conference'],
  display: ['display'],
  notifications: ['notifications'],
  audit: ['audit'],
  'official-docs': ['official-docs'],
  record: ['record'],
  mail: ['mail'],
  signatures: ['signatures'],
};

const BOUNDARY_SEVERITY = 'error';

// modules that own no table, checked all the same
const MODULES = [...new Set(Object.values(TABLE_OWNERS).flat()), 'system', 'outcome'];

function forbiddenFor(module) {
  const foreign = Object.entries(TABLE_OWNERS)
    .filter(([, owners]) => !owners.includes(module))
    .map(([file]) => file);
  return [
    {
      // a regex: the gitignore pattern '**/db/schema' would also match every file under that folder
      regex: '(^|/)db/schema(/index(\\.ts)?)?$',
      message: 'Import your own schema file (db/schema/<file>.ts), not the barrel: a module queries only its own tables.',
    },
    {
      group: foreign.flatMap((file) => [`**/db/schema/${file}.ts`, `**/db/schema/${file}`]),
      message: 'Another module owns this table: ask its service (a read API) instead of querying it (see server/README.md).',
    },
    {
      // a sibling module's files other than its entry (imports between modules are relative: '../auth/passwords.ts')
      group: MODULES.filter((other) => other !== module).flatMap((other) => [`../${other}/*`, `!../${other}/index.ts`]),
      message: "Another module's inside: import its index.ts, and take what you use of it as a dependency in create() (see server/README.md).",
    },
  ];
}

/** Flat-config entries, one per module folder. */
export const moduleBoundaries = MODULES.map((module) => ({
  files: [`server/modules/${module}/**/*.ts`],
  rules: { 'no-restricted-imports': [BOUNDARY_SEVERITY, { patterns: forbiddenFor(module) }] },
}));
