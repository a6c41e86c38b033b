/**
 * A minimal Chrome DevTools Protocol client for a Node process started with
 * --inspect=127.0.0.1:<port>: force a full garbage collection before reading
 * its memory, so RSS and heap figures are not mostly uncollected garbage.
 * One session for the whole run (Node prints "Debugger attached." once); no
 * domain is enabled, so an idle session costs the process nothing.
 */
export type Inspector = {
  /** Full GC (twice, to also collect what the first pass freed), then the V8 heap in use, in bytes. */
  gc(): Promise<number>;
  /** CPU profile (sampling every 1 ms) and sampled live allocations, for BENCH_PROFILE. */
  startProfiling(heap: boolean): Promise<void>;
  stopProfiling(): Promise<{ cpu: CpuProfile; heap: HeapProfile | null }>;
  close(): void;
};

export async function openInspector(port: number, timeoutMs = 30_000): Promise<Inspector> {
  const deadline = Date.now() + timeoutMs;
  let target: string | undefined;
  while (target === undefined) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
      target = list[0]?.webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
    if (target === undefined) {
      if (Date.now() > deadline) throw new Error(`no inspector on port ${port}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const ws = new WebSocket(target);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`inspector ${target}: connection failed`)), { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
    pending.delete(message.id ?? -1);
  });
  let sampling = false;
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000);
      pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async gc() {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      return Number((await call('Runtime.getHeapUsage')).usedSize);
    },
    async startProfiling(heap) {
      await call('Profiler.enable');
      await call('Profiler.setSamplingInterval', { interval: 1000 });
      await call('Profiler.start');
      sampling = heap;
      if (heap) await call('HeapProfiler.startSampling', { samplingInterval: 4096 });
    },
    async stopProfiling() {
      const cpu = (await call('Profiler.stop')).profile as CpuProfile;
      await call('Profiler.disable');
      let heap: HeapProfile | null = null;
      if (sampling) {
        await call('HeapProfiler.collectGarbage');
        heap = (await call('HeapProfiler.stopSampling')).profile as HeapProfile;
        sampling = false;
      }
      return { cpu, heap };
    },
    close: () => ws.close(),
  };
}

// — optional profiling (BENCH_PROFILE): where the app's CPU time and retained memory go —

type CallFrame = { functionName: string; url: string; lineNumber: number };
export type CpuProfile = { nodes: { id: number; callFrame: CallFrame }[]; samples: number[]; timeDeltas: number[] };
export type HeapNode = { callFrame: CallFrame; selfSize: number; children: HeapNode[] };
export type HeapProfile = { head: HeapNode };

/** "server/modules/live/service.ts", "socket.io", "@electric-sql/pglite", "node:internal", "(garbage collector)"… */
export function codeArea(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const server = url.indexOf('/server/');
  if (server >= 0) return url.slice(server + 1);
  return url.startsWith('node:') ? 'node:internal' : url;
}

const frameName = (frame: CallFrame) => `${frame.functionName || '(anonymous)'} ${codeArea(frame)}:${frame.lineNumber + 1}`;

function top(totals: Map<string, number>, count: number): [string, number][] {
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

/**
 * Self time (ms) by code area and by function. A sample stands for the time
 * until the next one (as DevTools counts): timeDeltas[0] is the gap from the
 * profiler's start to the first sample (the start itself, hundreds of ms on a
 * busy process), which counted as "(program)" would swamp the rest.
 */
export function summariseCpu(profile: CpuProfile, count = 12): { total: number; areas: [string, number][]; functions: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (frame.functionName === '(idle)') return;
    total += ms;
    areas.set(codeArea(frame), (areas.get(codeArea(frame)) ?? 0) + ms);
    functions.set(frameName(frame), (functions.get(frameName(frame)) ?? 0) + ms);
  });
  return { total, areas: top(areas, count), functions: top(functions, count) };
}

/** Live sampled bytes attributed to the innermost frame of the app's own code (server/…) on the allocating stack. */
export function summariseHeap(profile: HeapProfile, count = 12): { total: number; sites: [string, number][] } {
  const sites = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, appFrame: string) => {
    const own = node.callFrame.url.includes('/server/') && !node.callFrame.url.includes('/node_modules/') ? frameName(node.callFrame) : appFrame;
    if (node.selfSize > 0) {
      total += node.selfSize;
      sites.set(own, (sites.get(own) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, own);
  };
  walk(profile.head, '(outside the app’s code)');
  return { total, sites: top(sites, count) };
}
