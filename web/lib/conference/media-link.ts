/**
 * The mediasoup side of one join: the device, the send and receive
 * transports, the tracks we produce and those we consume. A new join makes a
 * new link and closes the old one, so nothing of an abandoned attempt leaks
 * into the next; every async step asks `current()` first and gives up
 * (Stale) when its join is no longer the one that counts.
 *
 * A short outage of a transport gets an ICE restart; anything worse (failed,
 * closed, still down after the restart) is reported as `broken` and the
 * session joins again with a new link.
 *
 * TURN (closed networks): the transports get the ICE servers of the join
 * answer. A transport that fails before it was ever connected reports so
 * (`neverConnected`), and the session's next join asks for relay only
 * (`iceTransportPolicy: 'relay'`), through coturn over TCP/TLS.
 */
import { Device, type types } from 'mediasoup-client';
import type { ConferenceSource, IceServer, ProducerInfo } from '$contract/conference-realtime.ts';
import type { Call, Payloads } from '$lib/realtime/call.ts';
import type { ClientToServerEvents } from '$contract/realtime.ts';
import type { WallMediaEvents } from '$contract/display-stage.ts';
import { required } from './call.ts';
import { CAMERA_CODEC_OPTIONS, CAMERA_ENCODINGS, MIC_CODEC_OPTIONS } from './media.ts';

/** a 'disconnected' transport gets an ICE restart after this long, and a new join if still not back after the second */
const ICE_RESTART_AFTER_MS = 2_000;
const REJOIN_AFTER_MS = 8_000;

/** Thrown by a step of an abandoned join: not an error, nobody is told. */
export class Stale extends Error {}

type Wire<E extends keyof ClientToServerEvents> = Payloads<ClientToServerEvents>[E];

/**
 * The calls a link makes: a participant's tab sends them on its socket, the
 * hall wall on its `/display` socket (where the sending ones are refused: it
 * never sends), with the same payloads and answers.
 */
export type LinkEvents = WallMediaEvents;

export type LinkOptions = {
  meetingId: string;
  call: Call<LinkEvents>;
  /** false once this join is abandoned */
  current: () => boolean;
  /** the link broke under a joined conference: join again (neverConnected: ICE found no way at all) */
  broken: (why?: { neverConnected: boolean }) => void;
  /** TURN servers from the join answer ([] without TURN) */
  iceServers: IceServer[];
  /** only relayed candidates: direct ICE already failed on this network */
  relayOnly: boolean;
  /** a remote peer's track arrived */
  trackAdded: (peerId: string, source: ConferenceSource, track: MediaStreamTrack) => void;
  /** a remote peer's track left */
  trackGone: (peerId: string, source: ConferenceSource, track: MediaStreamTrack) => void;
};

export class MediaLink {
  readonly #o: LinkOptions;
  #device: Device | null = null;
  #send: types.Transport | null = null;
  #recv: types.Transport | null = null;
  readonly #producers = new Map<ConferenceSource, types.Producer>();
  readonly #consumers = new Map<string, { consumer: types.Consumer; peerId: string; source: ConferenceSource }>();
  readonly #byProducer = new Map<string, string>();
  readonly #consuming = new Set<string>();
  readonly #iceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** closing on purpose: a transport's close is then no reason to join again */
  #closing = false;
  /** transports that reached 'connected' at least once */
  readonly #everConnected = new Set<string>();

  constructor(options: LinkOptions) {
    this.#o = options;
  }

  get send(): types.Transport | null {
    return this.#send;
  }

  get recv(): types.Transport | null {
    return this.#recv;
  }

  /** A receive transport is up (consuming can start). */
  get receiving(): boolean {
    return this.#recv !== null && !this.#recv.closed;
  }

