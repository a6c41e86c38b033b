/**
 * The conference's decisions kept in the database (conference-state tables):
 * settings (admission required, spotlight), the chair's admissions and the
 * sources it holds muted, and the endpoint rows the conference reads.
 */
import { and, eq } from 'drizzle-orm';
import type { ConferenceSettings, ConferenceSource } from '../../contract/conference-realtime.ts';
import type { Db } from '../../db/client.ts';
import { endpointAccounts, endpoints, meetingEndpoints } from '../../db/schema/conference.ts';
import { conferenceAdmissions, conferenceMutes, conferenceSettings } from '../../db/schema/conference-state.ts';

type SettingsPatch = { requireAdmission?: boolean; spotlightUserId?: string | null };

export class ConferenceStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async settings(meetingId: string): Promise<ConferenceSettings> {
    const [row] = await this.#db.select().from(conferenceSettings).where(eq(conferenceSettings.meetingId, meetingId)).limit(1);
    return { meetingId, requireAdmission: row?.requireAdmission ?? false, spotlightUserId: row?.spotlightUserId ?? null };
  }

  async saveSettings(meetingId: string, patch: SettingsPatch): Promise<void> {
    await this.#db
      .insert(conferenceSettings)
      .values({ meetingId, ...patch })
      .onConflictDoUpdate({ target: conferenceSettings.meetingId, set: { ...patch, updatedAt: new Date() } });
  }

  async admissionOf(meetingId: string, endpointId: string): Promise<'admitted' | 'removed' | undefined> {
    const [row] = await this.#db
      .select({ status: conferenceAdmissions.status })
      .from(conferenceAdmissions)
      .where(and(eq(conferenceAdmissions.meetingId, meetingId), eq(conferenceAdmissions.endpointId, endpointId)));
    return row?.status;
  }

  async setAdmission(meetingId: string, endpointIds: string[], status: 'admitted' | 'removed', decidedBy: string): Promise<void> {
    if (endpointIds.length === 0) return;
    await this.#db
      .insert(conferenceAdmissions)
      .values(endpointIds.map((endpointId) => ({ meetingId, endpointId, status, decidedBy })))
      .onConflictDoUpdate({ target: [conferenceAdmissions.meetingId, conferenceAdmissions.endpointId], set: { status, decidedBy, decidedAt: new Date() } });
  }

  /** Endpoints present when admission becomes required count as admitted (a decision already taken stays). */
  async admitPresent(meetingId: string, endpointIds: string[], decidedBy: string): Promise<void> {
    if (endpointIds.length === 0) return;
    await this.#db
      .insert(conferenceAdmissions)
      .values(endpointIds.map((endpointId) => ({ meetingId, endpointId, status: 'admitted' as const, decidedBy })))
      .onConflictDoNothing();
  }

  /**
   * What the chair holds muted for this peer; null when the chair never
   * decided anything about it in this meeting (then a commune joins muted).
   * An unmute keeps the row with no sources, so a reconnect stays unmuted.
   */
  async mutesOf(meetingId: string, userId: string): Promise<ConferenceSource[] | null> {
    const [row] = await this.#db
      .select({ sources: conferenceMutes.sources })
      .from(conferenceMutes)
      .where(and(eq(conferenceMutes.meetingId, meetingId), eq(conferenceMutes.userId, userId)));
    return row === undefined ? null : row.sources.filter((s): s is ConferenceSource => s === 'mic' || s === 'camera' || s === 'screen');
  }

  /** Adds `sources` to what the chair holds muted for each target (given with what it holds now). */
  async addMutes(meetingId: string, targets: { id: string; serverMuted: readonly string[] }[], sources: readonly ConferenceSource[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      for (const target of targets) {
        const merged = [...new Set([...target.serverMuted, ...sources])];
        await tx
          .insert(conferenceMutes)
          .values({ meetingId, userId: target.id, sources: merged })
          .onConflictDoUpdate({ target: [conferenceMutes.meetingId, conferenceMutes.userId], set: { sources: merged, updatedAt: new Date() } });
      }
    });
  }

  async clearMutes(meetingId: string, userId: string): Promise<void> {
    await this.#setMutes(meetingId, userId, []);
  }

  /** The floor lifts the chair's mute of the mic only. */
  async liftMicMute(meetingId: string, userId: string): Promise<void> {
    const held = (await this.mutesOf(meetingId, userId)) ?? [];
    await this.#setMutes(meetingId, userId, held.filter((s) => s !== 'mic'));
  }

  async #setMutes(meetingId: string, userId: string, sources: ConferenceSource[]): Promise<void> {
    await this.#db
      .insert(conferenceMutes)
      .values({ meetingId, userId, sources })
      .onConflictDoUpdate({ target: [conferenceMutes.meetingId, conferenceMutes.userId], set: { sources, updatedAt: new Date() } });
  }

  /** Active endpoints this account joins as, with the meetings they take part in. */
  async accountHalls(userId: string): Promise<{ meetingId: string; endpointId: string; endpointName: string }[]> {
    return this.#db
      .select({ meetingId: meetingEndpoints.meetingId, endpointId: endpoints.id, endpointName: endpoints.name })
      .from(endpointAccounts)
      .innerJoin(endpoints, eq(endpoints.id, endpointAccounts.endpointId))
      .innerJoin(meetingEndpoints, eq(meetingEndpoints.endpointId, endpoints.id))
      .where(and(eq(endpointAccounts.userId, userId), eq(endpoints.active, true)));
  }

  /** Endpoints of this meeting in this unit (where a person attends from). */
  async hallsInUnit(meetingId: string, unitId: string): Promise<string[]> {
    const rows = await this.#db
      .select({ endpointId: endpoints.id })
      .from(endpoints)
      .innerJoin(meetingEndpoints, and(eq(meetingEndpoints.endpointId, endpoints.id), eq(meetingEndpoints.meetingId, meetingId)))
      .where(eq(endpoints.unitId, unitId));
    return rows.map((r) => r.endpointId);
  }
}
