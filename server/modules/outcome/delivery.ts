/**
 * The signed document's e-mail to one participant: who it is for, what it
 * is, and the signed PDF attached. Plain text and Vietnamese, like the
 * invitations.
 */
import type { IssuedDocumentDto } from '../../contract/official-docs-api.ts';
import type { EnqueueMail } from '../mail/index.ts';

export const fileNameOf = (document: IssuedDocumentDto) =>
  `${document.symbol.replace(/Đ/g, 'D').replace(/[^A-Za-z0-9-]/g, '-')}-${String(document.number).padStart(2, '0')}-${document.year}.pdf`;

/** "BIÊN BẢN" as a sentence starts: "Biên bản". */
const sentenceCase = (text: string) => {
  const lower = text.toLocaleLowerCase('vi');
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
};

export function signedDocumentMail(document: IssuedDocumentDto, meetingId: string, recipient: { userId: string; fullName: string; email: string }, pdf: Uint8Array, link: string): EnqueueMail {
  const type = sentenceCase(document.typeName);
  const subject = `${type} ${document.numberText.replace(/^Số:?\s*/, 'số ')} đã được ký số`;
  const text = [
    `Kính gửi ${recipient.fullName},`,
    '',
    `${type} "${document.title}" (${document.numberText}) đã được ký số đầy đủ và gửi kèm thư này.`,
    `Văn bản cũng được lưu cùng cuộc họp, chỉ đọc: ${link}`,
    '',
    'Thư này được gửi tự động từ hệ thống Phòng Họp Số.',
  ].join('\n');
  return {
    kind: 'signed-document',
    meetingId,
    to: recipient.email,
    subject,
    text,
    attachments: [{ filename: fileNameOf(document), content: Buffer.from(pdf), contentType: 'application/pdf' }],
    // a retried final signature or a second delivery attempt never mails twice
    dedupeKey: `signed-document:${document.id}:${recipient.userId}`,
  };
}