  /** Loads the device with the router's capabilities, tells the server ours, opens the transports. */
  async start(routerRtpCapabilities: types.RtpCapabilities, sends: boolean): Promise<void> {
    const { meetingId, call } = this.#o;
    const device = new Device();
    await device.load({ routerRtpCapabilities });
    this.#check();
    this.#device = device;
    await required(call('conference:setRtpCapabilities', { meetingId, rtpCapabilities: device.rtpCapabilities as Wire<'conference:setRtpCapabilities'>['rtpCapabilities'] }));
    this.#check();
    this.#recv = await this.#transport('recv');
    if (sends) this.#send = await this.#transport('send');
  }

  producer(source: ConferenceSource): types.Producer | undefined {
    return this.#producers.get(source);
  }

  /** Sends a track; `paused`: the server is told it starts paused (the button is off, or the chair muted). */
  async produce(source: ConferenceSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
    const send = this.#send;
    if (!send || send.closed || this.#producers.has(source)) return;
    const producer = await send.produce({
      track,
      stopTracks: false,
      ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS, codecOptions: CAMERA_CODEC_OPTIONS } : {}),
      ...(source === 'mic' ? { codecOptions: MIC_CODEC_OPTIONS } : {}),
      appData: { source, paused },
    });
    if (!this.#o.current()) {
      producer.close();
      throw new Stale();
    }
    if (paused) producer.pause();
    this.#producers.set(source, producer);
    producer.observer.on('close', () => {
      if (this.#producers.get(source) === producer) this.#producers.delete(source);
    });
  }

  /** Stops sending from this source (the screen share ended) and tells the server. */
  closeProducer(source: ConferenceSource): void {
    const producer = this.#producers.get(source);
    if (!producer) return;
    void this.#o.call('conference:closeProducer', { meetingId: this.#o.meetingId, producerId: producer.id });
    producer.close();
    this.#producers.delete(source);
  }

