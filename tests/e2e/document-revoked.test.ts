/**
 * Finding 5: a revocation reaches a reader's open viewer at once. The
 * delegate reads a confidential document; the secretariat revokes her
 * access; the viewer closes the document and says why, without her doing
 * anything (the server pushes `document:revoked` to her sockets).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { launchBrowser, openScreen } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

describe('a revoked reader’s open viewer', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let reader: Page;
  let secretary: TestClient;
  let directory: Directory;
  let meeting: MeetingDto;
  let secret: DocumentDto;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, {}, { web: true });
    browser = await launchBrowser();
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị Ban Thường vụ Tỉnh ủy', membershipTotal: 3, members: [['caophong.bithu', 'delegate']] });
    const pdf = await pagesPdf('Báo cáo công tác cán bộ', ['Nội dung mật trang một.', 'Nội dung mật trang hai.']);
    secret = await uploadDocument(secretary, meeting, { title: 'Báo cáo công tác cán bộ (Mật)', kind: 'report', confidentiality: 'confidential' }, { bytes: pdf, filename: 'mat.pdf' });
    await changeStatus(secretary, meeting, 'published');
  });
  afterAll(async () => {
    await reader?.context().close();
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  it('closes the document at once and says why', async () => {
    reader = await openScreen(browser, server.url, 'caophong.bithu', `/meetings/${meeting.id}/documents/${secret.id}`);
    await reader.getByRole('heading', { name: 'Báo cáo công tác cán bộ (Mật)' }).waitFor();
    await reader.locator('canvas').first().waitFor();

    expect((await secretary.post(`/api/v1/documents/${secret.id}/revocations`, { userId: directory.user('caophong.bithu').id })).status).toBe(204);
    await reader.getByText('Quyền đọc tài liệu này của bạn vừa bị thu hồi nên tài liệu đã được đóng.').waitFor({ timeout: 5_000 });
    expect(await reader.locator('canvas').count()).toBe(0);
  });
});
