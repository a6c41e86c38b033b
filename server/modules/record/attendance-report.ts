/**
 * The meeting's attendance report (báo cáo điểm danh) as CSV and as an A4 PDF,
 * built from the same facts as the minutes: membership and quorum, present in
 * the hall, represented by a proxy, absent with their reasons, not marked.
 * Pure functions of the facts, so they are tested without a server.
 */
import { PDFDocument } from 'pdf-lib';
import { embedPdfFonts } from '../../lib/pdf/pdf-fonts.ts';
import { nfc, Sheet } from '../../lib/pdf/sheet.ts';
import { clock, dayText, percentText, personText, ratio, type RecordFacts } from './facts.ts';

type Attendance = RecordFacts['attendance'];

/** A spreadsheet must not run what a participant typed as a reason: a leading = + - @ is quoted as text. */
const cell = (value: string | number): string => {
  const raw = String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function summaryRows(a: Attendance): [string, string | number][] {
  return [
    ['Tổng số thành viên', a.membershipTotal],
    ['Số thành viên cần có mặt (đủ điều kiện tiến hành)', a.quorumRequired],
    ['Có mặt trực tiếp', a.inPerson],
    ['Vắng có ủy quyền', a.represented],
    [a.proxiesCountForQuorum ? 'Tính là có mặt (gồm người được ủy quyền)' : 'Tính là có mặt (không tính ủy quyền)', a.present],
    ['Tỷ lệ có mặt so với tổng số thành viên', percentText(ratio(a.present, a.membershipTotal))],
    ['Vắng mặt', a.absent.length],
    ['Chưa điểm danh', a.unmarked.length],
    ['Đủ điều kiện tiến hành', a.quorumMet ? 'Đủ' : 'Không đủ'],
  ];
}

export function attendanceCsv(facts: RecordFacts): string {
  const a = facts.attendance;
  const lines: (string | number)[][] = [
    ['Cuộc họp', facts.meeting.title],
    ['Thời gian', `${clock(facts.meeting.startsAt)}, ${dayText(facts.meeting.startsAt)}`],
    ['Địa điểm', facts.meeting.location ?? ''],
    ...summaryRows(a),
    [],
    ['Họ và tên', 'Chức vụ', 'Đơn vị', 'Tình trạng', 'Lý do / Người được ủy quyền'],
    ...a.attendees.map((p) => [p.name, p.title ?? '', p.unit, 'Có mặt', '']),
    ...a.proxies.map(({ person: p, holder }) => [p.name, p.title ?? '', p.unit, 'Vắng, có ủy quyền', holder]),
    ...a.absent.map(({ person: p, reason }) => [p.name, p.title ?? '', p.unit, 'Vắng', reason ?? 'Không rõ lý do']),
    ...a.unmarked.map((p) => [p.name, p.title ?? '', p.unit, 'Chưa điểm danh', '']),
  ];
  // BOM: Excel opens UTF-8 (Vietnamese) correctly only with it.
  return '\ufeff' + lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}

export async function attendancePdf(facts: RecordFacts): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await embedPdfFonts(doc);
  doc.setTitle(nfc(`BÁO CÁO ĐIỂM DANH: ${facts.meeting.title}`));
  doc.setLanguage('vi-VN');
  doc.setCreator('Phòng Họp Số');
  const sheet = new Sheet(doc, fonts);
  const a = facts.attendance;

  if (facts.issuer.name !== '') sheet.centred(facts.issuer.name.toLocaleUpperCase('vi-VN'), 12, true);
  sheet.space(10);
  sheet.centred('BÁO CÁO ĐIỂM DANH', 15, true);
  sheet.centred(facts.meeting.title, 12);
  sheet.centred(`${clock(facts.meeting.startsAt)}, ${dayText(facts.meeting.startsAt)}${facts.meeting.location ? ` — ${facts.meeting.location}` : ''}`, 11);
  sheet.space(12);

  sheet.heading('Tổng hợp');
  for (const [label, value] of summaryRows(a)) sheet.field(label, String(value));

  sheet.heading(`Có mặt (${a.attendees.length})`);
  if (a.attendees.length === 0) sheet.paragraph('Không có.');
  else sheet.table(['Họ và tên', 'Chức vụ', 'Đơn vị'], a.attendees.map((p) => [p.name, p.title ?? '', p.unit]), [0.34, 0.33, 0.33], [false, false, false]);

  sheet.heading(`Vắng có ủy quyền (${a.proxies.length})`);
  if (a.proxies.length === 0) sheet.paragraph('Không có.');
  else sheet.table(['Họ và tên', 'Đơn vị', 'Người được ủy quyền'], a.proxies.map(({ person: p, holder }) => [p.name, p.unit, holder]), [0.34, 0.33, 0.33], [false, false, false]);

  sheet.heading(`Vắng mặt (${a.absent.length})`);
  if (a.absent.length === 0) sheet.paragraph('Không có.');
  else sheet.table(['Họ và tên', 'Đơn vị', 'Lý do'], a.absent.map(({ person: p, reason }) => [p.name, p.unit, reason ?? 'Không rõ lý do']), [0.34, 0.33, 0.33], [false, false, false]);

  if (a.unmarked.length > 0) {
    sheet.heading(`Chưa điểm danh (${a.unmarked.length})`);
    for (const p of a.unmarked) sheet.paragraph(personText(p));
  }

  sheet.signatures('THƯ KÝ', 'CHỦ TRÌ');
  sheet.numberPages(doc);
  return doc.save();
}
