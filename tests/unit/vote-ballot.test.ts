/**
 * The tablet's side of a ballot: one idempotency key per poll and voter that
 * survives a reload (so a resend is counted once), the "approve at most K"
 * rule, the chair's form, and the result sheet's wording.
 */
import { describe, expect, it } from 'vitest';
import type { PollDto } from '../../server/contract/votes.ts';
import { dateTimeText, electionLines, optionVerdict, percentText, sourceLines, thresholdText } from '../../server/modules/votes/sheet-text.ts';
import { BallotStore, forgetLegacyBallots, type KeyValueStore } from '../../web/lib/votes/ballot-store.ts';
import { candidateLines, emptyPollForm, toPollCreate } from '../../web/lib/votes/poll-form.ts';
import { describeChoice, findReceipt, isValidElectionChoice, orderedChoice, toggleCandidate } from '../../web/lib/votes/choice.ts';
import { orderPolls } from '../../web/lib/votes/order.ts';

/** localStorage as a Map, shared by the "tabs" made from it (a reload is a new BallotStore on the same storage). */
function memoryStorage(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('ballot idempotency keys', () => {
  it('a retry and a reload before the ack send the same key; no receipt is kept on the tablet', () => {
    const storage = memoryStorage();
    const first = new BallotStore(storage);
    const key = first.keyToSend('poll-1', 'voter-1');
    expect(key).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(first.keyToSend('poll-1', 'voter-1')).toBe(key); // lost ack, retried
    const afterReload = new BallotStore(storage);
    expect(afterReload.keyToSend('poll-1', 'voter-1')).toBe(key);
    afterReload.accepted('poll-1', 'voter-1', key);
    expect(new BallotStore(storage).get('poll-1', 'voter-1')).toEqual({ key, acked: true });
    expect([...storage.data.values()].join()).not.toContain('receipt');
  });

  it('each poll and each voter (own ballot, proxy ballot) has its own key', () => {
    const store = new BallotStore(memoryStorage());
    const keys = new Set([store.keyToSend('p1', 'me'), store.keyToSend('p1', 'absent-delegate'), store.keyToSend('p2', 'me')]);
    expect(keys.size).toBe(3);
  });

  it('a change of an accepted ballot takes a new key, kept for its own retries', () => {
    const store = new BallotStore(memoryStorage());
    const key = store.keyToSend('p', 'v');
    store.accepted('p', 'v', key);
    const change = store.keyToSend('p', 'v');
    expect(change).not.toBe(key);
    expect(store.keyToSend('p', 'v')).toBe(change);
  });

  it('removes the keys and receipts older versions left in localStorage under voter ids', () => {
    const local = new Map([['phs.ballot.p.v', '{"key":"abcdefgh","receipt":"ABCD","acked":true}'], ['phs.other', 'x']]);
    const storage = { get length() { return local.size; }, key: (i: number) => [...local.keys()][i] ?? null, removeItem: (k: string) => void local.delete(k) };
    forgetLegacyBallots(storage);
    expect([...local.keys()]).toEqual(['phs.other']);
  });

  it('works without storage (retries on the page keep their key) and ignores garbage in storage', () => {
    const none = new BallotStore(null);
    expect(none.keyToSend('p', 'v')).toBe(none.keyToSend('p', 'v'));
    const storage = memoryStorage();
    storage.setItem('phs.ballot.p.v', '{"key":"<script>"}');
    expect(new BallotStore(storage).get('p', 'v')).toBeNull();
    const refusing: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const store = new BallotStore(refusing);
    expect(store.keyToSend('p', 'v')).toBe(store.keyToSend('p', 'v'));
  });
});

const election = { candidates: [{ id: 'a', name: 'Nguyễn Văn An' }, { id: 'b', name: 'Trần Thị Bình' }, { id: 'c', name: 'Lê Văn Cường' }, { id: 'd', name: 'Phạm Thị Dung' }], maxChoices: 2 } satisfies Pick<PollDto, 'candidates' | 'maxChoices'>;

describe('approve at most K', () => {
  it('refuses the (K+1)th name, allows un-approving, and sends names in ballot order', () => {
    let state = toggleCandidate([], 'c', 2);
    state = toggleCandidate(state.selected, 'a', 2);
    expect(state).toEqual({ selected: ['c', 'a'], refused: false });
    state = toggleCandidate(state.selected, 'b', 2);
    expect(state).toEqual({ selected: ['c', 'a'], refused: true });
    state = toggleCandidate(state.selected, 'c', 2);
    expect(state).toEqual({ selected: ['a'], refused: false });
    expect(orderedChoice(election, ['d', 'a'])).toEqual(['a', 'd']);
  });

  it('a ballot is valid with none to K known, distinct names', () => {
    expect(isValidElectionChoice(election, [])).toBe(true);
    expect(isValidElectionChoice(election, ['a', 'b'])).toBe(true);
    expect(isValidElectionChoice(election, ['a', 'b', 'c'])).toBe(false);
    expect(isValidElectionChoice(election, ['a', 'a'])).toBe(false);
    expect(isValidElectionChoice(election, ['x'])).toBe(false);
  });

  it('finds a receipt typed in lower case or with spaces among the counted ones, and names a choice', () => {
    const ballots = [{ receipt: 'ABCD2345EFGH6789' }, { receipt: 'ZZZZ2345EFGH6789' }];
    expect(findReceipt(ballots, ' abcd 2345 efgh 6789 ')?.receipt).toBe('ABCD2345EFGH6789');
    expect(findReceipt(ballots, 'NOPE')).toBeNull();
    expect(findReceipt(ballots, '  ')).toBeNull();
    const options = { yes: 'Tán thành', no: 'Không tán thành', abstain: 'Không biểu quyết' };
    expect(describeChoice(election, ['a', 'c'], options, '—')).toBe('Nguyễn Văn An, Lê Văn Cường');
    expect(describeChoice(election, [], options, 'Không đồng ý ai')).toBe('Không đồng ý ai');
    expect(describeChoice(election, 'yes', options, '—')).toBe('Tán thành');
  });
});

describe("the chair's new-vote form", () => {
  it('candidates one per line: blanks dropped, spaces trimmed, duplicates once', () => {
    expect(candidateLines('  Nguyễn Văn An \n\nTrần   Thị Bình\r\nnguyễn văn an\n')).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
  });

  it('a motion with the default rules; an election with K; a custom fraction', () => {
    const motion = toPollCreate({ ...emptyPollForm(), title: ' Thông qua Nghị quyết ' }, 'agenda-1');
    expect(motion).toEqual({ ok: true, body: { kind: 'motion', title: 'Thông qua Nghị quyết', secret: false, eligibility: 'present', allowProxy: true, allowChange: false, threshold: 'half_all', agendaItemId: 'agenda-1' } });
    const vote = toPollCreate({ ...emptyPollForm(), kind: 'election', title: 'Bầu Ban Thường vụ', secret: true, candidates: 'A\nB\nC\nD\nE', maxChoices: '3' }, null);
    expect(vote.ok && vote.body).toMatchObject({ kind: 'election', secret: true, candidates: ['A', 'B', 'C', 'D', 'E'], maxChoices: 3 });
    expect(toPollCreate({ ...emptyPollForm(), title: 'X y', threshold: 'custom', numerator: '3', denominator: '4' }, null)).toMatchObject({ ok: true, body: { custom: { numerator: 3, denominator: 4 } } });
  });

  it('names the wrong field: no candidates, K above the list, an improper fraction', () => {
    expect(toPollCreate({ ...emptyPollForm(), kind: 'election', title: 'Bầu', candidates: ' \n ' }, null)).toEqual({ ok: false, field: 'candidates' });
    expect(toPollCreate({ ...emptyPollForm(), kind: 'election', title: 'Bầu', candidates: 'A\nB', maxChoices: '3' }, null)).toEqual({ ok: false, field: 'maxChoices' });
    expect(toPollCreate({ ...emptyPollForm(), title: 'X y', threshold: 'custom', numerator: '5', denominator: '4' }, null)).toEqual({ ok: false, field: 'custom' });
    // Seats: 3 to elect of 5, at most 3 per ballot; never fewer seats than a ballot may approve.
    expect(toPollCreate({ ...emptyPollForm(), kind: 'election', title: 'Bầu', candidates: 'A\nB\nC\nD\nE', seats: '3' }, null)).toMatchObject({ ok: true, body: { seats: 3 } });
    expect(toPollCreate({ ...emptyPollForm(), kind: 'election', title: 'Bầu', candidates: 'A\nB', seats: '3' }, null)).toEqual({ ok: false, field: 'seats' });
    expect(toPollCreate({ ...emptyPollForm(), kind: 'election', title: 'Bầu', candidates: 'A\nB\nC', seats: '1', maxChoices: '2' }, null)).toEqual({ ok: false, field: 'seats' });
  });
});

describe('result sheet wording', () => {
  it('rules, verdicts, Vietnamese percentages and Vietnam time', () => {
    expect(thresholdText({ threshold: 'two_thirds_all', custom: null })).toBe('Từ hai phần ba tổng số thành viên trở lên');
    expect(thresholdText({ threshold: 'custom', custom: { numerator: 3, denominator: 5 } })).toBe('Từ 3/5 tổng số thành viên trở lên');
    expect(optionVerdict('election', true)).toBe('Trúng cử');
    expect(optionVerdict('motion', null)).toBe('');
    expect(optionVerdict('election', false, true)).toBe('Bằng phiếu - bầu lại');
    const options = ['A', 'B', 'C'].map((key) => ({ key, label: `Ứng viên ${key}`, votes: 0, percent: 0, passed: null }));
    expect(electionLines({ options, election: { seats: 2, elected: 1, tie: { keys: ['B', 'C'], seats: 1 }, unfilled: 0 } })).toEqual([
      'Số người cần bầu: 2; số người trúng cử: 1',
      'Bằng phiếu ở vị trí cuối: Ứng viên B, Ứng viên C - bầu lại 1 người trong số này',
    ]);
    expect(sourceLines({ source: 'paper', paper: { reason: 'Mất kết nối', replacedBallots: 4 } })).toEqual(['Kết quả kiểm phiếu giấy, do thư ký nhập', 'Thay thế 4 phiếu điện tử đã bỏ', 'Lý do: Mất kết nối']);
    expect(percentText(16.67)).toBe('16,67%');
    // 01:30 UTC is 08:30 in Hà Nội, whatever the server's time zone.
    expect(dateTimeText('2026-12-12T01:30:00.000Z')).toBe('08:30 ngày 12/12/2026');
  });
});

describe('poll lists', () => {
  it('open polls first as opened, then the rest newest first', () => {
    const rank = { open: 0, closed: 1, published: 1, draft: 2, cancelled: 3 } as const;
    const polls = [
      { id: 'old-result', status: 'published' },
      { id: 'open-1', status: 'open' },
      { id: 'new-result', status: 'published' },
      { id: 'open-2', status: 'open' },
    ] as const;
    expect(orderPolls(polls, rank).map((p) => p.id)).toEqual(['open-1', 'open-2', 'new-result', 'old-result']);
  });
});
