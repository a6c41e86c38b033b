/** The result sheet as CSV (UTF-8 with BOM so spreadsheet programs show Vietnamese correctly). */
import type { PollDto } from '../../contract/votes.ts';
import { AppError } from '../../errors.ts';
import { electionLines, optionVerdict, sourceLines } from './sheet-text.ts';

const cell = (value: string | number) => {
  const text = String(value);
  return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function resultCsv(poll: PollDto): string {
  const result = poll.result;
  if (result === null) throw new AppError(409, 'pollNotPublished');
  const lines: (string | number)[][] = [
    ['Nội dung biểu quyết', poll.title],
    ['Hình thức', poll.secret ? 'Bỏ phiếu kín' : 'Biểu quyết công khai'],
    ['Nguồn số liệu', result.source === 'paper' ? 'Phiếu giấy (thư ký nhập)' : 'Điện tử'],
    ...(result.paper === undefined ? [] : [['Số phiếu điện tử được thay thế', result.paper.replacedBallots], ['Lý do nhập phiếu giấy', result.paper.reason ?? '']]),
    ['Số phiếu phát ra', result.ballotsIssued],
    ['Số phiếu thu về', result.ballotsReturned],
    ['Số phiếu hợp lệ', result.ballotsValid],
    ['Số phiếu không hợp lệ', result.ballotsInvalid],
    ['Tỷ lệ tham gia (%)', result.turnoutPercent],
    ['Căn cứ tính tỷ lệ', result.baseLabel === 'all_members' ? `Tổng số thành viên (${result.base})` : `Số người có mặt (${result.base})`],
    ['Số phiếu cần đạt', result.required],
    ...(result.election === undefined ? [] : [['Số người cần bầu', result.election.seats]]),
    [],
    ['Phương án / Ứng viên', 'Số phiếu', 'Tỷ lệ (%)', 'Kết quả'],
    ...result.options.map((o) => [o.label, o.votes, o.percent, optionVerdict(poll.kind, o.passed, o.tied)]),
  ];
  const notes = [...electionLines(result), ...sourceLines(result)];
  if (notes.length > 0) lines.push([], ...notes.map((note) => ['Ghi chú', note]));
  if (result.passed !== null) lines.push([], ['Kết luận', result.passed ? 'Thông qua' : 'Không thông qua']);
  return '\ufeff' + lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}
