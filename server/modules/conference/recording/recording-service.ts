/**
 * Recording a meeting's conference: the chair (meeting chair or secretariat)
 * starts and stops it; agenda items that open meanwhile become chapters; the
 * file is attached to the meeting (conference_recordings) and played by its
 * participants. media/recording/ does the media and ffmpeg work; this file
 * decides who may, keeps the rows, watches the disk and closes files a
 * restart left open.
 *
 * A recording lives in the process whose media service holds the room (the
 * ffmpeg child is that process's), and is stopped there: with several app
 * processes, the chair's stop must reach that one (like every conference
 * control today). Rows carry host and pid: at start-up a process closes only
 * the rows of its own host whose recording process is gone, so a second app
 * process starting never touches a recording another one is writing.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { finaliseRecording, RoomRecorder, type ConferenceRoom, type RecorderEndReason } from '../../../../media/index.ts';
import type { SessionUser } from '../../../contract/identity.ts';
import type { RecordingDto, RecordingsEnvelope } from '../../../contract/recording.ts';
import type { RecordingSettings } from '../../../config.ts';
import type { RecordingMark } from '../../../db/schema/conference-state.ts';
import { AppError } from '../../../errors.ts';
import type { MeetingForConference } from '../conference-access.ts';
import { freeMegabytes, type FreeSpace } from './disk-space.ts';
import { chaptersFromMarks, playable, recordingDto } from './recording-dto.ts';
import type { RecordingRow, RecordingStore } from './recording-store.ts';

export type CurrentItem = { itemId: string; title: string } | null;

export type RecordingServiceDeps = {
  /** who the user is in this meeting's conference (throws meetingNotFound for outsiders) */
  identify: (user: SessionUser, meetingId: string) => Promise<MeetingForConference>;
  /** the meeting's conference room, if media runs and someone joined */
  room: (meetingId: string) => ConferenceRoom | undefined;
  /** the agenda item open now in the live meeting */
  currentItem: (meetingId: string) => Promise<CurrentItem>;
  /** tell everyone in the conference (the red indicator) */
  announce: (meetingId: string, recording: RecordingDto | null) => void;
  /** where the recorder's plain transports listen */
  listenIp: string;
};

type Active = {
  row: RecordingRow;
  recorder: RoomRecorder;
  title: string;
  lastItemId: string | null;
  diskTimer: NodeJS.Timeout;
  finishing: Promise<RecordingDto> | undefined;
};

const HOST = os.hostname();

/**
 * Recordings this process is writing, whichever app instance of it holds
 * them (tests run several in one process): recover() never touches these.
 */
const RECORDING_HERE = new Set<string>();

