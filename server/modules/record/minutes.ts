/**
 * The minutes draft (biên bản) from the meeting's record. Every block taken
 * from the record carries `source` (what it states, e.g. "attendance",
 * "poll:<id>"), so the editor shows it as a fact and a rebuild refreshes it;
 * blocks without `source` are the secretary's narrative.
 */
import type { DocumentBlock, OfficialDocument } from '../../contract/official-documents.ts';
import type { PollDto, PollThreshold } from '../../contract/votes.ts';
import { clock, dayText, minutesText, percentText, personText, ratio, type RecordFacts } from './facts.ts';

const THRESHOLDS: Record<PollThreshold, string> = {
  half_all: 'quá 1/2 tổng số thành viên',
  two_thirds_all: 'ít nhất 2/3 tổng số thành viên',
  half_present: 'quá 1/2 số thành viên có mặt',
  custom: 'tỷ lệ do cuộc họp quy định',
};

function thresholdText(poll: PollDto): string {
  if (poll.threshold === 'custom' && poll.custom !== null) return `${poll.custom.numerator}/${poll.custom.denominator} (theo quy định của cuộc họp)`;
  return THRESHOLDS[poll.threshold];
}

function outcomeText(poll: PollDto): string {
  const result = poll.result;
  if (result === null) return poll.status === 'open' ? 'Đang biểu quyết' : 'Chưa có kết quả';
  if (poll.kind === 'motion') return result.passed === true ? 'THÔNG QUA' : 'KHÔNG THÔNG QUA';
  const elected = result.options.filter((o) => o.passed === true).map((o) => o.label);
  return elected.length === 0 ? 'Không có người trúng cử' : `Trúng cử: ${elected.join(', ')}`;
}

export function pollBlocks(poll: PollDto): DocumentBlock[] {
  const source = `poll:${poll.id}`;
  const result = poll.result;
  const heading: DocumentBlock = {
    kind: 'paragraph',
    source,
    text: `Biểu quyết "${poll.title}" (${poll.secret ? 'bỏ phiếu kín' : 'biểu quyết công khai'}; ngưỡng thông qua: ${thresholdText(poll)}${result === null ? '' : `, cần ${result.required}/${result.base} phiếu`}).`,
  };
  if (result === null) return [heading, { kind: 'paragraph', source, text: `Kết quả: ${outcomeText(poll)}.` }];
  return [
    heading,
    {
      kind: 'table',
      source,
      header: ['Phương án', 'Số phiếu', 'Tỷ lệ'],
      rows: [
        ['Phiếu phát ra / thu về', `${result.ballotsIssued} / ${result.ballotsReturned}`, percentText(result.turnoutPercent)],
        ['Phiếu hợp lệ / không hợp lệ', `${result.ballotsValid} / ${result.ballotsInvalid}`, ''],
        ...result.options.map((o) => [o.label, String(o.votes), percentText(o.percent)]),
      ],
    },
    { kind: 'paragraph', source, text: `Kết quả: ${outcomeText(poll)}.` },
  ];
}

function attendanceBlocks(facts: RecordFacts): DocumentBlock[] {
  const a = facts.attendance;
  const source = 'attendance';
  const blocks: DocumentBlock[] = [
    {
      kind: 'paragraph',
      source,
      text:
        `Tổng số thành viên: ${a.membershipTotal}. Có mặt: ${a.inPerson}/${a.membershipTotal} (${percentText(ratio(a.inPerson, a.membershipTotal))}); ` +
        `ủy quyền: ${a.represented}; vắng: ${a.absent.length}. ` +
        `Số thành viên tính vào túc số: ${a.present}${a.proxiesCountForQuorum ? ' (kể cả người được ủy quyền)' : ''}; túc số cần: ${a.quorumRequired}. ` +
        (a.quorumMet ? 'Cuộc họp đủ túc số theo quy định.' : 'Cuộc họp KHÔNG đủ túc số theo quy định.'),
    },
  ];
  if (a.absent.length > 0) blocks.push({ kind: 'list', source, items: a.absent.map(({ person, reason }) => `Vắng: ${personText(person)}${reason === null || reason === '' ? '' : ` — lý do: ${reason}`}`) });
  if (a.proxies.length > 0) blocks.push({ kind: 'list', source, items: a.proxies.map(({ person, holder }) => `Ủy quyền: ${personText(person)}, người nhận ủy quyền: ${holder}`) });
  if (a.unmarked.length > 0) blocks.push({ kind: 'list', source, items: a.unmarked.map((person) => `Chưa điểm danh: ${personText(person)}`) });
  return blocks;
}

