import { describe, expect, it } from 'vitest';
import { countAttendance } from '../../server/modules/live/quorum.ts';

const rule = { membershipTotal: 7, quorumNumerator: 2, quorumDenominator: 3, proxiesCountForQuorum: true };

describe('who counts toward attendance and the quorum', () => {
  it('the secretariat and guests never count, checked in or not', () => {
    const people = [
      { role: 'chair', status: 'present' as const },
      { role: 'secretary', status: 'present' as const },
      { role: 'guest', status: 'present' as const },
      { role: 'delegate', status: 'present' as const },
      { role: 'delegate', status: null },
    ];
    expect(countAttendance(rule, people)).toEqual({ inPerson: 2, represented: 0, present: 2, required: 5, met: false });
  });

  it('a represented member counts toward the quorum only when the meeting says so', () => {
    const people = [...Array(4).fill({ role: 'delegate', status: 'present' }), { role: 'delegate', status: 'proxy' as const }];
    expect(countAttendance(rule, people)).toMatchObject({ present: 5, represented: 1, met: true });
    expect(countAttendance({ ...rule, proxiesCountForQuorum: false }, people)).toMatchObject({ present: 4, represented: 1, met: false });
  });
});
