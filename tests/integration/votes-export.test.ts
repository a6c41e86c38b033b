/**
 * The result sheet that goes into the minutes (PDF, read back with pdftotext
 * as a clerk's software would), the poll's history, the ballots a delegate
 * may cast (their own and a proxy's), and what a hall display is given.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { ACK_TIMEOUT_MS } from '../../server/contract/realtime.ts';
import type { CastBallot, PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { changeStatus, createMeeting, loggedIn } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { callWithin, type ClientSocket } from '../helpers/socket.ts';

type ErrorBody = { error: { code: string; message: string } };
const run = promisify(execFile);

describe('poll result sheet, history and ballots per viewer', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chair: TestClient;
  let meeting: MeetingDto;
  let directory: Awaited<ReturnType<typeof demoDirectory>>;
  let work: string;
  const sockets: ClientSocket[] = [];
  const clients = new Map<string, TestClient>();
  const PRESENT = ['phobithu', 'chutich', 'giamdoc.noivu', 'caophong.bithu'];

  const base = () => `/api/v1/meetings/${meeting.id}/polls`;
  const as = async (username: string) => {
    let client = clients.get(username);
    if (client === undefined) {
      client = await loggedIn(server.url, username);
      clients.set(username, client);
    }
    return client;
  };
  const cast = async (username: string, ballot: Omit<CastBallot, 'meetingId' | 'idempotencyKey'>) => {
    const socket = await socketOf(server.url, await as(username));
    sockets.push(socket);
    return callWithin(ACK_TIMEOUT_MS * 4, socket, 'vote:cast', { meetingId: meeting.id, idempotencyKey: `k-${randomUUID()}`, ...ballot });
  };
  /** The sheet as text, columns kept in place (-layout) so a row reads "Tán thành   3   50%". */
  const sheetText = async (pollId: string, client: TestClient = chair) => {
    const response = await client.fetchRaw(`${base()}/${pollId}/result.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = path.join(work, `${pollId}.pdf`);
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    return stdout.normalize('NFC');
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'votes-export-'));
    db = await createTestDatabase();
    server = await startTestServer(db);
    const secretary = await as('thuky');
    directory = await demoDirectory(secretary);
    meeting = await createMeeting(secretary, directory, {
      kind: 'bch',
      title: 'Hội nghị Ban Chấp hành lần thứ mười hai',
      startsAt: '2026-12-12T01:30:00.000Z',
      membershipTotal: 6,
      members: [['bithu', 'chair'], ...[...PRESENT, 'maichau.bithu'].map((username) => [username, 'delegate'] as const)],
    });
    const thuky = directory.user('thuky').id;
    for (const username of PRESENT) await server.database.sql`insert into attendance (meeting_id, user_id, status, marked_by) values (${meeting.id}, ${directory.user(username).id}, 'present', ${thuky})`;
    // Mai Châu's delegate is absent and represented by Cao Phong's.
    await server.database.sql`insert into attendance (meeting_id, user_id, status, proxy_user_id, marked_by) values (${meeting.id}, ${directory.user('maichau.bithu').id}, 'proxy', ${directory.user('caophong.bithu').id}, ${thuky})`;
    await changeStatus(secretary, meeting, 'published');
    chair = await as('bithu');
    await changeStatus(chair, meeting, 'in_session');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('a public motion: proxy ballot, history, and a PDF sheet with the right figures', async () => {
    const created = await chair.post<{ poll: PollDto }>(base(), { kind: 'motion', title: 'Thông qua Nghị quyết về phát triển kinh tế - xã hội năm 2027', secret: false });
    expect(created.status).toBe(201);
    const poll = created.body.poll;
    expect(poll.mine).toEqual([]); // a draft has no ballots yet
    expect((await chair.post(`${base()}/${poll.id}/open`, {})).status).toBe(200);

    // Cao Phong's delegate casts their own ballot and one for Mai Châu's.
    const caophong = await as('caophong.bithu');
    const before = (await caophong.get<{ poll: PollDto }>(`${base()}/${poll.id}`)).body.poll;
    expect(before.mine.map((b) => [b.voterUserId, b.proxy, b.voted])).toEqual([
      [directory.user('caophong.bithu').id, false, false],
      [directory.user('maichau.bithu').id, true, false],
    ]);

    const tooEarly = await chair.get<ErrorBody>(`${base()}/${poll.id}/result.pdf`);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe('pollResultNotReady');
    expect(tooEarly.body.error.message).toMatch(/chưa kết thúc/);

    for (const [username, choice] of [['phobithu', 'yes'], ['chutich', 'yes'], ['giamdoc.noivu', 'no'], ['caophong.bithu', 'yes']] as const) {
      expect((await cast(username, { pollId: poll.id, choice })).ok).toBe(true);
    }
    expect((await cast('caophong.bithu', { pollId: poll.id, choice: 'abstain', voterUserId: directory.user('maichau.bithu').id })).ok).toBe(true);
    const after = (await caophong.get<{ poll: PollDto }>(`${base()}/${poll.id}`)).body.poll;
    expect(after.mine.every((b) => b.voted)).toBe(true);

    await chair.post(`${base()}/${poll.id}/close`);
    const published = (await chair.post<{ poll: PollDto }>(`${base()}/${poll.id}/publish`)).body.poll;
    const chairName = directory.user('bithu').fullName;
    expect(published.history.map((h) => [h.action, h.byName])).toEqual([
      ['created', chairName],
      ['opened', chairName],
      ['closed', chairName],
      ['published', chairName],
    ]);

    // Any participant may download it once published; the figures: 3 of 6 members is 50%, 4 needed → not passed.
    const text = await sheetText(poll.id, caophong);
    expect(text).toContain('VĂN PHÒNG TỈNH ỦY');
    expect(text).toContain('BIÊN BẢN KẾT QUẢ BIỂU QUYẾT');
    expect(text).toContain('Hội nghị Ban Chấp hành lần thứ mười hai');
    expect(text).toContain('Ngày 12/12/2026');
    expect(text).toContain('Thông qua Nghị quyết về phát triển kinh tế - xã hội năm 2027');
    expect(text).toContain('Biểu quyết công khai');
    expect(text.replace(/\s+/g, ' ')).toContain('Quá nửa tổng số thành viên (Tổng số thành viên: 6; số phiếu cần đạt: 4)');
    expect(text).toMatch(/Tán thành\s+3\s+50%/);
    expect(text).toMatch(/Không tán thành\s+1\s+16,67%/);
    expect(text).toMatch(/Không biểu quyết\s+1\s+16,67%/);
    expect(text).toMatch(/Số phiếu thu về: 5/);
    expect(text).toMatch(/Tỷ lệ tham gia: 100%/);
    expect(text).toMatch(/Kết luận: KHÔNG THÔNG QUA/);
    expect(text).toContain('Điện tử');
    expect(text).toMatch(/Mở biểu quyết \(.+\)/);
    expect(text).toMatch(/THƯ KÝ\s+CHỦ TRÌ/);
    expect(text).toContain('Trang 1/');

    // Someone outside the meeting learns nothing, not even that it exists.
    const outsider = await as('khach');
    expect((await outsider.fetchRaw(`${base()}/${poll.id}/result.pdf`)).status).toBe(404);
  });

  it('a secret election opened without quorum: the reason, the elected and the ballots are on the sheet', async () => {
    // Absent members make the quorum fail: only the chair's override opens it.
    await server.database.sql`update attendance set status = 'absent', proxy_user_id = null where meeting_id = ${meeting.id} and user_id in ${server.database.sql([directory.user('chutich').id, directory.user('giamdoc.noivu').id, directory.user('maichau.bithu').id])}`;
    const poll = (
      await chair.post<{ poll: PollDto }>(base(), {
        kind: 'election',
        title: 'Bầu Ủy viên Ban Thường vụ',
        secret: true,
        candidates: ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'],
        maxChoices: 2,
      })
    ).body.poll;
    expect((await chair.post<ErrorBody>(`${base()}/${poll.id}/open`, {})).body.error.code).toBe('quorumNotMet');
    expect((await chair.post(`${base()}/${poll.id}/open`, { quorumOverrideReason: 'Đại biểu vắng vì công tác đột xuất' })).status).toBe(200);
    const [an, binh] = poll.candidates.map((c) => c.id);
    expect((await cast('phobithu', { pollId: poll.id, choice: [an!, binh!] })).ok).toBe(true);
    expect((await cast('caophong.bithu', { pollId: poll.id, choice: [an!] })).ok).toBe(true);
    await chair.post(`${base()}/${poll.id}/close`);

    // Closed but not published: the delegates cannot have it yet, the chair can.
    expect((await (await as('phobithu')).get<ErrorBody>(`${base()}/${poll.id}/result.pdf`)).body.error.code).toBe('pollNotPublished');
    const text = await sheetText(poll.id);
    expect(text).toContain('BIÊN BẢN KẾT QUẢ BẦU CỬ');
    expect(text).toContain('Bỏ phiếu kín');
    expect(text).toContain('mỗi phiếu chọn tối đa 2 người');
    expect(text).toMatch(/Nguyễn Văn An\s+2\s+33,33%\s+Không trúng cử/);
    expect(text).toMatch(/Lê Văn Cường\s+0\s+0%\s+Không trúng cử/);
    expect(text).toMatch(/Số phiếu phát ra: 2/);
    expect(text).toMatch(/Số phiếu hợp lệ: 2/);
    expect(text).toMatch(/Số phiếu không hợp lệ: 0/);
    expect(text).toContain('Không có ứng viên trúng cử');
    expect(text.replace(/\s+/g, ' ')).toContain('lý do: Đại biểu vắng vì công tác đột xuất');
    const history = (await chair.get<{ poll: PollDto }>(`${base()}/${poll.id}`)).body.poll.history;
    expect(history.map((h) => h.action)).toEqual(['created', 'opened', 'quorum-overridden', 'closed']);
    expect(history[2]!.reason).toBe('Đại biểu vắng vì công tác đột xuất');
  });

  it('a paired hall display gets open, closed and published polls, never names or unpublished results', async () => {
    const draft = (await chair.post<{ poll: PollDto }>(base(), { kind: 'motion', title: 'Dự thảo chưa mở', secret: false })).body.poll;
    const open = (await chair.post<{ poll: PollDto }>(base(), { kind: 'motion', title: 'Biểu quyết đang mở', secret: false })).body.poll;
    await chair.post(`${base()}/${open.id}/open`, { quorumOverrideReason: 'Kiểm thử màn hình chiếu' });
    // The display module checks pairing; the service itself asks for no user.
    const votes = server.app.modules.votes;
    const shown = await votes.listForDisplay(meeting.id);
    const byId = new Map(shown.map((p) => [p.id, p]));
    expect(byId.has(draft.id)).toBe(false);
    expect(byId.get(open.id)?.turnout.notVoted).toBeNull();
    expect(shown.every((p) => p.mine.length === 0)).toBe(true);
    // The closed, unpublished election of the test before: listed, without its result.
    const closed = shown.find((p) => p.status === 'closed');
    expect(closed?.result).toBeNull();
    expect(shown.find((p) => p.status === 'published')?.result?.options).toHaveLength(3);
  });
});
