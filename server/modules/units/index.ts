/**
 * The units module: the tree of province, districts, communes and their
 * offices. Owns the units table; others read names and levels through
 * UnitService.
 */
import { defineModule } from '../module.ts';
import { unitRoutes } from './routes.ts';
import { UnitService } from './service.ts';

export const unitsModule = defineModule<Record<string, never>, UnitService>({
  name: 'units',
  create: ({ db }) => new UnitService(db),
  routes: (service) => unitRoutes(service),
});

export { UnitService, unitsServedFrom } from './service.ts';
