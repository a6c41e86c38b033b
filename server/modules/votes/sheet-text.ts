/**
 * The wording of a result sheet (Vietnamese, as it goes into the minutes):
 * threshold rules, lifecycle actions, dates in Vietnam's time zone. Kept apart
 * from the PDF drawing so the words can be tested without a PDF.
 */
import type { PollDto, PollResult } from '../../contract/votes.ts';

const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export function thresholdText(poll: Pick<PollDto, 'threshold' | 'custom'>): string {
  switch (poll.threshold) {
    case 'half_all':
      return 'Quá nửa tổng số thành viên';
    case 'two_thirds_all':
      return 'Từ hai phần ba tổng số thành viên trở lên';
    case 'half_present':
      return 'Quá nửa số thành viên có mặt';
    case 'custom':
      return `Từ ${poll.custom?.numerator ?? 1}/${poll.custom?.denominator ?? 2} tổng số thành viên trở lên`;
  }
}

export function baseText(result: Pick<PollResult, 'baseLabel' | 'base'>): string {
  return result.baseLabel === 'all_members' ? `Tổng số thành viên: ${result.base}` : `Số thành viên có mặt khi mở biểu quyết: ${result.base}`;
}

const ACTIONS: Record<string, string> = {
  created: 'Tạo',
  opened: 'Mở biểu quyết',
  'quorum-overridden': 'Mở khi chưa đủ số lượng tham dự',
  closed: 'Kết thúc biểu quyết',
  published: 'Công bố kết quả',
  cancelled: 'Hủy',
  'paper-counts': 'Nhập kết quả phiếu giấy',
  runoff: 'Tạo cuộc bầu lại',
};

export function actionText(action: string): string {
  return ACTIONS[action] ?? action;
}

/** "14:05 ngày 12/12/2026" in Vietnam's time, whatever the server's zone. */
export function dateTimeText(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const parts = new Intl.DateTimeFormat('vi-VN', { timeZone: VN_TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false, day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('hour')}:${part('minute')} ngày ${part('day')}/${part('month')}/${part('year')}`;
}

export function dateText(iso: string | Date): string {
  return dateTimeText(iso).split(' ngày ')[1] ?? '';
}

/** Percentages the Vietnamese way: a decimal comma, at most two places. */
export function percentText(value: number): string {
  return `${value.toLocaleString('vi-VN', { maximumFractionDigits: 2 })}%`;
}

export function optionVerdict(kind: PollDto['kind'], passed: boolean | null, tied = false): string {
  if (tied) return 'Bằng phiếu - bầu lại';
  if (passed === null) return '';
  if (kind === 'election') return passed ? 'Trúng cử' : 'Không trúng cử';
  return passed ? 'Đạt' : 'Không đạt';
}

/**
 * How an election's seats were filled, in the words of the minutes: elected
 * of seats, a tie at the last seat(s) to be repeated among the tied, seats
 * left empty. Empty for motions and for results counted before seats existed.
 */
export function electionLines(result: Pick<PollResult, 'election' | 'options'>): string[] {
  const outcome = result.election;
  if (outcome === undefined) return [];
  const lines = [`Số người cần bầu: ${outcome.seats}; số người trúng cử: ${outcome.elected}`];
  if (outcome.tie !== null) {
    const names = result.options.filter((o) => outcome.tie!.keys.includes(o.key)).map((o) => o.label);
    lines.push(`Bằng phiếu ở vị trí cuối: ${names.join(', ')} - bầu lại ${outcome.tie.seats} người trong số này`);
  }
  if (outcome.unfilled > 0) lines.push(`Chưa đủ số người trúng cử: còn thiếu ${outcome.unfilled} người`);
  return lines;
}

/** Where the figures came from: tablets, or paper ballots entered by the secretariat (and what they replaced, and why). */
export function sourceLines(result: Pick<PollResult, 'source' | 'paper'>): string[] {
  if (result.source !== 'paper') return [];
  const lines = ['Kết quả kiểm phiếu giấy, do thư ký nhập'];
  if (result.paper !== undefined && result.paper.replacedBallots > 0) lines.push(`Thay thế ${result.paper.replacedBallots} phiếu điện tử đã bỏ`);
  if (result.paper?.reason != null) lines.push(`Lý do: ${result.paper.reason}`);
  return lines;
}
