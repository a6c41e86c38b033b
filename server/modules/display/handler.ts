/**
 * The display namespace's handler wrapper (see realtime/handler.ts): the
 * same validation, acks and error translation as users' sockets. A wall
 * screen sends a handful of calls a minute, but watching the conference's
 * stage is a burst of about ten (watch, capabilities, transport, a consume
 * and a resume per track), again at each reconnection: 40 in a burst.
 */
import type { Locale } from '../../contract/identity.ts';
import { createSocketHandler, type SocketHandler } from '../../realtime/handler.ts';

export type DisplaySocketLike = { id: string; data: { displayId: string; locale: Locale } };

export const displayHandler: SocketHandler<DisplaySocketLike> = createSocketHandler<DisplaySocketLike>({
  burst: 40,
  perSecond: 10,
  locale: (socket) => socket.data.locale,
  describe: (socket) => ({ socketId: socket.id, displayId: socket.data.displayId }),
  failureMessage: 'display socket handler failed',
});
