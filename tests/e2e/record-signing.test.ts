/**
 * Issue 12, acceptance 1, in Chromium: the secretary types a note in the
 * console of a running meeting (with a speech and a poll on the item); after
 * close, "Lập biên bản" shows a draft holding attendance, the item, the
 * speaker, the poll and the note; she edits a paragraph and saves; the chair
 * approves; she issues it ("Phát hành"); she and then the chair sign it with
 * PKCS#12 keystores from a test CA ("Ký số"); the delegate sees the signed
 * minutes on the record page and downloads them, and the SMTP server the
 * test started receives the e-mail with the signed PDF attached.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../server/contract/live.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { openScreen } from '../helpers/browser.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { pdfsigTrusting, type Pdfsig } from '../helpers/pdfsig.ts';
import { online, type Person } from '../helpers/people.ts';
import type { TestClient } from '../helpers/server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { act } from '../helpers/socket.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';
import { SCREENSHOTS, startWebStack, stopWebStack, type WebStack } from '../helpers/web-stack.ts';

const PASS_SECRETARY = 'mật khẩu thư ký';
const PASS_CHAIR = 'chu-toa-2026';

describe('signed minutes, from the console note to the inbox, in the browser', () => {
  let stack: Partial<WebStack> = {};
  let sink: SmtpSink;
  let pdfsig: Pdfsig;
  let ca: TestCa;
  let secretary: TestClient;
  let directory: Directory;
  let chair: Person;
  let delegate: Person;
  let meeting: MeetingDto;
  let item: AgendaItemDto;
  const pages: Page[] = [];

  beforeAll(async () => {
    stack = await startWebStack({ MAIL_POLL_MS: '100', MAIL_RETRY_BASE_MS: '50', MAIL_REMINDER_MINUTES: '' });
    const url = stack.server!.url;
    sink = await startSmtpSink();
    ca = createTestCa();
    pdfsig = await pdfsigTrusting(ca.rootPem);
    const admin = await loggedIn(url, 'admin');
    ({ secretary, directory } = await secretariat(url));
    const smtp = { host: '127.0.0.1', port: sink.port, security: 'none', username: null, fromAddress: 'vanphong@tinhuy.example.vn', fromName: 'Văn phòng Tỉnh ủy' };
    expect((await admin.request('PUT', '/api/v1/mail/settings', smtp)).status).toBe(200);
    expect((await admin.patch(`/api/v1/users/${directory.user('caophong.bithu').id}`, { email: 'bithu@caophong.example.vn' })).status).toBe(200);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị ký biên bản điện tử', membershipTotal: 2, members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']] });
    item = await addAgendaItem(secretary, meeting, { title: 'Báo cáo tình hình kinh tế', plannedMinutes: 20 });
    await changeStatus(secretary, meeting, 'published');
    chair = await online(url, 'bithu');
    delegate = await online(url, 'caophong.bithu');
    await changeStatus(chair.client, meeting, 'in_session');
  }, 120_000);
  afterAll(async () => {
    for (const page of pages) await page.context().close();
    chair?.socket.disconnect();
    delegate?.socket.disconnect();
    await sink?.close();
    await pdfsig?.close();
    await stopWebStack(stack);
  });

  it('note, draft with the facts, edit, approval, issue, two signatures, delivery', async () => {
    const { browser, server } = stack as WebStack;
    // the admin trusts the test CA's root (PEM file), so verification says "Hợp lệ"
    const quantri = await openScreen(browser, server.url, 'admin', '/admin/trusted-roots');
    pages.push(quantri);
    await quantri.getByTestId('trusted-root-file').setInputFiles({ name: 'root-ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(ca.rootPem) });
    await quantri.getByTestId('trusted-root').getByText(/Test Root CA/).waitFor();

    // what happened in the meeting: both present, the item opened, a speech, a poll
    await act(chair.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(chair.socket, 'agenda:open', { meetingId: meeting.id, itemId: item.id });
    await act(delegate.socket, 'speaker:request', { meetingId: meeting.id, topic: 'Thu ngân sách' });
    const request = ((await act(chair.socket, 'meeting:snapshot', { meetingId: meeting.id })) as LiveSnapshot).speakers[0]!;
    await act(chair.socket, 'speaker:give', { meetingId: meeting.id, requestId: request.id });
    await act(chair.socket, 'speaker:finish', { meetingId: meeting.id, requestId: request.id });
    const poll = (await chair.client.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua báo cáo', secret: false, agendaItemId: item.id })).body.poll;
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/open`, {})).status).toBe(200);
    await act(chair.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, choice: 'yes', idempotencyKey: randomUUID().replaceAll('-', '') });
    await act(delegate.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, choice: 'yes', idempotencyKey: randomUUID().replaceAll('-', '') });
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/close`)).status).toBe(200);

    // the secretary's note, typed in the console while the meeting runs
    const thuky = await openScreen(browser, server.url, 'thuky', `/meetings/${meeting.id}/console`);
    pages.push(thuky);
    const note = thuky.locator(`[data-testid="record-note"][data-item-id="${item.id}"] textarea`);
    await note.fill('Các ý kiến thống nhất với báo cáo');
    await thuky.locator('[data-testid="record-note-state"][data-state="saved"]').waitFor();

    // after close: the draft holds attendance, the item, the speaker, the poll and the note
    await act(chair.socket, 'meeting:close', { meetingId: meeting.id });
    await thuky.getByTestId('record-open').click();
    await thuky.getByTestId('record-build').click();
    const blocks = thuky.getByTestId('record-blocks');
    await blocks.getByText('Ghi chép của thư ký: Các ý kiến thống nhất với báo cáo').waitFor();
    await blocks.getByText(/Tổng số thành viên: 2\./).waitFor();
    await blocks.getByText('1. Báo cáo tình hình kinh tế').waitFor();
    await blocks.getByText(/Thu ngân sách/).first().waitFor();
    await blocks.getByText(/Biểu quyết "Thông qua báo cáo"/).first().waitFor();
    await thuky.getByTestId('record-paragraph').first().fill('Ý kiến thảo luận: nhất trí cao.');
    await thuky.getByTestId('record-save').click();
    await thuky.getByTestId('record-status').getByText(/Phiên bản 2/).waitFor();

    // the chair approves
    const bithu = await openScreen(browser, server.url, 'bithu', `/meetings/${meeting.id}/record`);
    pages.push(bithu);
    await bithu.getByTestId('record-approve').click();
    await bithu.locator('[data-testid="record-status"][data-approved="true"]').waitFor();

    // the secretary issues it and signs first
    await thuky.reload();
    await thuky.getByTestId('issue-code').fill('TU');
    await thuky.getByTestId('record-issue').click();
    const issued = thuky.getByTestId('issued-document').first();
    await issued.getByText('Số 1-BB/TU').waitFor();
    await issued.getByTestId('sign-open').click();
    await thuky.getByTestId('sign-keystore').setInputFiles({ name: 'thu-ky.p12', mimeType: 'application/x-pkcs12', buffer: Buffer.from(ca.issue({ commonName: 'Nguyễn Thị Thư Ký' }).pkcs12(PASS_SECRETARY)) });
    // a wrong passphrase first: told in Vietnamese, nothing signed
    await thuky.getByTestId('sign-passphrase').fill('sai mật khẩu');
    await thuky.getByTestId('sign-submit').click();
    await thuky.getByTestId('sign-error').getByText('Mật khẩu kho khóa chứng thư số không đúng').waitFor();
    await thuky.getByTestId('sign-passphrase').fill(PASS_SECRETARY);
    await thuky.getByTestId('sign-submit').click();
    await issued.locator('[data-testid="signature-slot"][data-role="secretary"][data-signed="true"]').waitFor();
    await issued.locator('[data-testid="signature-report"][data-status="valid"]').waitFor();

    // then the chair
    await bithu.reload();
    const forChair = bithu.getByTestId('issued-document').first();
    await forChair.getByTestId('sign-open').click();
    await bithu.getByTestId('sign-keystore').setInputFiles({ name: 'chu-tri.p12', mimeType: 'application/x-pkcs12', buffer: Buffer.from(ca.issue({ commonName: 'Trần Văn Chủ Trì' }).pkcs12(PASS_CHAIR)) });
    await bithu.getByTestId('sign-passphrase').fill(PASS_CHAIR);
    await bithu.getByTestId('sign-submit').click();
    await bithu.locator('[data-testid="issued-document"][data-fully-signed="true"]').waitFor();
    await expect.poll(() => forChair.locator('[data-testid="signature-report"][data-status="valid"]').count()).toBe(2);
    await bithu.screenshot({ path: `${SCREENSHOTS}/record-signed-chair.png`, fullPage: true });

    // the delegate sees the signed minutes and downloads them: pdfsig finds both signatures valid
    const daibieu = await openScreen(browser, server.url, 'caophong.bithu', `/meetings/${meeting.id}`);
    pages.push(daibieu);
    await daibieu.getByTestId('open-record').click();
    const delivered = daibieu.locator('[data-testid="issued-document"][data-fully-signed="true"]');
    await delivered.getByText('Số 1-BB/TU').waitFor();
    await daibieu.screenshot({ path: `${SCREENSHOTS}/record-signed-delegate.png`, fullPage: true });
    const [download] = await Promise.all([daibieu.waitForEvent('download'), delivered.getByTestId('issued-download').click()]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const report = await pdfsig.check(new Uint8Array(await readFile(path)));
    expect(report.match(/Signature Type: ETSI\.CAdES\.detached/g)).toHaveLength(2);
    expect(report.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);

    // and the e-mail with the signed PDF attached
    // (the invitation sent on publication arrives too: the signed minutes are the mail with a PDF)
    const withPdf = () => sink.received.find((mail) => mail.attachments.some((a) => a.contentType === 'application/pdf'));
    await expect.poll(withPdf, { timeout: 30_000 }).toBeDefined();
    const signed = withPdf();
    expect(signed?.subject).toBe('Biên bản số 1-BB/TU đã được ký số');
    const attached = signed!.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect((await pdfsig.check(new Uint8Array(attached.content))).match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
  }, 240_000);
});
