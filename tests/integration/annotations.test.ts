/**
 * Private annotations saved as you draw and followed by the same person's
 * other devices (never anyone else's), exported with the document, carried
 * over to a new version where their anchor text is found; comments on drafts
 * reaching the secretariat.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationDto, AnnotationUpsert, DraftCommentDto } from '../../server/contract/annotations.ts';
import type { DocumentDto } from '../../server/contract/documents.ts';
import { inspectPdf } from '../../server/modules/documents/pdf-inspect.ts';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { call, type ClientSocket } from '../helpers/socket.ts';

describe('annotations and comments on drafts', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let delegate: TestClient;
  let other: TestClient;
  let draft: DocumentDto;
  let report: DocumentDto;
  const sockets: ClientSocket[] = [];

  const open = async (client: TestClient) => {
    const socket = await socketOf(server.url, client);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const staff = await secretariat(server.url);
    secretary = staff.secretary;
    delegate = await loggedIn(server.url, 'caophong.bithu');
    other = await loggedIn(server.url, 'maichau.bithu');
    const meeting = await createMeeting(secretary, staff.directory, {
      kind: 'bch',
      title: 'Hội nghị BCH thảo luận dự thảo',
      startsAt: '2026-12-11T01:30:00.000Z',
      membershipTotal: 50,
      members: [['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate']],
    });
    const v1 = await pagesPdf('Dự thảo Nghị quyết', ['Điều 1. Mục tiêu phát triển kinh tế số.', 'Điều 2. Giải pháp về hạ tầng số.', 'Điều 3. Tổ chức thực hiện.']);
    draft = await uploadDocument(secretary, meeting, { title: 'Dự thảo Nghị quyết', kind: 'draft' }, { bytes: v1, filename: 'du-thao.pdf' });
    report = await uploadDocument(secretary, meeting, { title: 'Báo cáo', kind: 'report' }, { bytes: v1, filename: 'bao-cao.pdf' });
    await changeStatus(secretary, meeting, 'published');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  const ink = (id: string, page: number): AnnotationUpsert => ({
    id,
    documentId: draft.id,
    version: 1,
    page,
    kind: 'ink',
    data: { tool: 'pen', color: '#c62828', width: 0.004, points: [[0.1, 0.2], [0.3, 0.25, 0.6], [0.5, 0.3]] },
    anchorText: 'Giải pháp về hạ tầng số',
  });

  it('saves strokes as drawn and shows them on the same person’s other device only', async () => {
    const tablet = await open(delegate);
    const laptop = await open(delegate);
    const stranger = await open(other);
    const seenByLaptop = new Promise<AnnotationDto>((resolve) => laptop.once('annotation:changed', resolve));
    let strangerSaw = false;
    stranger.on('annotation:changed', () => (strangerSaw = true));

    const id = randomUUID();
    const saved = await call(tablet, 'annotation:upsert', ink(id, 2));
    expect(saved).toMatchObject({ ok: true, data: { id, page: 2, revision: 1 } });
    expect(await seenByLaptop).toMatchObject({ id, kind: 'ink', page: 2 });

    // Resending (an offline queue replaying) replaces, it does not duplicate.
    expect(await call(tablet, 'annotation:upsert', ink(id, 2))).toMatchObject({ ok: true, data: { revision: 2 } });
    const note: AnnotationUpsert = { id: randomUUID(), documentId: draft.id, version: 1, page: 1, kind: 'note', data: { x: 0.6, y: 0.1, text: 'Cần bổ sung chỉ tiêu cụ thể cho cấp xã' }, anchorText: 'Mục tiêu phát triển kinh tế số' };
    expect((await call(laptop, 'annotation:upsert', note)).ok).toBe(true);

    // After a reload (a new connection), everything is there.
    const again = await open(delegate);
    const listed = await call(again, 'annotation:list', { documentId: draft.id, version: 1 });
    expect(listed.ok && listed.data.map((a) => a.kind).sort()).toEqual(['ink', 'note']);
    expect(strangerSaw).toBe(false);
    const theirs = await call(stranger, 'annotation:list', { documentId: draft.id, version: 1 });
    expect(theirs).toEqual({ ok: true, data: [] });
  });

  it('refuses someone else’s annotation id, pages beyond the end and malformed strokes', async () => {
    const mine = await open(delegate);
    const theirs = await open(other);
    const id = randomUUID();
    expect((await call(mine, 'annotation:upsert', ink(id, 1))).ok).toBe(true);
    expect(await call(theirs, 'annotation:upsert', ink(id, 1))).toMatchObject({ ok: false, error: { code: 'notFound' } });
    expect(await call(theirs, 'annotation:delete', { id })).toMatchObject({ ok: false, error: { code: 'notFound' } });
    expect(await call(mine, 'annotation:upsert', ink(randomUUID(), 9))).toMatchObject({ ok: false, error: { code: 'pageOutOfRange' } });
    const bad: AnnotationUpsert = { id: randomUUID(), documentId: draft.id, version: 1, page: 1, kind: 'ink', data: { tool: 'pen', color: 'red', width: 0.004, points: [[2, 3]] }, anchorText: 'Giải pháp về hạ tầng số' };
    expect(await call(mine, 'annotation:upsert', bad)).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call(mine, 'annotation:delete', { id })).toMatchObject({ ok: true, data: { deleted: true } });
  });

  it('exports the document with the reader’s own notes drawn on it', async () => {
    const response = await delegate.fetchRaw(`/api/v1/documents/${draft.id}/versions/1/annotated`);
    expect(response.status).toBe(200);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'phs-annotated-'));
    await writeFile(path.join(dir, 'a.pdf'), Buffer.from(await response.arrayBuffer()));
    const text = (await inspectPdf(path.join(dir, 'a.pdf'))).pageTexts[0]!;
    expect(text).toContain('Cần bổ sung chỉ tiêu cụ thể cho cấp xã');
    // Someone else's export has none of it.
    const theirs = await other.fetchRaw(`/api/v1/documents/${draft.id}/versions/1/annotated`);
    await writeFile(path.join(dir, 'b.pdf'), Buffer.from(await theirs.arrayBuffer()));
    expect((await inspectPdf(path.join(dir, 'b.pdf'))).pageTexts[0]).not.toContain('Cần bổ sung');
  });

  it('a new version keeps notes where their anchor text still is, and lists the rest as not placed', async () => {
    const socket = await open(delegate);
    const orphan: AnnotationUpsert = { id: randomUUID(), documentId: draft.id, version: 1, page: 3, kind: 'note', data: { x: 0.2, y: 0.5, text: 'Điều này bị bỏ?' }, anchorText: 'Tổ chức thực hiện' };
    expect((await call(socket, 'annotation:upsert', orphan)).ok).toBe(true);

    // Version 2: an article inserted before the infrastructure one, "Tổ chức thực hiện" removed.
    const v2 = await renderTextPdf({ title: 'Dự thảo Nghị quyết (lần 2)', paragraphs: ['Điều 1. Mục tiêu phát triển kinh tế số.', PAGE_BREAK, 'Điều 2. Chuyển đổi số trong cơ quan Đảng.', PAGE_BREAK, 'Điều 3. Giải pháp về hạ tầng số.'] });
    expect((await secretary.upload(`/api/v1/documents/${draft.id}/versions`, {}, { bytes: v2, filename: 'du-thao-lan-2.pdf' })).status).toBe(201);
    let moved: AnnotationDto[] = [];
    await expect
      .poll(async () => {
        const ack = await call(socket, 'annotation:list', { documentId: draft.id, version: 2 });
        moved = ack.ok ? ack.data : [];
        return moved.length;
      }, { timeout: 5_000 })
      .toBe(3);
    const where = Object.fromEntries(moved.map((a) => [a.anchorText, a.page]));
    expect(where).toEqual({ 'Mục tiêu phát triển kinh tế số': 1, 'Giải pháp về hạ tầng số': 3, 'Tổ chức thực hiện': null });
  });

  it('comments on a draft reach the secretariat, who marks them handled', async () => {
    const sent = await delegate.post<{ comment: DraftCommentDto }>(`/api/v1/documents/${draft.id}/comments`, { version: 2, page: 1, selectionText: 'Mục tiêu phát triển kinh tế số', body: 'Đề nghị nêu rõ chỉ tiêu đến năm 2025.' });
    expect(sent.status).toBe(201);
    await other.post(`/api/v1/documents/${draft.id}/comments`, { version: 2, page: 3, body: 'Nhất trí với dự thảo.' });
    expect((await delegate.post(`/api/v1/documents/${report.id}/comments`, { version: 1, page: 1, body: 'Góp ý vào báo cáo' })).status).toBe(400);

    const all = await secretary.get<{ comments: DraftCommentDto[] }>(`/api/v1/documents/${draft.id}/comments`);
    expect(all.body.comments.map((c) => [c.page, c.author.fullName])).toEqual([
      [1, 'Đinh Thị Hồng'],
      [3, 'Xa Văn Tùng'],
    ]);
    expect((await delegate.get<{ comments: DraftCommentDto[] }>(`/api/v1/documents/${draft.id}/comments`)).body.comments).toHaveLength(1);
    expect((await delegate.patch(`/api/v1/documents/${draft.id}/comments/${sent.body.comment.id}`, { handled: true })).status).toBe(403);
    expect((await secretary.patch<{ comment: DraftCommentDto }>(`/api/v1/documents/${draft.id}/comments/${sent.body.comment.id}`, { handled: true })).body.comment.handled).toBe(true);
    expect((await secretary.get<{ comments: DraftCommentDto[] }>(`/api/v1/documents/${draft.id}/comments?handled=false`)).body.comments.map((c) => c.page)).toEqual([3]);
  });
});
