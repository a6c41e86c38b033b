/** The chair's "new vote" form as plain data, and how it becomes the API's PollCreate (kept apart to be tested). */
import type { PollCreate, PollThreshold } from '$contract/votes.ts';

export type PollForm = {
  kind: 'motion' | 'election';
  title: string;
  secret: boolean;
  /** one candidate per line */
  candidates: string;
  /** typed in text inputs with a numeric keypad (a number input would bind numbers) */
  maxChoices: string;
  /** how many are to be elected (empty: the per-ballot limit) */
  seats: string;
  eligibility: 'present' | 'all_members';
  threshold: PollThreshold;
  numerator: string;
  denominator: string;
  allowProxy: boolean;
  allowChange: boolean;
};

export function emptyPollForm(): PollForm {
  // The defaults of the rules: more than half of all members, present members vote, proxies allowed, no change.
  return { kind: 'motion', title: '', secret: false, candidates: '', maxChoices: '', seats: '', eligibility: 'present', threshold: 'half_all', numerator: '2', denominator: '3', allowProxy: true, allowChange: false };
}

/** Candidates typed one per line: blank lines dropped, spaces trimmed, a name typed twice kept once. */
export function candidateLines(text: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const name = line.normalize('NFC').replace(/\s+/g, ' ').trim();
    const folded = name.toLocaleLowerCase('vi');
    if (name === '' || seen.has(folded)) continue;
    seen.add(folded);
    names.push(name);
  }
  return names;
}

export type FormProblem = 'candidates' | 'maxChoices' | 'seats' | 'custom';

/** The body to send, or which field is wrong (the server checks again and says why). */
export function toPollCreate(form: PollForm, agendaItemId: string | null): { ok: true; body: PollCreate } | { ok: false; field: FormProblem } {
  const body: PollCreate = {
    kind: form.kind,
    title: form.title.trim(),
    secret: form.secret,
    eligibility: form.eligibility,
    allowProxy: form.allowProxy,
    allowChange: form.allowChange,
    threshold: form.threshold,
    ...(agendaItemId === null ? {} : { agendaItemId }),
  };
  if (form.threshold === 'custom') {
    const numerator = Number(form.numerator);
    const denominator = Number(form.denominator);
    if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator < 1 || denominator < 1 || numerator > denominator || denominator > 100) return { ok: false, field: 'custom' };
    body.custom = { numerator, denominator };
  }
  if (form.kind === 'election') {
    const names = candidateLines(form.candidates);
    if (names.length === 0) return { ok: false, field: 'candidates' };
    body.candidates = names;
    if (form.maxChoices.trim() !== '') {
      const max = Number(form.maxChoices);
      if (!Number.isInteger(max) || max < 1 || max > names.length) return { ok: false, field: 'maxChoices' };
      body.maxChoices = max;
    }
    if (form.seats.trim() !== '') {
      const seats = Number(form.seats);
      // A ballot may approve at most as many as there are seats.
      if (!Number.isInteger(seats) || seats < 1 || seats > names.length || (body.maxChoices !== undefined && body.maxChoices > seats)) return { ok: false, field: 'seats' };
      body.seats = seats;
    }
  }
  return { ok: true, body };
}
