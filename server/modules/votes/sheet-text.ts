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

export function optionVerdict(kind: PollDto['kind'], passed: boolean | null): string {
  if (passed === null) return '';
  if (kind === 'election') return passed ? 'Trúng cử' : 'Không trúng cử';
  return passed ? 'Đạt' : 'Không đạt';
}
