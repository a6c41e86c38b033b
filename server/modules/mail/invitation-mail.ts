/**
 * The words and the calendar event of an invitation (giấy mời), of the notice
 * of a change of time or place, and of a reminder. Vietnamese first, with an
 * English line; times in Asia/Ho_Chi_Minh. The event's UID is the meeting's
 * (an update replaces the event in the calendar) and its SEQUENCE grows with
 * every announced change.
 */
import { createEvent } from 'ics';
import type { MailAttachment } from './queue.ts';

export type AnnouncedMeeting = {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  location: string | null;
};

export type MailKind = 'invitation' | 'update' | 'reminder';

const ZONE = 'Asia/Ho_Chi_Minh';
const DEFAULT_LENGTH_MS = 2 * 3_600_000;

function when(date: Date, locale: 'vi-VN' | 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}

export function meetingLink(publicUrl: URL, meetingId: string): string {
  return new URL(`/meetings/${meetingId}`, publicUrl).href;
}

/** The .ics of the meeting at this SEQUENCE (METHOD:REQUEST: a calendar adds it, or replaces the one with the same UID). */
export function meetingEvent(meeting: AnnouncedMeeting, sequence: number, link: string, domain: string, organizer: { name: string; email: string } | null): MailAttachment {
  const { error, value } = createEvent({
    uid: `meeting-${meeting.id}@${domain}`,
    sequence,
    method: 'REQUEST',
    productId: 'phong-hop-so',
    title: meeting.title,
    start: meeting.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: (meeting.endsAt ?? new Date(meeting.startsAt.getTime() + DEFAULT_LENGTH_MS)).getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    ...(meeting.location === null ? {} : { location: meeting.location }),
    url: link,
    description: `Giấy mời họp: ${meeting.title}\n${link}`,
    status: 'CONFIRMED',
    ...(organizer === null ? {} : { organizer }),
  });
  if (error !== null || value === null) throw error ?? new Error('the calendar event could not be built');
  return { filename: 'giay-moi.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: Buffer.from(value, 'utf8') };
}

const SUBJECT: Record<MailKind, string> = {
  invitation: 'Giấy mời họp',
  update: 'Thay đổi thời gian, địa điểm họp',
  reminder: 'Nhắc lịch họp',
};

const LEAD: Record<MailKind, [vi: string, en: string]> = {
  invitation: ['Trân trọng kính mời đồng chí tham dự cuộc họp:', 'You are invited to the meeting:'],
  update: ['Cuộc họp đã thay đổi thời gian hoặc địa điểm. Thông tin mới:', 'The meeting has a new time or place:'],
  reminder: ['Nhắc đồng chí lịch họp sắp tới:', 'A reminder of the coming meeting:'],
};

export function meetingMail(kind: MailKind, meeting: AnnouncedMeeting, recipientName: string, link: string): { subject: string; text: string; html: string } {
  const [leadVi, leadEn] = LEAD[kind];
  const place = meeting.location ?? 'Theo thông báo của Văn phòng';
  const lines = [
    `Kính gửi đồng chí ${recipientName},`,
    '',
    leadVi,
    meeting.title,
    `Thời gian: ${when(meeting.startsAt, 'vi-VN')} (giờ Việt Nam)`,
    `Địa điểm: ${place}`,
    `Tài liệu và chương trình họp: ${link}`,
    '',
    `${leadEn} ${meeting.title}, ${when(meeting.startsAt, 'en-GB')} (Vietnam time), ${meeting.location ?? 'place to be announced'}. ${link}`,
  ];
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const html = `<p>${lines.filter((l) => l !== '').map(escape).join('<br>')}</p>`.replaceAll(escape(link), `<a href="${escape(link)}">${escape(link)}</a>`);
  return { subject: `${SUBJECT[kind]}: ${meeting.title}`, text: lines.join('\n'), html };
}
