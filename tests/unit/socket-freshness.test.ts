/**
 * Issue 11, finding 8: a session that expires while its socket stays open is
 * ended on that socket when it expires, and a session extended meanwhile by
 * the person's REST activity keeps its socket.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../server/contract/identity.ts';
import type { AuthService } from '../../server/modules/auth/service.ts';
import { watchExpiry } from '../../server/modules/auth/socket-freshness.ts';
import type { AppSocket } from '../../server/realtime/socket-server.ts';

const user: SessionUser = { id: 'u1', username: 'thuky', fullName: 'Nguyễn Thị Thu Hà', role: 'secretary', unitId: 'unit', locale: 'vi' };
const silent = { error: () => {}, warn: () => {}, info: () => {} } as unknown as Parameters<typeof watchExpiry>[2];

class FakeSocket extends EventEmitter {
  id = 's1';
  connected = true;
  get disconnected() {
    return !this.connected;
  }
  data = { user, sessionId: 'session', sessionExpiresAt: 0 };
  told: unknown[] = [];
  override emit(event: string, ...args: unknown[]): boolean {
    if (event === 'session:revoked') this.told.push(args[0]);
    return super.emit(event, ...args);
  }
  disconnect() {
    this.connected = false;
    super.emit('disconnect');
  }
}

describe('a socket whose session expires', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-15T01:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('is told and cut off at the moment the session expires', async () => {
    const socket = new FakeSocket();
    socket.data.sessionExpiresAt = Date.now() + 60_000;
    const auth = { sessionState: vi.fn(async () => undefined) };
    watchExpiry(socket as unknown as AppSocket, auth as unknown as AuthService, silent);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(socket.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(socket.connected).toBe(false);
    expect(socket.told).toEqual([{ reason: 'expired' }]);
  });

  it('stays open when the session was extended meanwhile, and takes the user as stored now', async () => {
    const socket = new FakeSocket();
    socket.data.sessionExpiresAt = Date.now() + 60_000;
    const extended = new Date(Date.now() + 3_600_000);
    const demoted = { ...user, role: 'user' as const };
    const auth = { sessionState: vi.fn(async () => ({ user: demoted, expiresAt: extended })) };
    watchExpiry(socket as unknown as AppSocket, auth as unknown as AuthService, silent);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(socket.connected).toBe(true);
    expect(socket.data.user.role).toBe('user');
    expect(socket.data.sessionExpiresAt).toBe(extended.getTime());
    // the next check comes at the new expiry, not before
    auth.sessionState.mockResolvedValue(undefined as never);
    await vi.advanceTimersByTimeAsync(3_000_000);
    expect(socket.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(700_000);
    expect(socket.connected).toBe(false);
  });
});
