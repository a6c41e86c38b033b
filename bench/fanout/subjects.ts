/**
 * The two servers under test, seen the same way by the measuring code: how
 * tablets reach and join them, how their presenter turns a page, how much
 * memory they hold. The app's presenter is the chair of a real meeting; the
 * bare server's broadcasts a message of the same bytes as the app's.
 */
import type { Socket } from 'socket.io-client';
import type { LiveSnapshot, LiveUpdateMessage } from '../../server/contract/live.ts';
import { processMemory } from '../lib/server-process.ts';
import type { Channel } from './children.ts';
import type { Inspector } from './inspector.ts';
import type { BenchMeeting } from './meeting-setup.ts';
import { options, sleep } from './options.ts';
import { call, connectSocket } from './presenter.ts';
import type { BarePage, FromBareServer, Target, ToBareServer } from './protocol.ts';
import type { TabletTarget } from './tablet-pool.ts';

export type Memory = { rss: number; heap: number };

export type Subject = TabletTarget & {
  target: Target;
  pid: number;
  present(page: number): Promise<void>;
  /** RSS and V8 heap in use, after a full GC when BENCH_GC is on. */
  memory(): Promise<Memory>;
  memory0: Memory;
};

/** The chair joins, shows the document and turns to page 2; returns the app subject and the live:update it received (the bare server's template). */
export async function appSubject(url: string, pid: number, meeting: BenchMeeting, inspector: Inspector | undefined): Promise<{ subject: Subject; template: LiveUpdateMessage }> {
  const presenter = await connectSocket(url, meeting.chairCookie);
  const { meetingId } = meeting;
  await call<LiveSnapshot>(presenter, 'meeting:join', { meetingId });
  await call(presenter, 'presentation:show', { meetingId, documentId: meeting.documentId, version: 1, page: 1 });
  let template: LiveUpdateMessage | undefined;
  const firstUpdate = new Promise<void>((resolve) => presenter.once('live:update', (message: LiveUpdateMessage) => ((template = message), resolve())));
  await call(presenter, 'presentation:page', { meetingId, page: 2 });
  await Promise.race([firstUpdate, sleep(5_000)]);
  if (template === undefined) throw new Error('the chair did not receive its own live:update');
  const subject: Subject = {
    target: 'app',
    url,
    pid,
    join: { event: 'meeting:join', payload: { meetingId } },
    cookies: meeting.delegateCookies,
    present: (page) => call(presenter, 'presentation:page', { meetingId, page }).then(() => undefined),
    memory: async () => {
      const heap = inspector === undefined ? 0 : await inspector.gc();
      return { rss: (await processMemory(pid)).rss, heap };
    },
    memory0: { rss: 0, heap: 0 },
    connected: 0,
  };
  return { subject, template };
}

/** The baseline's presenter joins the same room name and sends the app's message with only the page changed. */
export async function bareSubject(url: string, bare: Channel<FromBareServer, ToBareServer>, template: LiveUpdateMessage): Promise<{ subject: Subject; message: BarePage['message'] }> {
  const room = `meeting:${template.meetingId}`;
  const presenter: Socket = await connectSocket(url);
  await call(presenter, 'join', { room });
  const message: BarePage['message'] = { meetingId: template.meetingId, version: 0, serverTime: '', update: template.update };
  const pid = bare.child.pid!;
  const subject: Subject = {
    target: 'bare',
    url,
    pid,
    join: { event: 'join', payload: { room } },
    cookies: [],
    present: (page) => {
      const value = { ...(message.update as { value: object }).value, page };
      return call(presenter, 'page', { room, message: { ...message, update: { section: 'presentation', value } } } satisfies BarePage).then(() => undefined);
    },
    memory: async () => {
      let heap = 0;
      if (options.gc) {
        const reply = bare.next((m): m is Extract<FromBareServer, { type: 'memory' }> => m.type === 'memory', 30_000, 'memory');
        bare.send({ type: 'memory' });
        heap = (await reply).heapUsed;
      }
      return { rss: (await processMemory(pid)).rss, heap };
    },
    memory0: { rss: 0, heap: 0 },
    connected: 0,
  };
  return { subject, message };
}
