/** The system module: health and version for load balancers and `npm start`. Owns no table. */
import type { Database } from '../../db/client.ts';
import { defineModule } from '../module.ts';
import { systemRoutes } from './routes.ts';

export const systemModule = defineModule<{ database: Database }, { database: Database }>({
  name: 'system',
  create: (_context, deps) => deps,
  routes: ({ database }) => systemRoutes(database),
});
