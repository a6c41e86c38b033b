/**
 * The consumers' far end: UDP sockets that count what arrives, in their own
 * process so that receiving tens of thousands of packets a second does not
 * slow the generator. Run by bench/sfu.ts through fork (IPC):
 *   → { type: 'open', count }  ← { type: 'ports', ports }
 *   → { type: 'count' }        ← { type: 'counted', packets, bytes }
 * Exits with its parent.
 */
import dgram from 'node:dgram';

let packets = 0;
let bytes = 0;
const sockets: dgram.Socket[] = [];

process.on('message', (message: { type: string; count?: number }) => {
  if (message.type === 'open') {
    void (async () => {
      const ports: number[] = [];
      for (let i = 0; i < (message.count ?? 1); i++) {
        const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
        socket.on('message', (msg) => {
          packets++;
          bytes += msg.length;
        });
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
        sockets.push(socket);
        ports.push(socket.address().port);
      }
      process.send?.({ type: 'ports', ports });
    })();
  } else if (message.type === 'count') {
    process.send?.({ type: 'counted', packets, bytes });
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
