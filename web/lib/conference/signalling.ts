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
  socket
    .on('conference:peerJoined', on.peerJoined)
    .on('conference:peerUpdated', on.peerUpdated)
    .on('conference:peerLeft', on.peerLeft)
    .on('conference:newProducer', on.newProducer)
    .on('conference:producerClosed', on.producerClosed)
    .on('conference:producerPaused', on.producerPaused)
    .on('conference:producerResumed', on.producerResumed)
    .on('conference:consumerClosed', on.consumerClosed)
    .on('conference:stage', on.stage)
    .on('conference:hand', on.hand)
    .on('conference:rejoin', on.rejoin)
    .on('conference:lobby', on.lobby)
    .on('conference:admission', on.admission)
    .on('conference:settings', on.settings)
    .on('conference:ended', on.ended);
  return () =>
    void socket
      .off('conference:peerJoined', on.peerJoined)
      .off('conference:peerUpdated', on.peerUpdated)
      .off('conference:peerLeft', on.peerLeft)
      .off('conference:newProducer', on.newProducer)
      .off('conference:producerClosed', on.producerClosed)
      .off('conference:producerPaused', on.producerPaused)
      .off('conference:producerResumed', on.producerResumed)
      .off('conference:consumerClosed', on.consumerClosed)
      .off('conference:stage', on.stage)
      .off('conference:hand', on.hand)
      .off('conference:rejoin', on.rejoin)
      .off('conference:lobby', on.lobby)
      .off('conference:admission', on.admission)
      .off('conference:settings', on.settings)
      .off('conference:ended', on.ended);
}
