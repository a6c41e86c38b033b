/** The result sheet as CSV (UTF-8 with BOM so spreadsheet programs show Vietnamese correctly). */
import type { PollDto } from '../../contract/votes.ts';
import { AppError } from '../../errors.ts';

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
    ['Số phiếu phát ra', result.ballotsIssued],
    ['Số phiếu thu về', result.ballotsReturned],
    ['Số phiếu hợp lệ', result.ballotsValid],
    ['Số phiếu không hợp lệ', result.ballotsInvalid],
    ['Tỷ lệ tham gia (%)', result.turnoutPercent],
    ['Căn cứ tính tỷ lệ', result.baseLabel === 'all_members' ? `Tổng số thành viên (${result.base})` : `Số người có mặt (${result.base})`],
    ['Số phiếu cần đạt', result.required],
    [],
    ['Phương án / Ứng viên', 'Số phiếu', 'Tỷ lệ (%)', 'Kết quả'],
    ...result.options.map((o) => [o.label, o.votes, o.percent, o.passed === null ? '' : o.passed ? 'Trúng cử' : 'Không trúng cử']),
  ];
  if (result.passed !== null) lines.push([], ['Kết luận', result.passed ? 'Thông qua' : 'Không thông qua']);
  return '\ufeff' + lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}
