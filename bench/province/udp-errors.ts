/**
 * The kernel's UDP error counters (/proc/net/snmp, whole machine): a packet
 * dropped because a receiving socket's buffer was full (a sink or a worker
 * not scheduled in time on a busy machine) shows here, so a loss at the sinks
 * can be told apart from one inside the SFU.
 */
import { readFile } from 'node:fs/promises';

export type UdpErrors = { rcvbuf: number; sndbuf: number; in: number };

export async function udpErrors(): Promise<UdpErrors> {
  const lines = (await readFile('/proc/net/snmp', 'utf8')).split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/).map(Number);
  const get = (name: string) => values[names.indexOf(name)] ?? 0;
  return { rcvbuf: get('RcvbufErrors'), sndbuf: get('SndbufErrors'), in: get('InErrors') };
}

export function udpErrorsSince(before: UdpErrors, after: UdpErrors): UdpErrors {
  return { rcvbuf: after.rcvbuf - before.rcvbuf, sndbuf: after.sndbuf - before.sndbuf, in: after.in - before.in };
}
