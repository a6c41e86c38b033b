/**
 * The audit module: owns the append-only, hash-chained `audit_log` and
 * appends every 'audit' domain event to it. Modules record an action with one
 * line, `request.audit(action, …)` in a route (plugins/audit-request.ts) or
 * `socketAudit(events, socket, action, …)` in a socket handler, and need no
 * dependency on this module. Who records what:
 * - auth: logins, failed and throttled logins, logouts;
 * - users, units: creations, role/unit/activity changes, password resets;
 * - documents: reading, downloading and exporting a confidential document, revocations and their lifting;
 * - votes: polls opened, closed, published, cancelled, paper counts;
 * - live: proxy marks; conference: the chair's controls; display: pairing, moving, unpairing screens;
 * - outcome: minutes and notices issued and signed; signatures: trusted roots added and removed;
 * - this module: exports of the trail and chain checks.
 * Administrators read it under /api/v1/audit (filter, CSV export, chain check).
 */
import { defineModule } from '../module.ts';
import { auditRoutes } from './routes.ts';
import { AuditService } from './service.ts';

export const auditModule = defineModule<Record<string, never>, AuditService>({
  name: 'audit',
  create: ({ db }) => new AuditService(db),
  routes: (service) => auditRoutes(service),
  subscribe: (service, { events, log }) => {
    events.on('audit', (record) => {
      // After the action's own commit: a failure to append is logged loudly, never undoes the action.
      service.record(record).catch((error: unknown) => log.error({ err: error, action: record.action }, 'audit trail append failed'));
    });
  },
});

export { AuditService } from './service.ts';
