/** What /api/v1/health answers: for load balancers, `npm start`'s supervisor and the web app's demo banner. */
import Type, { type Static } from 'typebox';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptimeSeconds: Type.Integer(),
  database: Type.Object({ kind: Type.Union([Type.Literal('embedded'), Type.Literal('external')]), ok: Type.Boolean(), latencyMs: Type.Number() }),
  /** accounts anyone can log in with (the demo accounts on the published password) are active: the web app shows a banner */
  demoAccounts: Type.Boolean(),
});
export type Health = Static<typeof Health>;
