/**
 * The conference's stage on the hall wall, receive-only: who is on stage
 * and their picture and voice, over the wall's `/display` socket with the
 * conference's own MediaLink (one recv transport, nothing sent). The wall
 * runs unattended for hours, so every way the view can break mends itself:
 * a socket that reconnects, a media worker that dies (`stage:rewatch`), a
 * transport that fails, the conference starting or ending, all lead to
 * watching again; while no conference runs the wall asks again now and then
 * (the server also says when one starts). A link that dies without a word
 * (a peer connection closed under it) shows in its stats, read every few
 * seconds by the conference's own LinkStats. The stage moving to someone else
 * arrives as `stage:update`: the new peer's producers are consumed, the
 * previous one's dropped.
 */
import type { types } from 'mediasoup-client';
import type { ConferenceSource } from '$contract/conference-realtime.ts';
import type { StageRewatchReason, WallStage } from '$contract/display-stage.ts';
import type { DisplayClientToServerEvents } from '$contract/display.ts';
import { MediaLink, Stale } from '$lib/conference/media-link.ts';
import { LinkStats } from '$lib/conference/stats.svelte.ts';
import { politely, type Call } from '$lib/realtime/call.ts';
import { SocketFollower } from '$lib/realtime/follower.ts';
import type { DisplaySocket } from './wall.svelte.ts';

/** While no conference runs, ask again this often (the server's "started" push usually comes first). */
const IDLE_POLL_MS = 15_000;
/** After a failure, watch again after this long, then longer, up to the last. */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

export type StagePhase = 'idle' | 'connecting' | 'live';

export class WallStageView extends SocketFollower<DisplaySocket> {
  readonly meetingId: string;
  /** null: no conference, or nobody on stage (the wall then looks as it does without a conference) */
  stage = $state<WallStage | null>(null);
  phase = $state<StagePhase>('idle');
  #tracks = $state<{ peerId: string; source: ConferenceSource; track: MediaStreamTrack }[]>([]);

  readonly #call: Call<DisplayClientToServerEvents>;
  /** the receiving link's health (and quality), as a participant's page reads it */
  readonly stats = new LinkStats();
  #link: MediaLink | null = null;
  /** which watch counts: a step of an older one gives up */
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  /** producers asked of the current link (bookkeeping, never shown) */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #consumed = new Set<string>();
  /** another socket of this screen took over: stay idle until this one reconnects */
  #replaced = false;

  /** The stage peer's picture: a shared screen before the camera. */
  readonly video: MediaStreamTrack | null = $derived(this.#trackOf('screen') ?? this.#trackOf('camera'));
  readonly audio: MediaStreamTrack | null = $derived(this.#trackOf('mic'));

  constructor(meetingId: string, call: Call<DisplayClientToServerEvents>) {
    super();
    this.meetingId = meetingId;
    this.#call = (event, payload, timeoutMs) => politely(() => call(event, payload, timeoutMs));
  }

  /** A stage to show: someone on it, in a running conference. */
  get onStage(): boolean {
    return this.phase !== 'idle' && this.stage?.peer != null;
  }

  protected override listen(socket: DisplaySocket): () => void {
    const onUpdate = ({ meetingId, stage }: { meetingId: string; stage: WallStage }) => {
      if (meetingId === this.meetingId && this.#link !== null) this.#show(stage, this.#link);
    };
    const onRewatch = ({ meetingId, reason }: { meetingId: string; reason: StageRewatchReason }) => {
      if (meetingId !== this.meetingId) return;
      if (reason === 'replaced') {
        this.#replaced = true;
        this.#stop();
        return;
      }
      this.#watchSoon(0);
    };
    socket.on('stage:update', onUpdate);
    socket.on('stage:rewatch', onRewatch);
    return () => {
      socket.off('stage:update', onUpdate);
      socket.off('stage:rewatch', onRewatch);
    };
  }

  protected override attached(socket: DisplaySocket | null): void {
    if (socket?.connected === true) this.#watchSoon(0);
  }

  /** A new connection: the server forgot our viewer with the old one. */
  protected override connected(): void {
    this.#replaced = false;
    this.#failures = 0;
    this.#watchSoon(0);
  }

  protected override disconnected(): void {
    // the picture may freeze; the transport's own failure or the reconnect will watch again
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  close(): void {
    const socket = this.stopFollowing();
    this.#stop();
    if (socket?.connected === true) void this.#call('stage:leave', { meetingId: this.meetingId });
  }

  #trackOf(source: ConferenceSource): MediaStreamTrack | null {
    const peerId = this.stage?.peer?.id;
    return this.#tracks.find((t) => t.peerId === peerId && t.source === source)?.track ?? null;
  }

  #stop(): void {
    this.#generation++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.stats.stop();
    this.#link?.close();
    this.#link = null;
    this.#consumed.clear();
    this.#tracks = [];
    this.stage = null;
    this.phase = 'idle';
  }

  #watchSoon(delayMs: number): void {
    if (this.closed || this.#replaced) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#watch();
    }, delayMs);
  }

  async #watch(): Promise<void> {
    const socket = this.socket;
    if (this.closed || this.#replaced || socket?.connected !== true) return;
    this.#stop();
    const generation = this.#generation;
    const current = () => generation === this.#generation && !this.closed;
    try {
      const ack = await this.#call('stage:watch', { meetingId: this.meetingId });
      if (!current()) return;
      if (!ack.ok) throw new Error(ack.error.code);
      if (ack.data.state === 'idle') {
        this.#failures = 0;
        this.#watchSoon(IDLE_POLL_MS);
        return;
      }
      this.phase = 'connecting';
      const link: MediaLink = new MediaLink({
        meetingId: this.meetingId,
        call: this.#call,
        current,
        broken: () => {
          if (current()) this.#retry();
        },
        iceServers: ack.data.iceServers,
        relayOnly: false,
        trackAdded: (peerId, source, track) => {
          if (current()) this.#tracks = [...this.#tracks.filter((t) => !(t.peerId === peerId && t.source === source)), { peerId, source, track }];
        },
        trackGone: (_peerId, _source, track) => {
          if (current()) this.#tracks = this.#tracks.filter((t) => t.track !== track);
        },
      });
      this.#link = link;
      // the server's mediasoup types name a few more header extensions than the client's (as the session casts)
      await link.start(ack.data.routerRtpCapabilities as types.RtpCapabilities, false);
      if (!current()) return;
      this.phase = 'live';
      this.#failures = 0;
      this.#show(ack.data.stage, link);
      this.stats.start({ recv: () => link.recv, send: () => null, current, broken: () => this.#retry() });
    } catch (error) {
      if (error instanceof Stale || !current()) return;
      console.warn('wall: watching the conference stage failed', error);
      this.#retry();
    }
  }

  #retry(): void {
    const delay = RETRY_MS[Math.min(this.#failures, RETRY_MS.length - 1)]!;
    this.#failures++;
    this.#stop();
    this.#watchSoon(delay);
  }

  /** Consume what the stage lists now, drop the rest (the previous stage peer's, a closed producer). */
  #show(stage: WallStage, link: MediaLink): void {
    this.stage = stage;
    // a lookup for this call, never shown
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const listed = new Set(stage.producers.map((p) => p.id));
    for (const producerId of [...this.#consumed]) {
      if (listed.has(producerId)) continue;
      this.#consumed.delete(producerId);
      link.dropProducer(producerId);
    }
    for (const producer of stage.producers) {
      this.#consumed.add(producer.id);
      void link.consume(producer);
    }
  }
}
