/**
 * The conference's pushes on the tab's socket, one typed listener each:
 * `listenToConference` adds them and answers how to remove them all (the
 * session follows a new socket after a reconnect). Which meeting a push is
 * about, and whether it waits for a join being set up, is the session's
 * business.
 */
import type { ConferenceServerToClientEvents } from '$contract/conference-realtime.ts';
import type { AppSocket } from '$lib/realtime/client.svelte.ts';

/** A listener for every conference push, by its name without the `conference:` prefix. */
export type ConferencePushes = {
  [E in keyof ConferenceServerToClientEvents as E extends `conference:${infer Name}` ? Name : never]: ConferenceServerToClientEvents[E];
};

export function listenToConference(socket: AppSocket, on: ConferencePushes): () => void {
  // One list for adding and removing, so the two cannot drift apart.
  const wire = (method: 'on' | 'off') => {
    socket[method]('conference:peerJoined', on.peerJoined);
    socket[method]('conference:peerUpdated', on.peerUpdated);
    socket[method]('conference:peerLeft', on.peerLeft);
    socket[method]('conference:newProducer', on.newProducer);
    socket[method]('conference:producerClosed', on.producerClosed);
    socket[method]('conference:producerPaused', on.producerPaused);
    socket[method]('conference:producerResumed', on.producerResumed);
    socket[method]('conference:consumerClosed', on.consumerClosed);
    socket[method]('conference:stage', on.stage);
    socket[method]('conference:hand', on.hand);
    socket[method]('conference:rejoin', on.rejoin);
    socket[method]('conference:lobby', on.lobby);
    socket[method]('conference:admission', on.admission);
    socket[method]('conference:settings', on.settings);
    socket[method]('conference:recording', on.recording);
    socket[method]('conference:ended', on.ended);
  };
  wire('on');
  return () => wire('off');
}
