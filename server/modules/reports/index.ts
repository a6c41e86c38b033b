/**
 * The reports module: the organising unit's figures for a period (meetings
 * held paperless, documents online, pages delivered instead of printed,
 * attendance per unit). Owns no table; reads through the meetings, documents,
 * live, users and units modules' APIs.
 */
import { defineModule } from '../module.ts';
import { reportRoutes } from './routes.ts';
import { ReportService, type ReportDeps } from './service.ts';

export const reportsModule = defineModule<ReportDeps, ReportService>({
  name: 'reports',
  create: (_context, deps) => new ReportService(deps),
  routes: (reports) => reportRoutes(reports),
});

export { ReportService } from './service.ts';
