/**
 * Issue 12: the minutes and notice drafts built from a meeting's record state
 * its figures right (attendance against membership and quorum, poll counts
 * and percentages, times in Vietnam time), and a rebuild keeps what the
 * secretary wrote.
 */
import { describe, expect, it } from 'vitest';
import type { OfficialDocument } from '../../server/contract/official-documents.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { Value } from 'typebox/value';
import { OfficialDocument as OfficialDocumentSchema } from '../../server/contract/official-documents.ts';
import type { RecordFacts } from '../../server/modules/record/facts.ts';
import { buildMinutes } from '../../server/modules/record/minutes.ts';
import { buildNotice } from '../../server/modules/record/notice.ts';
import { rebuildKeepingNarrative } from '../../server/modules/record/rebuild.ts';

const person = (name: string, unit = 'Văn phòng Tỉnh ủy') => ({ name, title: null, unit });
const ITEM = '00000000-0000-4000-8000-000000000001';
const POLL = '00000000-0000-4000-8000-000000000002';

const poll: PollDto = {
  id: POLL,
  meetingId: '00000000-0000-4000-8000-000000000009',
  agendaItemId: ITEM,
  kind: 'motion',
  title: 'Thông qua Nghị quyết',
  secret: true,
  eligibility: 'present',
  allowProxy: true,
  allowChange: false,
  threshold: 'half_all',
  custom: null,
  candidates: [],
  maxChoices: null,
  seats: null,
  runoffOf: null,
  status: 'published',
  turnout: { eligible: 7, cast: 7, notVoted: null },
  result: {
    source: 'electronic',
    base: 9,
    baseLabel: 'all_members',
    required: 5,
    eligible: 7,
    ballotsIssued: 7,
    ballotsReturned: 7,
    ballotsValid: 7,
    ballotsInvalid: 0,
    turnoutPercent: 100,
    options: [
      { key: 'yes', label: 'Tán thành', votes: 6, percent: 66.66666666666667, passed: null },
      { key: 'no', label: 'Không tán thành', votes: 1, percent: 11.11111111111111, passed: null },
      { key: 'abstain', label: 'Không biểu quyết', votes: 0, percent: 0, passed: null },
    ],
    passed: true,
  },
  history: [],
  mine: [],
};

const facts: RecordFacts = {
  meeting: { title: 'Hội nghị Ban Thường vụ tháng 12', startsAt: new Date('2026-12-05T01:30:00Z'), endsAt: new Date('2026-12-05T04:05:00Z'), location: 'Phòng họp số 1', status: 'closed' },
  issuer: { kind: 'party', name: 'Tỉnh ủy Sơn La', parentName: 'Đảng bộ tỉnh Sơn La' },
  chair: person('Nguyễn Văn Chủ'),
  secretary: person('Lê Thị Thư'),
  attendance: {
    membershipTotal: 9,
    quorumRequired: 6,
    quorumMet: true,
    inPerson: 6,
    represented: 1,
    present: 7,
    proxiesCountForQuorum: true,
    attendees: [],
    absent: [{ person: person('Trần Văn Vắng'), reason: 'Đi công tác' }],
    proxies: [{ person: person('Phạm Văn Ủy'), holder: 'Nguyễn Văn Chủ' }],
    unmarked: [person('Hoàng Thị Chưa')],
  },
  items: [
    {
      itemId: ITEM,
      position: 1,
      title: 'Dự thảo Nghị quyết về chuyển đổi số',
      presenter: 'Đại diện Sở Nội vụ',
      runs: [{ startedAt: new Date('2026-12-05T01:35:00Z'), endedAt: new Date('2026-12-05T02:20:00Z') }],
      documents: ['Tờ trình số 12'],
      speeches: [{ person: person('Đỗ Văn Nói', 'Huyện ủy Mai Châu'), topic: 'Kinh phí', spokenMs: 185_000 }],
      polls: [poll],
      note: 'Đa số ý kiến đồng tình',
      concluded: true,
      conclusion: 'Thống nhất ban hành Nghị quyết.',
      tasks: [{ unit: 'Sở Nội vụ', description: 'Hoàn thiện dự thảo', dueDate: '2026-12-20' }],
    },
  ],
  otherPolls: [],
  date: '2026-12-05',
};

const texts = (doc: OfficialDocument) => doc.blocks.flatMap((b) => (b.kind === 'list' ? b.items : b.kind === 'table' ? b.rows.map((r) => r.join(' | ')) : [b.text]));

