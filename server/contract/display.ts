/**
 * The hall display (màn hình chiếu): pairing a wall screen with a code the
 * secretary confirms, what the paired screen may read, and its own Socket.io
 * namespace `/display`. The namespace speaks the same join/snapshot/update
 * events as the main one, so the web's LiveMeeting works on either socket.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid, VisibleText } from './common.ts';
import { CONFIDENTIALITY_LEVELS } from './documents.ts';
import { MEETING_STATUSES } from './meetings.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './realtime.ts';
import type { WallStageClientToServerEvents, WallStageServerToClientEvents } from './display-stage.ts';

/** The Socket.io namespace of wall screens. */
export const DISPLAY_NAMESPACE = '/display';
/** httpOnly, SameSite=Strict cookie holding the device's secret. */
export const DISPLAY_COOKIE = 'phs_display';
/** Six digits, easy to read aloud across a hall. */
export const PAIRING_CODE_LENGTH = 6;
export const PAIRING_CODE_TTL_MS = 10 * 60_000;

const Strict = { additionalProperties: false } as const;

export const PairingCode = Type.String({ pattern: `^[0-9]{${PAIRING_CODE_LENGTH}}$` });

/** The secretary confirms the code a screen shows, and names the screen. */
/** A screen asks for a code with an empty body: anything else is refused, not ignored. */
export const PairingRequest = Type.Object({}, Strict);
export const DisplayConfirm = Type.Object({ code: PairingCode, name: VisibleText(1, 120) }, Strict);
export type DisplayConfirm = Static<typeof DisplayConfirm>;

/** Moves an already paired screen to this meeting (and optionally renames it). */
export const DisplayReassign = Type.Object({ name: Type.Optional(VisibleText(1, 120)) }, Strict);
export type DisplayReassign = Static<typeof DisplayReassign>;

export const MeetingDisplayParams = Type.Object({ meetingId: Uuid, displayId: Uuid }, Strict);

/** Which presented version the screen asks for; it must be the one presented now. */
export const PresentationFileQuery = Type.Object(
  { document: Type.Optional(Uuid), version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) },
  Strict,
);
export type PresentationFileQuery = Static<typeof PresentationFileQuery>;

/** A paired screen as the secretary sees it. */
export const DisplayDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  meetingId: Nullable(Uuid),
  pairedAt: Nullable(Type.String()),
  pairedByName: Nullable(Type.String()),
  /** a socket of this screen is connected now */
  online: Type.Boolean(),
});
export type DisplayDto = Static<typeof DisplayDto>;

/** What a new (or not yet confirmed) screen shows. */
export const PairingDto = Type.Object({ code: PairingCode, expiresAt: Type.String() });
export type PairingDto = Static<typeof PairingDto>;

/** What the wall needs to know about its meeting (and nothing more). */
export const DisplayMeeting = Type.Object({
  id: Uuid,
  title: Type.String(),
  unitName: Type.String(),
  startsAt: Type.String(),
  location: Nullable(Type.String()),
  status: Type.Enum(MEETING_STATUSES),
});
export type DisplayMeeting = Static<typeof DisplayMeeting>;

/**
 * The document version presented now in the screen's meeting, and how
 * confidential it is: anything but "normal" is shown with a permanent
 * marking (level and a watermark naming the screen) over the page.
 */
export const DisplayPresentation = Type.Object({
  documentId: Uuid,
  version: Type.Integer(),
  confidentiality: Type.Enum(CONFIDENTIALITY_LEVELS),
  viewOnly: Type.Boolean(),
});
export type DisplayPresentation = Static<typeof DisplayPresentation>;

/** GET /display/state: who this screen is and which meeting it shows. */
export const DisplayState = Type.Object({
  id: Uuid,
  /** null while pending */
  name: Nullable(Type.String()),
  paired: Type.Boolean(),
  /** the code it shows while pending (or while it offers itself for another meeting) */
  pairing: Nullable(PairingDto),
  meeting: Nullable(DisplayMeeting),
  /** null when nothing is presented (or the screen has no meeting) */
  presentation: Nullable(DisplayPresentation),
});
export type DisplayState = Static<typeof DisplayState>;

// — response envelopes of the display routes —

export const PairingEnvelope = Type.Object({ pairing: PairingDto });
export type PairingEnvelope = Static<typeof PairingEnvelope>;
export const DisplayStateEnvelope = Type.Object({ state: DisplayState });
export type DisplayStateEnvelope = Static<typeof DisplayStateEnvelope>;
export const DisplayEnvelope = Type.Object({ display: DisplayDto });
export type DisplayEnvelope = Static<typeof DisplayEnvelope>;
export const DisplayListEnvelope = Type.Object({ displays: Type.Array(DisplayDto) });
export type DisplayListEnvelope = Static<typeof DisplayListEnvelope>;

// — the `/display` namespace —

/** Pushed when the secretary pairs, moves or unpairs this screen (unpairing then cuts the socket). */
export type DisplayAssigned = { meetingId: string | null };

export interface DisplayServerToClientEvents extends WallStageServerToClientEvents {
  'live:update': ServerToClientEvents['live:update'];
  'live:resync': ServerToClientEvents['live:resync'];
  'poll:update': ServerToClientEvents['poll:update'];
  'display:assigned': (payload: DisplayAssigned) => void;
}

/** The wall's own events, and its receive-only view of the conference (display-stage.ts). */
export interface DisplayClientToServerEvents extends WallStageClientToServerEvents {
  /** meetingId must be this screen's assigned meeting */
  'meeting:join': ClientToServerEvents['meeting:join'];
  'meeting:snapshot': ClientToServerEvents['meeting:snapshot'];
  'meeting:leave': ClientToServerEvents['meeting:leave'];
}

/** Rooms of the display namespace. */
export const displayRooms = {
  display: (displayId: string) => `display:${displayId}`,
} as const;
