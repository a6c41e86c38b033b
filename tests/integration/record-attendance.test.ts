/**
 * Issue 12, the record's figures: the meeting's attendance report as CSV and
 * as PDF (read back with pdftotext), with those present, the one represented
 * by a proxy, the one absent with the reason given, against the membership
 * and the quorum. Only the meeting's secretariat and chair get it; a
 * delegate is refused, someone of another meeting does not see the meeting,
 * and a reason typed as a spreadsheet formula stays text.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, secretariat, type Directory } from '../helpers/meetings.ts';
import { online, type Person } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { act } from '../helpers/socket.ts';

const run = promisify(execFile);

describe('the attendance report of the record', () => {
  let db: TestDatabase;
  let server: TestServer;
  let directory: Directory;
  let secretary: TestClient;
  let chair: Person;
  let delegate: Person;
  let outsider: Person;
  let meeting: MeetingDto;
  let work: string;
  const people: Person[] = [];
  const join = async (username: string) => {
    const person = await online(server.url, username);
    people.push(person);
    return person;
  };
  const base = () => `/api/v1/meetings/${meeting.id}/record`;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'record-attendance-'));
    db = await createTestDatabase();
    server = await startTestServer(db);
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ điểm danh',
      membershipTotal: 5,
      location: 'Phòng họp số 2',
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
        ['phobithu', 'delegate'],
      ],
    });
    await changeStatus(secretary, meeting, 'published');
    await createMeeting(secretary, directory, { title: 'Cuộc họp khác', membershipTotal: 2, members: [['paco.chutich', 'chair']] });
    chair = await join('bithu');
    delegate = await join('caophong.bithu');
    outsider = await join('paco.chutich');
    await changeStatus(chair.client, meeting, 'in_session');
    await act(chair.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(chair.socket, 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'absent', reason: '=HYPERLINK("http://evil.example","Đi công tác")' });
    await act(chair.socket, 'attendance:mark', { meetingId: meeting.id, userId: directory.user('phobithu').id, status: 'proxy', proxyUserId: directory.user('caophong.bithu').id });
  });
  afterAll(async () => {
    for (const person of people) person.socket.disconnect();
    await server?.close();
    await db?.drop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('CSV: the figures against membership and quorum, and everyone with their state; a formula stays text', async () => {
    const response = await secretary.fetchRaw(`${base()}/attendance.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain('diem-danh.csv');
    const bytes = Buffer.from(await response.arrayBuffer());
    // the byte order mark Excel needs to read UTF-8 (response.text() would drop it)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(rows).toContain('Tổng số thành viên,5');
    expect(rows).toContain('Có mặt trực tiếp,2');
    expect(rows).toContain('Vắng có ủy quyền,1');
    expect(rows.some((row) => row.startsWith('Đủ điều kiện tiến hành,'))).toBe(true);
    expect(rows.find((row) => row.includes('Vắng, có ủy quyền'))).toContain(directory.user('caophong.bithu').fullName);
    const absent = rows.find((row) => row.includes(directory.user('maichau.bithu').fullName));
    expect(absent).toContain(',Vắng,');
    // quoted as text: a spreadsheet shows the reason, never runs it
    expect(absent).toContain(`"'=HYPERLINK(""http://evil.example"",""Đi công tác"")"`);
    expect(rows.filter((row) => row.includes(',Có mặt,'))).toHaveLength(2);
  });

  it('PDF: a Vietnamese sheet with the figures, the absent reason and the signature blocks', async () => {
    const response = await chair.client.fetchRaw(`${base()}/attendance.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = path.join(work, 'attendance.pdf');
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    const text = stdout.normalize('NFC');
    expect(text).toContain('BÁO CÁO ĐIỂM DANH');
    expect(text).toContain('Hội nghị Ban Thường vụ điểm danh');
    expect(text).toMatch(/Tổng số thành viên: 5/);
    expect(text).toMatch(/Có mặt trực tiếp: 2/);
    expect(text).toContain('Vắng có ủy quyền (1)');
    expect(text).toContain('Vắng mặt (1)');
    expect(text).toContain(directory.user('maichau.bithu').fullName);
    expect(text).toContain('THƯ KÝ');
    expect(text).toContain('CHỦ TRÌ');
  });

  it('a delegate is refused; someone of another meeting and an anonymous caller get nothing', async () => {
    expect((await delegate.client.fetchRaw(`${base()}/attendance.csv`)).status).toBe(403);
    expect((await delegate.client.fetchRaw(`${base()}/attendance.pdf`)).status).toBe(403);
    const foreign = await outsider.client.fetchRaw(`${base()}/attendance.pdf`);
    expect([403, 404]).toContain(foreign.status);
    expect(foreign.headers.get('content-type')).not.toBe('application/pdf');
    expect((await fetch(`${server.url}${base()}/attendance.csv`)).status).toBe(401);
    expect((await secretary.fetchRaw(`/api/v1/meetings/not-a-uuid/record/attendance.csv`)).status).toBe(400);
  });

  it("the conclusion form's units: the chair gets the active units to give tasks to; a delegate is refused", async () => {
    const answer = await chair.client.get<{ units: { id: string; name: string }[] }>(`${base()}/units`);
    expect(answer.status).toBe(200);
    expect(answer.body.units.map((unit) => unit.name)).toContain('Văn phòng Tỉnh ủy');
    expect((await delegate.client.get(`${base()}/units`)).status).toBe(403);
    expect([403, 404]).toContain((await outsider.client.get(`${base()}/units`)).status);
  });
});
