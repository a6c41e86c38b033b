/**
 * Whether the server still has demo accounts on the published password
 * (/api/v1/health says so), re-asked every few minutes so the banner goes
 * away soon after an administrator changes the last of them.
 */
import type { Health } from '$contract/system.ts';
import { request } from '$lib/api/client.ts';

const RECHECK_MS = 2 * 60_000;

class DemoBannerState {
  visible = $state(false);

  async check(): Promise<void> {
    try {
      const health = await request<Health>('/health', { on401: 'throw' });
      this.visible = health.demoAccounts;
    } catch {
      // Unknown while the server is unreachable: keep what we last knew.
    }
  }

  /** Starts checking; returns what stops it. */
  watch(): () => void {
    void this.check();
    const timer = setInterval(() => void this.check(), RECHECK_MS);
    return () => clearInterval(timer);
  }
}

export const demoBanner = new DemoBannerState();
