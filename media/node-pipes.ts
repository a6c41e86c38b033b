/**
 * Piping a producer between routers on different media nodes (cascading).
 * mediasoup's own `pipeToRouter` listens on one address for both ends, which
 * only works when both routers share a host; here each end listens on its
 * own node's address and the two connect to each other's, with SRTP on since
 * the packets cross the network. One transport pair per router pair (as
 * mediasoup caches it), one consumer/producer pair per piped producer (the
 * same id on both sides), pause, resume and close followed both ways.
 */
import type * as ms from 'mediasoup/types';
import type { WorkerSlot } from './worker-pool.ts';

type End = { router: ms.Router; slot: WorkerSlot };
type Pair = { local: ms.PipeTransport; remote: ms.PipeTransport };

export class NodePipes {
  readonly #pairs = new Map<string, Promise<Pair>>();

  /** Makes `producer` (on `from`) available on `to` under the same id; resolves with the pipe producer. */
  async pipe(producer: ms.Producer, from: End, to: End): Promise<ms.Producer> {
    const { local, remote } = await this.#pair(from, to);
    let pipeConsumer: ms.Consumer | undefined;
    let pipeProducer: ms.Producer | undefined;
    try {
      pipeConsumer = await local.consume({ producerId: producer.id });
      pipeProducer = await remote.produce({
        id: producer.id,
        kind: pipeConsumer.kind,
        rtpParameters: pipeConsumer.rtpParameters,
        paused: pipeConsumer.producerPaused,
        appData: producer.appData,
      });
      if (producer.closed) throw new Error('producer closed while piping');
      if (pipeProducer.paused !== producer.paused) await (producer.paused ? pipeProducer.pause() : pipeProducer.resume());
      const consumer = pipeConsumer;
      const piped = pipeProducer;
      consumer.observer.on('close', () => piped.close());
      consumer.observer.on('pause', () => void piped.pause().catch(() => {}));
      consumer.observer.on('resume', () => void piped.resume().catch(() => {}));
      piped.observer.on('close', () => consumer.close());
      return piped;
    } catch (error) {
      pipeConsumer?.close();
      pipeProducer?.close();
      throw error;
    }
  }

  #pair(from: End, to: End): Promise<Pair> {
    const key = `${from.router.id}>${to.router.id}`;
    let pending = this.#pairs.get(key);
    if (pending) return pending;
    pending = (async () => {
      const [local, remote] = await Promise.all([
        from.router.createPipeTransport({ listenInfo: from.slot.transportListen, enableSrtp: true, enableRtx: false }),
        to.router.createPipeTransport({ listenInfo: to.slot.transportListen, enableSrtp: true, enableRtx: false }),
      ]);
      try {
        await Promise.all([
          local.connect({ ip: reachable(remote), port: remote.tuple.localPort, srtpParameters: remote.srtpParameters! }),
          remote.connect({ ip: reachable(local), port: local.tuple.localPort, srtpParameters: local.srtpParameters! }),
        ]);
      } catch (error) {
        local.close();
        remote.close();
        throw error;
      }
      const forget = () => {
        if (this.#pairs.get(key) === pending) this.#pairs.delete(key);
      };
      local.observer.once('close', () => {
        remote.close();
        forget();
      });
      remote.observer.once('close', () => {
        local.close();
        forget();
      });
      return { local, remote };
    })();
    const created = pending;
    created.catch(() => {
      if (this.#pairs.get(key) === created) this.#pairs.delete(key);
    });
    this.#pairs.set(key, created);
    return created;
  }
}

/** The address the other end sends to (mediasoup puts the announced address there when the node has one). */
function reachable(transport: ms.PipeTransport): string {
  return transport.tuple.localAddress;
}
