/**
 * The display namespace's handler wrapper (see realtime/handler.ts): the
 * same validation, acks and error translation as users' sockets. A wall
 * screen sends a handful of calls a minute; 20 in a burst is plenty.
 */
import type { Locale } from '../../contract/identity.ts';
import { createSocketHandler, type SocketHandler } from '../../realtime/handler.ts';

export type DisplaySocketLike = { id: string; data: { displayId: string; locale: Locale } };

export const displayHandler: SocketHandler<DisplaySocketLike> = createSocketHandler<DisplaySocketLike>({
  burst: 20,
  perSecond: 5,
  locale: (socket) => socket.data.locale,
  describe: (socket) => ({ socketId: socket.id, displayId: socket.data.displayId }),
  failureMessage: 'display socket handler failed',
});
