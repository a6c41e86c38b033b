/**
 * Another host on this machine, for tests of networks we cannot otherwise
 * reach: a Linux network namespace joined to this one by a veth pair (this
 * side `hostAddress`, the namespace `address`, a /30 of 10.77.x.0), with an
 * nftables filter inside it, and Chromium started in it through a small
 * wrapper playwright-core launches as the browser executable. Needs root and
 * Debian's iproute2 and nftables (`npm test` installs them).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CHROMIUM } from './browser.ts';

export type NetworkNamespace = {
  name: string;
  /** this side of the veth pair, reachable from inside */
  hostAddress: string;
  /** the namespace's own address */
  address: string;
  /** nftables rules (the `inet filter` table's `output` chain, policy accept) */
  filterOutput(rules: string[]): void;
  /**
   * An executable that runs Chromium inside the namespace, for playwright-core's `executablePath`;
   * `home`: its HOME (Chromium's NSS certificate store is `$HOME/.pki/nssdb`).
   */
  chromium(home?: string): string;
  /** argv that runs a command inside the namespace (for spawn) */
  exec(command: string, args: string[]): [string, string[]];
  remove(): void;
};

const run = (command: string, args: string[], input?: string) => execFileSync(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], ...(input === undefined ? {} : { input }) });

/**
 * `routed`: the namespace's default route goes through this side, and this
 * side forwards, so two routed namespaces reach each other like two hosts
 * on one network (the media nodes' pipes between them).
 */
export function createNetworkNamespace(options: { routed?: boolean } = {}): NetworkNamespace {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root (npm test runs as root on the CI machine)');
  const id = randomBytes(3).toString('hex');
  const name = `phs-${id}`;
  const hostIf = `vh${id}`;
  const innerIf = `vn${id}`;
  // A /30 per namespace from 10.77.0.0/16, picked at random so parallel test files do not collide.
  const block = Math.floor(Math.random() * 16_000) * 4;
  const base = `10.77.${Math.floor(block / 256)}.`;
  const hostAddress = `${base}${(block % 256) + 1}`;
  const address = `${base}${(block % 256) + 2}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));

  const remove = () => {
    try {
      run('ip', ['netns', 'del', name]);
    } catch {
      // already gone
    }
    try {
      run('ip', ['link', 'del', hostIf]);
    } catch {
      // removed with the namespace
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    run('ip', ['netns', 'add', name]);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', innerIf]);
    run('ip', ['link', 'set', innerIf, 'netns', name]);
    run('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
    run('ip', ['link', 'set', hostIf, 'up']);
    run('ip', ['-n', name, 'addr', 'add', `${address}/30`, 'dev', innerIf]);
    run('ip', ['-n', name, 'link', 'set', innerIf, 'up']);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    if (options.routed === true) {
      run('ip', ['-n', name, 'route', 'add', 'default', 'via', hostAddress]);
      run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    }
  } catch (error) {
    remove();
    throw error;
  }

  const chromium = (home?: string) => {
    const wrapper = path.join(dir, `chromium-${randomBytes(3).toString('hex')}`);
    const env = home === undefined ? '' : `env HOME='${home}' `;
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${name} ${env}${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    return wrapper;
  };

  return {
    name,
    hostAddress,
    address,
    chromium,
    exec: (command, args) => ['ip', ['netns', 'exec', name, command, ...args]],
    filterOutput(rules) {
      const script = ['table inet filter {', '  chain output {', '    type filter hook output priority 0; policy accept;', ...rules.map((rule) => `    ${rule}`), '  }', '}', ''].join('\n');
      run('ip', ['netns', 'exec', name, 'nft', '-f', '-'], script);
    },
    remove,
  };
}
