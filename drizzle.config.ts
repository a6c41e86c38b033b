import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes in server/db/schema into SQL under migrations/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/index.ts',
  out: './migrations',
});
