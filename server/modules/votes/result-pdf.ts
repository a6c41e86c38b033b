/**
 * The result sheet of a poll as an A4 PDF, ready to be attached to the
 * minutes: who, when, what was voted on, by which rule, the count per option
 * or candidate, turnout and ballots, where the figures come from, the poll's
 * history, and signature lines for the chair and the secretary.
 */
import { PDFDocument } from 'pdf-lib';
import type { PollDto, PollResult } from '../../contract/votes.ts';
import { embedPdfFonts } from '../../lib/pdf/pdf-fonts.ts';
import { nfc, Sheet } from '../../lib/pdf/sheet.ts';
import { actionText, baseText, dateText, dateTimeText, electionLines, optionVerdict, percentText, sourceLines, thresholdText } from './sheet-text.ts';

export type SheetMeeting = { title: string; unitName: string; startsAt: Date; location: string | null };

function ballotsRows(result: PollResult): [string, string][] {
  return [
    ['Số phiếu phát ra', String(result.ballotsIssued)],
    ['Số phiếu thu về', String(result.ballotsReturned)],
    ['Số phiếu hợp lệ', String(result.ballotsValid)],
    ['Số phiếu không hợp lệ', String(result.ballotsInvalid)],
  ];
}

export async function resultPdf(poll: PollDto, meeting: SheetMeeting, result: PollResult): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await embedPdfFonts(doc);
  const title = poll.kind === 'election' ? 'BIÊN BẢN KẾT QUẢ BẦU CỬ' : 'BIÊN BẢN KẾT QUẢ BIỂU QUYẾT';
  doc.setTitle(`${title.normalize('NFC')}: ${nfc(poll.title)}`);
  doc.setLanguage('vi-VN');
  doc.setCreator('Phòng Họp Số');
  const sheet = new Sheet(doc, fonts);

  sheet.centred(meeting.unitName.toLocaleUpperCase('vi-VN'), 12, true);
  sheet.space(10);
  sheet.centred(title, 15, true);
  sheet.centred(meeting.title, 12);
  sheet.centred(`Ngày ${dateText(meeting.startsAt)}${meeting.location ? ` — ${meeting.location}` : ''}`, 11);
  sheet.space(12);

  sheet.field(poll.kind === 'election' ? 'Nội dung bầu cử' : 'Nội dung biểu quyết', poll.title);
  const seats = result.election?.seats ?? poll.seats;
  const perBallot = `mỗi phiếu chọn tối đa ${poll.maxChoices ?? poll.candidates.length} người`;
  sheet.field('Loại', poll.kind === 'election' ? `Bầu cử (${seats === null ? '' : `bầu ${seats} người; `}${perBallot})` : 'Biểu quyết thông qua');
  sheet.field('Hình thức', poll.secret ? 'Bỏ phiếu kín' : 'Biểu quyết công khai');
  sheet.field('Điều kiện thông qua', `${thresholdText(poll)} (${baseText(result)}; số phiếu cần đạt: ${result.required})`);
  sheet.field('Nguồn số liệu', result.source === 'paper' ? 'Phiếu giấy (thư ký nhập)' : 'Điện tử');
  for (const line of sourceLines(result).slice(1)) sheet.paragraph(line, 10.5);

  sheet.heading(poll.kind === 'election' ? 'Kết quả theo ứng viên' : 'Kết quả theo phương án');
  sheet.table(
    [poll.kind === 'election' ? 'Ứng viên' : 'Phương án', 'Số phiếu', `Tỷ lệ (/${result.base})`, 'Kết quả'],
    result.options.map((o) => [o.label, String(o.votes), percentText(o.percent), optionVerdict(poll.kind, o.passed, o.tied)]),
    [0.46, 0.16, 0.18, 0.2],
    [false, true, true, false],
  );

  sheet.heading('Tham gia');
  sheet.field('Số người được biểu quyết', String(result.eligible));
  sheet.field('Tỷ lệ tham gia', percentText(result.turnoutPercent));
  for (const [label, value] of ballotsRows(result)) sheet.field(label, value);

  if (result.passed !== null) {
    sheet.space(6);
    sheet.field('Kết luận', result.passed ? 'THÔNG QUA' : 'KHÔNG THÔNG QUA', 12);
  } else {
    const elected = result.options.filter((o) => o.passed === true).map((o) => o.label);
    sheet.space(6);
    sheet.field('Kết luận', elected.length === 0 ? 'Không có ứng viên trúng cử' : `Trúng cử: ${elected.join('; ')}`, 12);
    for (const line of electionLines(result)) sheet.paragraph(line, 11);
  }

  sheet.heading('Diễn biến');
  if (poll.history.length === 0) sheet.paragraph('Không có ghi nhận.');
  for (const entry of poll.history) {
    const reason = entry.reason === null ? '' : ` — lý do: ${entry.reason}`;
    sheet.paragraph(`${dateTimeText(entry.at)}: ${actionText(entry.action)} (${entry.byName})${reason}`, 10.5);
  }

  sheet.signatures('THƯ KÝ', 'CHỦ TRÌ');
  sheet.numberPages(doc);
  return doc.save();
}
