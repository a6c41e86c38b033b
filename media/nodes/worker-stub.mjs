#!/usr/bin/env node
// What mediasoup spawns, on the app's side, for a worker that runs on a media
// node: it joins the worker channel mediasoup opened (fd 3: requests to the
// worker, fd 4: what the worker sends back) to the app's link to that node
// through a local socket (argv[2]), after telling the link its pid (the
// worker's "running" notice is rewritten to name it). Plain JavaScript, so it
// starts fast; it holds no secret. It exits when either side closes, which
// mediasoup sees as the worker dying.
import net from 'node:net';

const link = net.connect(process.argv[2]);
const toWorker = new net.Socket({ fd: 3, readable: true, writable: false });
const fromWorker = new net.Socket({ fd: 4, readable: false, writable: true });
const quit = (code) => process.exit(code);

link.on('connect', () => {
  const hello = Buffer.alloc(4);
  hello.writeUInt32BE(process.pid, 0);
  link.write(hello);
  toWorker.pipe(link);
  link.pipe(fromWorker);
});
link.on('error', () => quit(1));
link.on('close', () => quit(1));
toWorker.on('end', () => quit(0));
toWorker.on('error', () => quit(1));
fromWorker.on('error', () => quit(1));
process.on('SIGTERM', () => quit(0));
process.on('SIGINT', () => {});
