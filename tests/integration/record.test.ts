/**
 * Issue 12: the meeting's record. The secretary keeps a note per agenda item
 * during the session, the chair concludes items with tasks for units, "Lập
 * biên bản" builds the minutes from what happened (attendance, speeches,
 * polls, notes), the secretary edits narrative and saves versions, the chair
 * approves, delegates then read it; nobody else reads or changes anything.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import type { LiveSnapshot } from '../../server/contract/live.ts';
import type { OfficialDocument } from '../../server/contract/official-documents.ts';
import type { RecordDocumentEnvelope, RecordItemDto, RecordTaskDto, RecordVersionDto } from '../../server/contract/record.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, secretariat, type Directory } from '../helpers/meetings.ts';
import { online, type Person } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { act } from '../helpers/socket.ts';

const randomKey = () => randomUUID().replaceAll('-', '');
const texts = (doc: OfficialDocument) => doc.blocks.flatMap((b) => (b.kind === 'list' ? b.items : b.kind === 'table' ? b.rows.map((r) => r.join(' | ')) : [b.text]));

describe('the meeting record: notes, minutes, approval', () => {
  let db: TestDatabase;
  let server: TestServer;
  let directory: Directory;
  let secretary: TestClient;
  let chair: Person;
  let delegate: Person;
  let guest: Person;
  let outsider: Person;
  let meeting: MeetingDto;
  let other: MeetingDto;
  let item: AgendaItemDto;
  const people: Person[] = [];
  const join = async (username: string) => {
    const person = await online(server.url, username);
    people.push(person);
    return person;
  };
  const base = () => `/api/v1/meetings/${meeting.id}/record`;
  const put = (client: TestClient, path: string, body: unknown) => client.request<Record<string, unknown>>('PUT', path, body);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ kiểm thử biên bản',
      membershipTotal: 4,
      location: 'Phòng họp số 1',
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
        ['phobithu', 'delegate'],
        ['khach', 'guest'],
      ],
    });
    item = await addAgendaItem(secretary, meeting, { title: 'Dự thảo Nghị quyết chuyển đổi số', plannedMinutes: 30, presenterName: 'Đại diện Sở Nội vụ' });
    other = await createMeeting(secretary, directory, { title: 'Cuộc họp khác', membershipTotal: 2, members: [['paco.chutich', 'chair'], ['maichau.bithu', 'delegate']] });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(secretary, other, 'published');
    chair = await join('bithu');
    delegate = await join('caophong.bithu');
    guest = await join('khach');
    outsider = await join('paco.chutich');
    await changeStatus(chair.client, meeting, 'in_session');
  });
  afterAll(async () => {
    for (const person of people) person.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('the secretary keeps a note per item and the chair concludes it with a task; others may not', async () => {
    const saved = await put(secretary, `${base()}/items/${item.id}/note`, { note: 'Đa số ý kiến đồng tình', concluded: true });
    expect(saved.status).toBe(200);
    expect((saved.body as { item: RecordItemDto }).item).toMatchObject({ itemId: item.id, note: 'Đa số ý kiến đồng tình', concluded: true });
    // the chair reads the record but the note is the secretariat's
    expect((await put(chair.client, `${base()}/items/${item.id}/note`, { note: 'x', concluded: false })).status).toBe(403);
    expect((await put(delegate.client, `${base()}/items/${item.id}/note`, { note: 'x', concluded: false })).status).toBe(403);
    expect((await delegate.client.get(base())).status).toBe(403);
    expect((await outsider.client.get(base())).body).toMatchObject({ error: { code: 'meetingNotFound' } });
    // malformed: unknown field, wrong type, an item of another meeting
    expect((await put(secretary, `${base()}/items/${item.id}/note`, { note: 'x', concluded: 'yes' })).status).toBe(400);
    expect((await put(secretary, `${base()}/items/${item.id}/note`, { note: 'x', concluded: true, extra: 1 })).status).toBe(400);
    expect((await put(secretary, `/api/v1/meetings/${other.id}/record/items/${item.id}/note`, { note: 'x', concluded: true })).body).toMatchObject({ error: { code: 'agendaItemNotFound' } });

    const unitId = directory.unit('Văn phòng UBND tỉnh').id;
    const concluded = await put(chair.client, `${base()}/items/${item.id}/conclusion`, {
      conclusion: 'Thống nhất ban hành Nghị quyết.',
      tasks: [{ unitId, description: 'Hoàn thiện dự thảo', dueDate: '2026-01-10' }],
    });
    expect(concluded.status).toBe(200);
    expect((concluded.body as { item: RecordItemDto }).item.tasks).toMatchObject([{ unitId, description: 'Hoàn thiện dự thảo', status: 'open', overdue: true }]);
    expect((await put(delegate.client, `${base()}/items/${item.id}/conclusion`, { conclusion: 'x', tasks: [] })).status).toBe(403);
    expect((await put(chair.client, `${base()}/items/${item.id}/conclusion`, { conclusion: 'x', tasks: [{ unitId, description: 'x', dueDate: 'mai' }] })).status).toBe(400);

    // the note survives a reload: the database is the source
    const record = await chair.client.get<{ items: RecordItemDto[] }>(base());
    expect(record.body.items).toMatchObject([{ itemId: item.id, note: 'Đa số ý kiến đồng tình', conclusion: 'Thống nhất ban hành Nghị quyết.' }]);
  });

  it('the minutes are built from what happened: attendance, the item, a speech, a poll and the note', async () => {
    await act(chair.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(chair.socket, 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'absent', reason: 'Đi công tác' });
    await act(chair.socket, 'agenda:open', { meetingId: meeting.id, itemId: item.id });
    await act(delegate.socket, 'speaker:request', { meetingId: meeting.id, topic: 'Kinh phí thực hiện' });
    const snapshot = (await act(chair.socket, 'meeting:snapshot', { meetingId: meeting.id })) as LiveSnapshot;
    const request = snapshot.speakers[0]!;
    await act(chair.socket, 'speaker:give', { meetingId: meeting.id, requestId: request.id });
    await act(chair.socket, 'speaker:finish', { meetingId: meeting.id, requestId: request.id });
    const poll = (await chair.client.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua Nghị quyết', secret: false, agendaItemId: item.id })).body.poll;
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/open`, { quorumOverrideReason: 'Kiểm thử biên bản' })).status).toBe(200);
    await act(chair.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, choice: 'yes', idempotencyKey: randomKey() });
    await act(delegate.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, choice: 'yes', idempotencyKey: randomKey() });
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/close`)).status).toBe(200);

    // a preview while the meeting runs is assembled, not stored
    const preview = await secretary.get<{ content: OfficialDocument }>(`${base()}/drafts/minutes/preview`);
    expect(preview.status).toBe(200);
    expect((await secretary.get<RecordDocumentEnvelope>(`${base()}/drafts/minutes`)).body.versions).toEqual([]);

    await act(chair.socket, 'meeting:close', { meetingId: meeting.id });
    expect((await delegate.client.post(`${base()}/drafts/minutes/build`)).status).toBe(403);
    const built = await secretary.post<{ document: RecordVersionDto }>(`${base()}/drafts/minutes/build`);
    expect(built.status).toBe(201);
    const doc = built.body.document;
    expect(doc.summary).toMatchObject({ version: 1, approvedAt: null });
    expect(doc.content).toMatchObject({ typeCode: 'BB', typeName: 'BIÊN BẢN', issuerKind: 'party', signatures: [{ position: 'THƯ KÝ' }, { position: 'CHỦ TRÌ', name: directory.user('bithu').fullName }] });
    const all = texts(doc.content).join('\n');
    // membership 4: the chair and one delegate in the hall, one absent with a reason, one not marked
    expect(all).toContain('Tổng số thành viên: 4. Có mặt: 2/4 (50,0%); ủy quyền: 0; vắng: 1.');
    expect(all).toContain('túc số cần: 3. Cuộc họp KHÔNG đủ túc số theo quy định.');
    expect(all).toMatch(/Vắng: .*Đi công tác/);
    expect(all).toContain('1. Dự thảo Nghị quyết chuyển đổi số');
    expect(all).toContain('Trình bày: Đại diện Sở Nội vụ.');
    expect(all).toMatch(new RegExp(`${directory.user('caophong.bithu').fullName} \\| .* \\| Kinh phí thực hiện \\| \\d+ phút \\d\\d giây`));
    expect(all).toContain('Biểu quyết "Thông qua Nghị quyết"');
    expect(all).toContain('Tán thành | 2 | ');
    expect(all).toContain('Ghi chép của thư ký: Đa số ý kiến đồng tình');
    expect(all).toContain('Kết luận: Thống nhất ban hành Nghị quyết.');
  });

  it('the secretary edits a paragraph (a new version, facts untouchable), the chair approves, delegates read; edits after approval need a new approval', async () => {
    const current = (await secretary.get<RecordDocumentEnvelope>(`${base()}/drafts/minutes`)).body;
    expect(current).toMatchObject({ canEdit: true, canApprove: false });
    const content = current.latest!.content;
    const edited: OfficialDocument = { ...content, blocks: content.blocks.map((b) => (b.source === undefined && b.kind === 'paragraph' && b.text.startsWith('Ý kiến thảo luận') ? { ...b, text: 'Ý kiến thảo luận: nhất trí cao.' } : b)) };
    const saved = await secretary.post<{ document: RecordVersionDto }>(`${base()}/drafts/minutes/versions`, { baseVersion: 1, content: edited });
    expect(saved.status).toBe(201);
    expect(saved.body.document.summary.version).toBe(2);
    // a stale base, a fact rewritten, a malformed body, the wrong person
    expect((await secretary.post(`${base()}/drafts/minutes/versions`, { baseVersion: 1, content: edited })).body).toMatchObject({ error: { code: 'recordVersionStale' } });
    const forged = { ...edited, blocks: edited.blocks.map((b) => (b.source === 'attendance' && b.kind === 'paragraph' ? { ...b, text: 'Có mặt: 4/4' } : b)) };
    expect((await secretary.post(`${base()}/drafts/minutes/versions`, { baseVersion: 2, content: forged })).body).toMatchObject({ error: { code: 'recordFactEdited' } });
    expect((await secretary.post(`${base()}/drafts/minutes/versions`, { baseVersion: 2, content: { ...edited, typeCode: 'X'.repeat(11) } })).status).toBe(400);
    expect((await chair.client.post(`${base()}/drafts/minutes/versions`, { baseVersion: 2, content: edited })).status).toBe(403);

    // nobody but the chair approves; nothing is readable by delegates before
    expect((await delegate.client.get(`${base()}/drafts/minutes/approved`)).body).toMatchObject({ error: { code: 'recordNotApproved' } });
    expect((await secretary.post(`${base()}/drafts/minutes/versions/2/approve`)).status).toBe(403);
    expect((await delegate.client.post(`${base()}/drafts/minutes/versions/2/approve`)).status).toBe(403);
    expect((await outsider.client.post(`${base()}/drafts/minutes/versions/2/approve`)).body).toMatchObject({ error: { code: 'meetingNotFound' } });
    expect((await chair.client.post(`${base()}/drafts/minutes/versions/1/approve`)).body).toMatchObject({ error: { code: 'recordVersionStale' } });
    const approved = await chair.client.post<{ document: RecordVersionDto }>(`${base()}/drafts/minutes/versions/2/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.document.summary).toMatchObject({ version: 2, approvedByName: directory.user('bithu').fullName });

    const read = await delegate.client.get<{ document: RecordVersionDto }>(`${base()}/drafts/minutes/approved`);
    expect(read.status).toBe(200);
    expect(texts(read.body.document.content)).toContain('Ý kiến thảo luận: nhất trí cao.');
    expect((await guest.client.get(`${base()}/drafts/minutes/approved`)).status).toBe(403);
    expect((await outsider.client.get(`${base()}/drafts/minutes/approved`)).body).toMatchObject({ error: { code: 'meetingNotFound' } });
    expect((await delegate.client.get(`${base()}/drafts/minutes`)).status).toBe(403);

    // an edit after approval is a new, unapproved version; the approved one stays what delegates read
    const after = await secretary.post<{ document: RecordVersionDto }>(`${base()}/drafts/minutes/versions`, { baseVersion: 2, content: { ...edited, title: 'Sửa sau khi duyệt' } });
    expect(after.body.document.summary).toMatchObject({ version: 3, approvedAt: null });
    expect((await delegate.client.get<{ document: RecordVersionDto }>(`${base()}/drafts/minutes/approved`)).body.document.summary.version).toBe(2);
    const versions = (await chair.client.get<RecordDocumentEnvelope>(`${base()}/drafts/minutes`)).body;
    expect(versions).toMatchObject({ canEdit: false, canApprove: true });
    expect(versions.versions.map((v) => [v.version, v.approvedAt !== null])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    // what rendering, signing and delivery take at merge
    expect((await server.app.modules.record.approvedDocument(meeting.id, 'minutes'))?.summary.version).toBe(2);
  });

  it('the conclusion notice lists the tasks; the secretariat follows them up', async () => {
    const built = await secretary.post<{ document: RecordVersionDto }>(`${base()}/drafts/notice/build`);
    expect(built.status).toBe(201);
    expect(built.body.document.content).toMatchObject({ typeCode: 'TB' });
    expect(texts(built.body.document.content).join('\n')).toContain('Văn phòng UBND tỉnh: Hoàn thiện dự thảo (hạn 10/01/2026)');
    const tasks = (await secretary.get<{ tasks: RecordTaskDto[] }>(`${base()}/tasks`)).body.tasks;
    expect(tasks).toMatchObject([{ description: 'Hoàn thiện dự thảo', overdue: true, status: 'open' }]);
    expect((await delegate.client.patch(`${base()}/tasks/${tasks[0]!.id}`, { status: 'done' })).status).toBe(403);
    expect((await secretary.patch(`/api/v1/meetings/${other.id}/record/tasks/${tasks[0]!.id}`, { status: 'done' })).body).toMatchObject({ error: { code: 'recordTaskNotFound' } });
    expect((await secretary.patch(`${base()}/tasks/${tasks[0]!.id}`, { status: 'finished' })).status).toBe(400);
    const done = await secretary.patch<{ task: RecordTaskDto }>(`${base()}/tasks/${tasks[0]!.id}`, { status: 'done' });
    expect(done.body.task).toMatchObject({ status: 'done', overdue: false });
  });
});
