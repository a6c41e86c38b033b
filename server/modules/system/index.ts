/** The system module: health and version for load balancers and `npm start`. Owns no table. */
import { defineModule } from '../module.ts';
import { systemRoutes, type SystemDeps } from './routes.ts';

export const systemModule = defineModule<SystemDeps, SystemDeps>({
  name: 'system',
  create: (_context, deps) => deps,
  routes: (deps) => systemRoutes(deps),
});
