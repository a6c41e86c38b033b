/**
 * Builds the conference's RecordingService and connects it to the rest: the
 * live meeting's agenda (chapters), the meeting closing (stop), the
 * conference's pushes (the red indicator) and, once, the recordings a
 * previous run of this host left open.
 */
import type { ModuleContext } from '../../module.ts';
import { resolveConferenceIdentity } from '../conference-access.ts';
import type { ConferenceService } from '../conference-service.ts';
import type { ConferenceDeps } from '../deps.ts';
import type { MediaHost } from '../media-host.ts';
import { RecordingService, type CurrentItem } from './recording-service.ts';
import { RecordingStore } from './recording-store.ts';

type Context = Pick<ModuleContext, 'db' | 'config' | 'events' | 'log'>;

function currentOf(agenda: { currentItemId: string | null; items: { itemId: string; title: string }[] }): CurrentItem {
  const item = agenda.items.find((i) => i.itemId === agenda.currentItemId);
  return item === undefined ? null : { itemId: item.itemId, title: item.title };
}

export function createRecording({ db, config, events, log }: Context, deps: ConferenceDeps, conference: ConferenceService, media: MediaHost): RecordingService {
  const recording = new RecordingService(new RecordingStore(db), config.recording, {
    identify: (user, meetingId) => resolveConferenceIdentity(db, deps, meetingId, user),
    room: (meetingId) => conference.room(meetingId),
    currentItem: async (meetingId) => currentOf((await deps.live.snapshotForDisplay(meetingId)).agenda),
    announce: (meetingId, dto) => conference.presence.push(meetingId, { to: 'all' }, 'conference:recording', { meetingId, recording: dto }),
    listenIp: media.config.pipeListenIp,
  }, log);
  events.on('live.updated', ({ meetingId, update }) => {
    if (update.section === 'agenda') recording.agendaChanged(meetingId, currentOf(update.value));
  });
  events.on('meeting.changed', ({ meetingId, change }) => {
    if (change === 'status:closed') recording.meetingEnded(meetingId);
  });
  recording.recover().catch((err: unknown) => log.error({ err }, 'open recordings could not be closed'));
  return recording;
}