describe('the minutes draft', () => {
  const minutes = buildMinutes(facts);

  it('is a valid official document of the Party body, secretary then chair signing', () => {
    expect(Value.Check(OfficialDocumentSchema, minutes)).toBe(true);
    expect(minutes).toMatchObject({ issuerKind: 'party', issuer: 'TỈNH ỦY SƠN LA', typeCode: 'BB', typeName: 'BIÊN BẢN', date: '2026-12-05' });
    expect(minutes.signatures.map((s) => [s.position, s.name])).toEqual([
      ['THƯ KÝ', 'Lê Thị Thư'],
      ['CHỦ TRÌ', 'Nguyễn Văn Chủ'],
    ]);
  });

  it('states attendance against the membership and the quorum, with absences, proxies and reasons', () => {
    const all = texts(minutes).join('\n');
    expect(all).toContain('Tổng số thành viên: 9. Có mặt: 6/9 (66,7%); ủy quyền: 1; vắng: 1.');
    expect(all).toContain('Số thành viên tính vào túc số: 7 (kể cả người được ủy quyền); túc số cần: 6. Cuộc họp đủ túc số theo quy định.');
    expect(all).toContain('Vắng: Trần Văn Vắng (Văn phòng Tỉnh ủy) — lý do: Đi công tác');
    expect(all).toContain('Ủy quyền: Phạm Văn Ủy (Văn phòng Tỉnh ủy), người nhận ủy quyền: Nguyễn Văn Chủ');
    expect(all).toContain('Chưa điểm danh: Hoàng Thị Chưa');
  });

  it('states each item with its times in Vietnam time, presenter, documents, speakers and the note', () => {
    const all = texts(minutes).join('\n');
    expect(all).toContain('bắt đầu lúc 08 giờ 30, ngày 05 tháng 12 năm 2026; kết thúc lúc 11 giờ 05');
    expect(all).toContain('Thời gian: 08 giờ 35 – 09 giờ 20. Trình bày: Đại diện Sở Nội vụ.');
    expect(all).toContain('Tài liệu: Tờ trình số 12');
    expect(all).toContain('Đỗ Văn Nói | Huyện ủy Mai Châu | Kinh phí | 3 phút 05 giây');
    expect(all).toContain('Ghi chép của thư ký: Đa số ý kiến đồng tình');
  });

  it('states every poll with threshold, counts, percentages and outcome, linked to the poll', () => {
    const pollBlocks = minutes.blocks.filter((b) => b.source === `poll:${POLL}`);
    expect(pollBlocks.map((b) => b.kind)).toEqual(['paragraph', 'table', 'paragraph']);
    const all = texts(minutes).join('\n');
    expect(all).toContain('ngưỡng thông qua: quá 1/2 tổng số thành viên, cần 5/9 phiếu');
    expect(all).toContain('Tán thành | 6 | 66,7%');
    expect(all).toContain('Không tán thành | 1 | 11,1%');
    expect(all).toContain('Phiếu phát ra / thu về | 7 / 7 | 100,0%');
    expect(all).toContain('Kết quả: THÔNG QUA.');
  });

  it('a rebuild takes the facts afresh and keeps the narrative the secretary wrote after them', () => {
    const edited: OfficialDocument = {
      ...minutes,
      blocks: minutes.blocks.map((b) => (b.source === undefined && b.kind === 'paragraph' && b.text.startsWith('Ý kiến thảo luận') ? { ...b, text: 'Ý kiến thảo luận: nhất trí cao.' } : b)),
    };
    const later = buildMinutes({ ...facts, items: [{ ...facts.items[0]!, note: 'Ghi chép mới' }] });
    const rebuilt = rebuildKeepingNarrative(edited, later);
    const all = texts(rebuilt);
    expect(all).toContain('Ý kiến thảo luận: nhất trí cao.');
    expect(all).toContain('Ghi chép của thư ký: Ghi chép mới');
    expect(all).not.toContain('Ghi chép của thư ký: Đa số ý kiến đồng tình');
    expect(all.filter((t) => t.startsWith('Ý kiến thảo luận'))).toHaveLength(1);
  });
});

describe('the conclusion notice draft', () => {
  it('lists the conclusions and the tasks given to units with their deadlines', () => {
    const notice = buildNotice(facts);
    expect(Value.Check(OfficialDocumentSchema, notice)).toBe(true);
    expect(notice).toMatchObject({ typeCode: 'TB', typeName: 'THÔNG BÁO' });
    const all = texts(notice).join('\n');
    expect(all).toContain('Thống nhất ban hành Nghị quyết.');
    expect(all).toContain('Sở Nội vụ: Hoàn thiện dự thảo (hạn 20/12/2026)');
  });
});
