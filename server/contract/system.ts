/** The health check's answer: for load balancers, `npm start` and people reading it. */
import Type, { type Static } from 'typebox';

export const Health = Type.Object({
  /** ok: the database answers; degraded (sent with 503): it does not */
  status: Type.Enum(['ok', 'degraded'] as const),
  version: Type.String(),
  uptimeSeconds: Type.Integer(),
  database: Type.Object({
    kind: Type.Enum(['external', 'embedded'] as const),
    ok: Type.Boolean(),
    /** the round trip of `select 1`, to a tenth of a millisecond */
    latencyMs: Type.Number(),
  }),
});
export type Health = Static<typeof Health>;
