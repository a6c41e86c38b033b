/**
 * The meeting the tablets follow, set up over REST as a secretary would: a
 * Ban Chấp hành meeting in session, the chair and six delegates, a 40-page
 * document; then the chair's and the delegates' session cookies.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { api, login, uploadFile } from '../lib/client.ts';
import { DELEGATES, PAGES, PASSWORD } from './options.ts';

export type BenchMeeting = { meetingId: string; documentId: string; chairCookie: string; delegateCookies: string[] };

async function writePresentation(work: string): Promise<string> {
  const pdfPath = path.join(work, 'trinh-chieu.pdf');
  const paragraphs = Array.from({ length: PAGES }, (_, i) => [`Trang ${i + 1}: nội dung trình chiếu tại phiên họp.`, PAGE_BREAK]).flat().slice(0, -1);
  await writeFile(pdfPath, await renderTextPdf({ title: 'Báo cáo kết quả thực hiện nhiệm vụ', paragraphs }));
  return pdfPath;
}

export async function setUpMeeting(url: string, work: string): Promise<BenchMeeting> {
  const pdfPath = await writePresentation(work);
  const secretary = await login(url, 'thuky', PASSWORD);
  const units = await api<{ units: { id: string; name: string }[] }>(url, secretary, 'GET', '/api/v1/units');
  const users = await api<{ users: { id: string; username: string }[] }>(url, secretary, 'GET', '/api/v1/users?limit=500');
  const userId = (username: string) => {
    const user = users.users.find((u) => u.username === username);
    if (user === undefined) throw new Error(`no demo user ${username}`);
    return user.id;
  };
  const { meeting } = await api<{ meeting: { id: string } }>(url, secretary, 'POST', '/api/v1/meetings', {
    kind: 'bch',
    title: 'Hội nghị Ban Chấp hành (đo tải trình chiếu)',
    organizerUnitId: units.units.find((u) => u.name === 'Văn phòng Tỉnh ủy')!.id,
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    membershipTotal: 600,
  });
  await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: userId('bithu'), role: 'chair' });
  for (const username of DELEGATES) await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: userId(username), role: 'delegate' });
  const uploaded = await uploadFile(`${url}/api/v1/meetings/${meeting.id}/documents`, secretary, { title: 'Báo cáo trình chiếu', kind: 'submission' }, pdfPath, 'trinh-chieu.pdf');
  if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${uploaded.body}`);
  const document = (JSON.parse(uploaded.body) as { document: { id: string; pageCount: number } }).document;
  if (document.pageCount !== PAGES) throw new Error(`the document has ${document.pageCount} pages, expected ${PAGES}`);
  await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
  await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' });
  const chairCookie = await login(url, 'bithu', PASSWORD);
  const delegateCookies: string[] = [];
  for (const username of DELEGATES) delegateCookies.push(await login(url, username, PASSWORD));
  return { meetingId: meeting.id, documentId: document.id, chairCookie, delegateCookies };
}
