/**
 * `request.audit(action, …)`: one line in a route handler puts a
 * security-relevant action on the audit trail, with the request's user and
 * client address. It only emits the 'audit' domain event; the audit module
 * appends it, so no module depends on the audit module.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditAction, AuditRecord } from '../contract/audit.ts';
import type { ClientToServerEvents } from '../contract/realtime.ts';
import type { DomainEvents } from '../events.ts';
import type { UserSocketTable } from '../modules/module.ts';
import type { AppSocket } from '../realtime/socket-server.ts';
import type { PayloadOf, SocketEntry } from '../realtime/socket-table.ts';

export type AuditFields = Omit<AuditRecord, 'action' | 'actorId' | 'address'> & { actorId?: string | null };

declare module 'fastify' {
  interface FastifyRequest {
    audit(action: AuditAction, fields?: AuditFields): void;
  }
}

export const auditRequestPlugin = fp(async (app: FastifyInstance, { events }: { events: DomainEvents }) => {
  app.decorateRequest('audit', function (this: FastifyRequest, action: AuditAction, fields: AuditFields = {}) {
    const user = this.session?.user;
    events.emit('audit', { actorName: user?.username ?? null, ...fields, actorId: fields.actorId ?? user?.id ?? null, action, address: this.ip });
  });
});

/** The same for a socket call: its user and the address it connected from. */
export function socketAudit(events: DomainEvents, socket: { data: { user: { id: string; username: string } }; handshake: { address: string } }, action: AuditAction, fields: AuditFields = {}): void {
  events.emit('audit', { actorName: socket.data.user.username, ...fields, actorId: socket.data.user.id, action, address: socket.handshake.address });
}

/** How a route's successful answer goes on the trail: its action, and which path parameter names the target. */
export type AuditedRoute = { action: AuditAction; target?: { type: string; param: string } };

/**
 * Records the routes of a module's plugin that answer 2xx, keyed by "METHOD
 * /path" as registered (without the /api/v1 prefix), with the meeting and
 * target taken from the path parameters. One hook beside the routes instead of
 * an edit in each handler.
 */
export function auditSuccessfulRoutes(app: FastifyInstance, routes: Record<string, AuditedRoute>): void {
  const entries = Object.entries(routes).map(([key, route]) => {
    const [method, path] = key.split(' ') as [string, string];
    return { method, path, route };
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 300) return;
    const url = request.routeOptions.url ?? '';
    const hit = entries.find((entry) => entry.method === request.method && url.endsWith(entry.path));
    if (hit === undefined) return;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    request.audit(hit.route.action, {
      meetingId: text(params.meetingId),
      ...(hit.route.target === undefined ? {} : { targetType: hit.route.target.type, targetId: text(params[hit.route.target.param]) }),
    });
  });
}

/** What a socket call puts on the trail, from its payload (undefined: nothing, e.g. an attendance mark without a proxy). */
export type SocketAuditEntry = AuditFields & { action: AuditAction };
type SocketAuditors = { [E in keyof ClientToServerEvents]?: (payload: PayloadOf<ClientToServerEvents, E>) => SocketAuditEntry | undefined };

function audited<E extends keyof ClientToServerEvents>(
  events: DomainEvents,
  entry: SocketEntry<ClientToServerEvents, E, AppSocket>,
  auditor: (payload: PayloadOf<ClientToServerEvents, E>) => SocketAuditEntry | undefined,
): SocketEntry<ClientToServerEvents, E, AppSocket> {
  return {
    schema: entry.schema,
    run: async (payload, socket) => {
      const answer = await entry.run(payload, socket);
      const record = auditor(payload);
      if (record !== undefined) socketAudit(events, socket, record.action, record);
      return answer;
    },
  };
}

function wrapEntry<E extends keyof ClientToServerEvents>(events: DomainEvents, out: UserSocketTable, auditors: SocketAuditors, event: E): void {
  const entry = out[event];
  const auditor = auditors[event];
  // Object.assign: TypeScript cannot relate a generic key's entry back to the table's mapped type on assignment.
  if (entry !== undefined && auditor !== undefined) Object.assign(out, { [event]: audited(events, entry, auditor) });
}

/** A module's socket table whose named calls, once they succeed, go on the audit trail. */
export function auditSocketCalls(events: DomainEvents, table: UserSocketTable, auditors: SocketAuditors): UserSocketTable {
  const out: UserSocketTable = { ...table };
  for (const event of Object.keys(auditors) as (keyof ClientToServerEvents)[]) wrapEntry(events, out, auditors, event);
  return out;
}