  /** Receives a remote producer (once: a second call while the first runs is ignored). */
  async consume(producer: ProducerInfo): Promise<void> {
    if (this.#byProducer.has(producer.id) || this.#consuming.has(producer.id)) return;
    const recv = this.#recv;
    if (!recv || recv.closed) return;
    const { meetingId, call } = this.#o;
    this.#consuming.add(producer.id);
    try {
      const ack = await call('conference:consume', { meetingId, producerId: producer.id });
      if (!ack.ok || !this.#o.current() || recv.closed) return; // the producer went away meanwhile
      const info = ack.data;
      const consumer = await recv.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as types.RtpParameters });
      if (!this.#o.current()) {
        consumer.close();
        return;
      }
      this.#consumers.set(consumer.id, { consumer, peerId: info.producerPeerId, source: info.source });
      this.#byProducer.set(info.producerId, consumer.id);
      this.#o.trackAdded(info.producerPeerId, info.source, consumer.track);
      await call('conference:resumeConsumer', { meetingId, consumerId: consumer.id });
    } catch (error) {
      if (this.#o.current()) console.warn('conference: consume failed', error);
    } finally {
      this.#consuming.delete(producer.id);
    }
  }

  dropConsumer(consumerId: string): void {
    const entry = this.#consumers.get(consumerId);
    if (!entry) return;
    this.#consumers.delete(consumerId);
    this.#byProducer.delete(entry.consumer.producerId);
    this.#o.trackGone(entry.peerId, entry.source, entry.consumer.track);
    entry.consumer.close();
  }

  /** The remote producer closed: stop consuming it. */
  dropProducer(producerId: string): void {
    const consumerId = this.#byProducer.get(producerId);
    if (consumerId) this.dropConsumer(consumerId);
  }

  /** The peer left: stop consuming all it sent. */
  dropPeer(peerId: string): void {
    for (const [consumerId, entry] of [...this.#consumers]) if (entry.peerId === peerId) this.dropConsumer(consumerId);
  }

  /** Closes transports, producers and consumers (local tracks stay: they belong to the devices). */
  close(): void {
    this.#closing = true;
    try {
      // Transports first: their producers and consumers then close without asking a (maybe dead) peer connection.
      this.#send?.close();
      this.#recv?.close();
      for (const producer of this.#producers.values()) producer.close();
      this.#producers.clear();
      for (const { consumer } of this.#consumers.values()) consumer.close();
      this.#consumers.clear();
      this.#byProducer.clear();
      this.#consuming.clear();
    } finally {
      this.#closing = false;
    }
    this.#send = null;
    this.#recv = null;
    this.#device = null;
    for (const timer of this.#iceTimers.values()) clearTimeout(timer);
    this.#iceTimers.clear();
  }

  #check(): void {
    if (!this.#o.current()) throw new Stale();
  }

  async #transport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const { meetingId, call } = this.#o;
    const info = await required(call('conference:createTransport', { meetingId, direction }));
    if (!this.#o.current() || !this.#device) throw new Stale();
    const options: types.TransportOptions = {
      id: info.id,
      iceParameters: info.iceParameters as types.IceParameters,
      iceCandidates: info.iceCandidates as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
      iceServers: this.#o.iceServers.map((server) => ({ urls: server.urls, username: server.username, credential: server.credential })),
      // Relay only when there are relays to use: without TURN that would gather no candidate at all.
      iceTransportPolicy: this.#o.relayOnly && this.#o.iceServers.length > 0 ? 'relay' : 'all',
    };
    const transport = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      const payload = { meetingId, transportId: transport.id, dtlsParameters: dtlsParameters as Wire<'conference:connectTransport'>['dtlsParameters'] };
      void call('conference:connectTransport', payload).then((ack) => (ack.ok ? done() : fail(new Error(ack.error.message))));
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
        const source = appData.source as ConferenceSource;
        const rtp = rtpParameters as Wire<'conference:produce'>['rtpParameters'];
        void call('conference:produce', { meetingId, transportId: transport.id, kind, rtpParameters: rtp, source, paused: appData.paused === true }).then((ack) =>
          ack.ok ? done({ id: ack.data.id }) : fail(new Error(ack.error.message)),
        );
      });
    }
    transport.on('connectionstatechange', (state) => this.#transportState(transport, state));
    transport.observer.on('close', () => {
      if (!this.#closing && this.#o.current()) this.#o.broken();
    });
    return transport;
  }

  #transportState(transport: types.Transport, state: types.ConnectionState): void {
    if (!this.#o.current()) return;
    const clear = () => {
      const timer = this.#iceTimers.get(transport.id);
      if (timer) clearTimeout(timer);
      this.#iceTimers.delete(transport.id);
    };
    if (state === 'connected') {
      this.#everConnected.add(transport.id);
      clear();
      return;
    }
    if (state === 'failed' || state === 'closed') {
      clear();
      this.#o.broken({ neverConnected: state === 'failed' && !this.#everConnected.has(transport.id) });
      return;
    }
    if (state === 'disconnected' && !this.#iceTimers.has(transport.id)) {
      // A short outage: restart ICE first; join again if that does not bring it back.
      this.#iceTimers.set(transport.id, setTimeout(() => this.#restartIce(transport, clear), ICE_RESTART_AFTER_MS));
    }
  }

  #restartIce(transport: types.Transport, clear: () => void): void {
    if (!this.#o.current() || transport.closed || transport.connectionState === 'connected') return clear();
    void this.#o.call('conference:restartIce', { meetingId: this.#o.meetingId, transportId: transport.id }).then(async (ack) => {
      if (ack.ok && !transport.closed) await transport.restartIce({ iceParameters: ack.data.iceParameters as types.IceParameters }).catch(() => undefined);
    });
    this.#iceTimers.set(
      transport.id,
      setTimeout(() => {
        this.#iceTimers.delete(transport.id);
        if (this.#o.current() && !transport.closed && transport.connectionState !== 'connected') this.#o.broken();
      }, REJOIN_AFTER_MS),
    );
  }
}