const rawFile = (dir: string, row: Pick<RecordingRow, 'file'>) => path.join(dir, `${row.file}.rec`);
const finalFile = (dir: string, row: Pick<RecordingRow, 'file'>) => path.join(dir, row.file);

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // this process has just started: the row is from a previous life
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RecordingService {
  readonly #store: RecordingStore;
  readonly #settings: RecordingSettings;
  readonly #deps: RecordingServiceDeps;
  readonly #log: FastifyBaseLogger;
  readonly #freeSpace: FreeSpace;
  readonly #active = new Map<string, Active>();
  /** meetings whose start is under way (a second start is refused at once) */
  readonly #starting = new Set<string>();
  #closed = false;

  constructor(store: RecordingStore, settings: RecordingSettings, deps: RecordingServiceDeps, log: FastifyBaseLogger, freeSpace: FreeSpace = freeMegabytes) {
    this.#store = store;
    this.#settings = settings;
    this.#deps = deps;
    this.#log = log.child({ module: 'recording' });
    this.#freeSpace = freeSpace;
  }

  /** the recorder of a meeting now (tests, diagnostics) */
  recorder(meetingId: string): RoomRecorder | undefined {
    return this.#active.get(meetingId)?.recorder;
  }

  async start(user: SessionUser, meetingId: string): Promise<RecordingDto> {
    const { identity, meeting } = await this.#deps.identify(user, meetingId);
    if (identity.role !== 'chair') throw new AppError(403, 'forbidden');
    if (meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    if (this.#closed) throw new AppError(503, 'recordingUnavailable');
    if (this.#active.has(meetingId) || this.#starting.has(meetingId)) throw new AppError(409, 'recordingAlreadyRunning');
    this.#starting.add(meetingId);
    try {
      await mkdir(this.#settings.dir, { recursive: true });
      await this.#assertDisk();
      const room = this.#deps.room(meetingId);
      if (!room || room.peers().length === 0) throw new AppError(409, 'recordingNoConference');
      // ffmpeg learns the video's size from its first frames: with no camera on it could not begin the file
      if (!room.producers().some((p) => p.kind === 'video' && !p.paused)) throw new AppError(409, 'recordingNoVideo');
      const id = randomUUID();
      const startedAt = new Date();
      const item = await this.#deps.currentItem(meetingId);
      const marks: RecordingMark[] = item === null ? [] : [{ itemId: item.itemId, title: item.title, at: startedAt.toISOString() }];
      const row = await this.#store.create({ id, meetingId, file: `${id}.webm`, startedBy: user.id, startedAt, marks, host: HOST, pid: process.pid });
      let recorder: RoomRecorder;
      try {
        recorder = await RoomRecorder.start(room, { output: rawFile(this.#settings.dir, row), ffmpeg: this.#settings.ffmpeg, listenIp: this.#deps.listenIp, logger: this.#mediaLog() });
      } catch (err) {
        this.#log.error({ err, meetingId }, 'recorder could not start');
        await this.#store.stopped(row.id, 'failed', new Date(), 'error');
        throw new AppError(503, 'recordingUnavailable');
      }
      const active: Active = { row, recorder, title: meeting.title, lastItemId: item?.itemId ?? null, diskTimer: this.#watchDisk(meetingId), finishing: undefined };
      this.#active.set(meetingId, active);
      RECORDING_HERE.add(row.id);
      const ended = (reason: RecorderEndReason) => {
        // not when it is being stopped already (by the chair, the disk watch, the meeting closing)
        if (this.#active.get(meetingId) !== active || active.finishing) return;
        void this.#finish(meetingId, reasonOf(reason)).catch((err: unknown) => this.#log.error({ err, meetingId }, 'recording could not be closed'));
      };
      recorder.once('ended', ({ reason }) => {
        if (reason !== 'stopped') ended(reason);
      });
      // ffmpeg may already have given up while the recorder was being set up
      if (recorder.ended) ended('ffmpeg-exited');
      const dto = recordingDto(row);
      this.#deps.announce(meetingId, dto);
      this.#log.info({ meetingId, recordingId: row.id }, 'recording started');
      return dto;
    } finally {
      this.#starting.delete(meetingId);
    }
  }

  async stop(user: SessionUser, meetingId: string): Promise<RecordingDto> {
    const { identity } = await this.#deps.identify(user, meetingId);
    if (identity.role !== 'chair') throw new AppError(403, 'forbidden');
    if (!this.#active.has(meetingId)) throw new AppError(409, 'recordingNotRunning');
    return this.#finish(meetingId, 'chair');
  }

  /** The live meeting opened another agenda item: a chapter starts here. */
  agendaChanged(meetingId: string, item: CurrentItem): void {
    const active = this.#active.get(meetingId);
    if (!active || active.finishing || item === null || item.itemId === active.lastItemId) return;
    active.lastItemId = item.itemId;
    const mark: RecordingMark = { itemId: item.itemId, title: item.title, at: new Date().toISOString() };
    this.#store.addMark(active.row.id, mark).catch((err: unknown) => this.#log.warn({ err, meetingId }, 'could not keep a chapter mark'));
  }

  /** The meeting closed or its room went away: stop what records it. */
  meetingEnded(meetingId: string): void {
    if (!this.#active.has(meetingId)) return;
    void this.#finish(meetingId, 'meeting-closed').catch((err: unknown) => this.#log.error({ err, meetingId }, 'recording could not be closed'));
  }

  async list(user: SessionUser, meetingId: string): Promise<RecordingsEnvelope> {
    await this.#deps.identify(user, meetingId);
    const rows = await this.#store.listOf(meetingId);
    // from the database, not this process's recorders: whichever app process the caller reached
    const active = rows.find((row) => row.status === 'recording');
    return { recordings: rows.map(recordingDto), active: active ? recordingDto(active) : null };
  }

  async get(user: SessionUser, meetingId: string, recordingId: string): Promise<RecordingDto> {
    await this.#deps.identify(user, meetingId);
    const row = await this.#store.byId(meetingId, recordingId);
    if (!row) throw new AppError(404, 'recordingNotFound');
    return recordingDto(row);
  }

  /** The path of a playable recording of this meeting, for a participant of it. */
  async file(user: SessionUser, meetingId: string, recordingId: string): Promise<string> {
    await this.#deps.identify(user, meetingId);
    const row = await this.#store.byId(meetingId, recordingId);
    if (!row) throw new AppError(404, 'recordingNotFound');
    if (!playable(row)) throw new AppError(409, 'recordingNotReady');
    return finalFile(this.#settings.dir, row);
  }

  /**
   * At start-up: recordings this host left open (their process is gone) are
   * marked interrupted and closed into playable files from what ffmpeg wrote.
   */
  async recover(): Promise<void> {
    for (const row of await this.#store.openOnHost(HOST)) {
      if (RECORDING_HERE.has(row.id) || processAlive(row.pid)) continue;
      const raw = rawFile(this.#settings.dir, row);
      const stoppedAt = await stat(raw).then((s) => s.mtime, () => row.startedAt);
      await this.#store.stopped(row.id, 'interrupted', stoppedAt, 'restart');
      await this.#close(row, stoppedAt, 'interrupted');
    }
  }

  /** Shutting down: ffmpeg closes each file; the rows stay open for recover() at the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    const stopping = [...this.#active.values()].map((active) => {
      clearInterval(active.diskTimer);
      RECORDING_HERE.delete(active.row.id);
      return active.recorder.stop();
    });
    this.#active.clear();
    await Promise.allSettled(stopping);
  }

  // ---- internals ----------------------------------------------------------

  async #assertDisk(): Promise<void> {
    const freeMb = await this.#freeSpace(this.#settings.dir);
    if (freeMb < this.#settings.minFreeMb) throw new AppError(507, 'recordingLowDisk', { params: { freeMb, minMb: this.#settings.minFreeMb } });
  }

  #watchDisk(meetingId: string): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.#freeSpace(this.#settings.dir)
        .then((freeMb) => {
          if (freeMb >= this.#settings.minFreeMb) return;
          this.#log.warn({ meetingId, freeMb, minMb: this.#settings.minFreeMb }, 'recording stopped: the disk reached its free-space floor');
          if (!this.#active.has(meetingId)) return;
          return this.#finish(meetingId, 'disk');
        })
        .catch((err: unknown) => this.#log.error({ err, meetingId }, 'disk check failed'));
    }, this.#settings.diskCheckMs);
    timer.unref();
    return timer;
  }

  /** Stop ffmpeg (the file is closed), then remux it with its chapters. Idempotent per recording. */
  async #finish(meetingId: string, reason: string): Promise<RecordingDto> {
    const active = this.#active.get(meetingId);
    if (!active) throw new AppError(409, 'recordingNotRunning');
    active.finishing ??= (async () => {
      clearInterval(active.diskTimer);
      RECORDING_HERE.delete(active.row.id);
      await active.recorder.stop();
      const stoppedAt = new Date();
      if (this.#active.get(meetingId) === active) this.#active.delete(meetingId);
      await this.#store.stopped(active.row.id, 'finalising', stoppedAt, reason);
      this.#deps.announce(meetingId, null);
      const row = (await this.#store.byId(meetingId, active.row.id)) ?? active.row;
      await this.#close(row, stoppedAt, 'ready', active.title);
      this.#log.info({ meetingId, recordingId: row.id, reason }, 'recording stopped');
      const done = await this.#store.byId(meetingId, row.id);
      return recordingDto(done ?? row);
    })();
    return active.finishing;
  }

  /** Remux the raw file into the playable one; a file that cannot be read is a failed recording. */
  async #close(row: RecordingRow, stoppedAt: Date, status: 'ready' | 'interrupted', title = ''): Promise<void> {
    const raw = rawFile(this.#settings.dir, row);
    try {
      const result = await finaliseRecording({ ffmpeg: this.#settings.ffmpeg, ffprobe: this.#settings.ffprobe }, raw, finalFile(this.#settings.dir, row), title, (durationMs) =>
        chaptersFromMarks(row.marks, row.startedAt, stoppedAt, durationMs),
      );
      await this.#store.finished(row.id, { status, durationMs: result.durationMs, chapters: result.chapters });
      await rm(raw, { force: true });
    } catch (err) {
      this.#log.error({ err, recordingId: row.id }, 'recording could not be finalised');
      await this.#store.finished(row.id, { status: 'failed', durationMs: null, chapters: [] });
    }
  }

  #mediaLog() {
    const child = this.#log;
    return {
      debug: (obj: object, msg: string) => child.debug(obj, msg),
      info: (obj: object, msg: string) => child.info(obj, msg),
      warn: (obj: object, msg: string) => child.warn(obj, msg),
      error: (obj: object, msg: string) => child.error(obj, msg),
    };
  }
}

function reasonOf(reason: RecorderEndReason): string {
  switch (reason) {
    case 'room-closed':
      return 'room-closed';
    case 'ffmpeg-exited':
    case 'router-closed':
      return 'error';
    case 'stopped':
      return 'chair';
  }
}
