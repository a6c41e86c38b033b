/**
 * Free local UDP ports for ffmpeg to listen on. ffmpeg binds the RTP port
 * and the one after it (for RTCP, even though mediasoup sends RTCP muxed on
 * the RTP port), so both must be free. The OS picks the port; we check its
 * neighbour and let both go just before ffmpeg binds them (a small window in
 * which another process could take them: ffmpeg then fails to start and the
 * recording is reported as failed, never silently empty).
 */
import dgram from 'node:dgram';

function bind(port: number, ip: string): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, ip, () => resolve(socket));
  });
}

export async function freeUdpPortPair(ip = '127.0.0.1', attempts = 20): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const first = await bind(0, ip);
    if (!first) continue;
    const port = first.address().port;
    const second = port < 65535 ? await bind(port + 1, ip) : undefined;
    first.close();
    second?.close();
    if (second) return port;
  }
  throw new Error('no free UDP port pair for the recorder');
}
