/** One GET of bench:documents, timed to its first byte, its body counted (a sample kept for the failure message). */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ ttfb: number; bytes: number; status: number; sample: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        const ttfb = performance.now() - started;
        let bytes = 0;
        let sample = '';
        response.on('data', (chunk: Buffer) => {
          if (bytes === 0) sample = chunk.subarray(0, 200).toString();
          bytes += chunk.length;
        });
        response.on('end', () => resolve({ ttfb, bytes, status: response.statusCode ?? 0, sample }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}