function itemBlocks(item: RecordFacts['items'][number], index: number): DocumentBlock[] {
  const source = `item:${item.itemId}`;
  const blocks: DocumentBlock[] = [{ kind: 'heading', source, text: `${index + 1}. ${item.title}` }];
  const times = item.runs.map((r) => `${clock(r.startedAt)} – ${r.endedAt === null ? '…' : clock(r.endedAt)}`);
  blocks.push({
    kind: 'paragraph',
    source,
    text: `Thời gian: ${times.length === 0 ? 'không được thảo luận' : times.join('; ')}. Trình bày: ${item.presenter ?? 'không ghi'}.`,
  });
  if (item.documents.length > 0) blocks.push({ kind: 'list', source: `documents:${item.itemId}`, items: item.documents.map((title) => `Tài liệu: ${title}`) });
  if (item.speeches.length > 0) {
    blocks.push({
      kind: 'table',
      source: `speakers:${item.itemId}`,
      header: ['Người phát biểu', 'Đơn vị', 'Nội dung', 'Thời gian'],
      rows: item.speeches.map((s) => [[s.person.title, s.person.name].filter((x) => x !== null && x !== '').join(' '), s.person.unit, s.topic ?? '', minutesText(s.spokenMs)]),
    });
  }
  // The secretary's narrative of the discussion: free text, hers to write.
  blocks.push({ kind: 'paragraph', text: 'Ý kiến thảo luận: ' });
  if (item.note.trim() !== '') blocks.push({ kind: 'paragraph', source: `note:${item.itemId}`, text: `Ghi chép của thư ký: ${item.note.trim()}` });
  for (const poll of item.polls) blocks.push(...pollBlocks(poll));
  if (item.conclusion.trim() !== '') blocks.push({ kind: 'paragraph', source: `conclusion:${item.itemId}`, text: `Kết luận: ${item.conclusion.trim()}` });
  return blocks;
}

export function buildMinutes(facts: RecordFacts): OfficialDocument {
  const m = facts.meeting;
  const who = (role: string, p: RecordFacts['chair']) => `${role}: ${p === null ? 'không có' : personText(p)}`;
  const blocks: DocumentBlock[] = [
    { kind: 'heading', text: 'I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN' },
    {
      kind: 'paragraph',
      source: 'meeting',
      text: `Thời gian: bắt đầu lúc ${clock(m.startsAt)}, ${dayText(m.startsAt)}${m.endsAt === null ? '' : `; kết thúc lúc ${clock(m.endsAt)}, ${dayText(m.endsAt)}`}. Địa điểm: ${m.location ?? 'không ghi'}.`,
    },
    { kind: 'paragraph', source: 'meeting', text: `${who('Chủ trì', facts.chair)}. ${who('Thư ký', facts.secretary)}.` },
    ...attendanceBlocks(facts),
    { kind: 'heading', text: 'II. NỘI DUNG' },
    ...facts.items.flatMap((item, index) => itemBlocks(item, index)),
  ];
  if (facts.otherPolls.length > 0) blocks.push({ kind: 'heading', text: 'Biểu quyết khác' }, ...facts.otherPolls.flatMap(pollBlocks));
  blocks.push({ kind: 'paragraph', text: `Cuộc họp kết thúc lúc ${m.endsAt === null ? '…' : clock(m.endsAt)} cùng ngày. Biên bản đã được thông qua trước cuộc họp.` });
  return {
    issuerKind: facts.issuer.kind,
    parentIssuer: facts.issuer.parentName.toUpperCase(),
    issuer: facts.issuer.name.toUpperCase(),
    typeCode: 'BB',
    typeName: 'BIÊN BẢN',
    title: m.title,
    place: '',
    date: facts.date,
    blocks,
    signatures: [
      { capacity: '', onBehalfOf: '', position: 'THƯ KÝ', name: facts.secretary?.name ?? '' },
      { capacity: '', onBehalfOf: '', position: 'CHỦ TRÌ', name: facts.chair?.name ?? '' },
    ],
    recipients: ['Các thành viên dự họp;', 'Lưu: VT.'],
  };
}
