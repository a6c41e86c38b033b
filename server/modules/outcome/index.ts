/**
 * The outcome module (issue 12): issuing an approved minutes or conclusion
 * notice, signing it in sequence (secretary, then chair) with a PKCS#12
 * keystore given for that one signing or the configured remote service,
 * reporting its signatures against the trusted roots, and delivering it once
 * fully signed. Owns no tables: the register and the signed revisions are
 * official-docs', the trusted roots signatures', the queue mail's.
 */
import { defineModule } from '../module.ts';
import type { OutcomeDeps } from './deps.ts';
import { outcomeRoutes } from './routes.ts';
import { OutcomeService } from './service.ts';

export const outcomeModule = defineModule<OutcomeDeps, OutcomeService>({
  name: 'outcome',
  create: ({ log, config }, deps) => new OutcomeService(deps, log, config.publicUrl),
  routes: (outcome) => outcomeRoutes(outcome),
});

export { OutcomeService } from './service.ts';
