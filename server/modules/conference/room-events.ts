/** A conference room's media events, turned into pushes to the meeting's sockets. */
import type { ConferenceRoom } from '../../../media/index.ts';
import { stageOf, type Presence, type PushTarget } from './presence.ts';

const attached = new WeakSet<ConferenceRoom>();

/** Once per room object: its events become pushes, and a peer that left is forgotten. */
export function relayRoomEvents(room: ConferenceRoom, presence: Presence): void {
  if (attached.has(room)) return;
  attached.add(room);
  const meetingId = room.id;
  const all: PushTarget = { to: 'all' };
  const peerUpdate = (peerId: string) => {
    const state = presence.get(meetingId);
    const peer = room.getPeer(peerId);
    if (state && peer) presence.push(meetingId, all, 'conference:peerUpdated', { meetingId, peer: presence.peerDto(state, peer) });
  };
  room.on('peerJoined', ({ peerId }) => {
    const state = presence.of(meetingId);
    const peer = room.getPeer(peerId);
    if (peer) presence.push(meetingId, all, 'conference:peerJoined', { meetingId, peer: presence.peerDto(state, peer) });
  });
  room.on('peerLeft', ({ peerId, reason }) => {
    if (reason === 'replaced') return; // the new peer's peerJoined follows
    presence.push(meetingId, all, 'conference:peerLeft', { meetingId, peerId, reason });
    presence.emit('detach', { meetingId, userId: peerId, reason });
    const state = presence.get(meetingId);
    if (state) presence.forget(state, peerId);
  });
  room.on('peerConnectionChanged', ({ peerId }) => peerUpdate(peerId));
  room.on('peerMuteChanged', ({ peerId }) => peerUpdate(peerId));
  room.on('producerAdded', (producer) => presence.push(meetingId, all, 'conference:newProducer', { meetingId, producer }));
  room.on('producerClosed', ({ producerId, peerId }) => presence.push(meetingId, all, 'conference:producerClosed', { meetingId, producerId, peerId }));
  room.on('producerPaused', ({ producerId, peerId, source, byServer }) =>
    presence.push(meetingId, all, 'conference:producerPaused', { meetingId, producerId, peerId, source, byServer }),
  );
  room.on('producerResumed', ({ producerId, peerId, source, byServer }) =>
    presence.push(meetingId, all, 'conference:producerResumed', { meetingId, producerId, peerId, source, byServer }),
  );
  room.on('consumerClosed', ({ peerId, consumerId, producerId }) =>
    presence.push(meetingId, { to: 'peer', userId: peerId }, 'conference:consumerClosed', { meetingId, consumerId, producerId }),
  );
  room.on('stageChanged', () => presence.push(meetingId, all, 'conference:stage', { meetingId, stage: stageOf(room) }));
  room.on('activeSpeaker', () => presence.push(meetingId, all, 'conference:stage', { meetingId, stage: stageOf(room) }));
  room.on('peerNeedsRejoin', ({ peerId, reason }) => presence.push(meetingId, { to: 'peer', userId: peerId }, 'conference:rejoin', { meetingId, reason }));
}
