/**
 * What every browser test starts with: a fresh database, the server with the
 * built web client, Debian's chromium, and the folder screenshots go to; and
 * what it ends with, in the reverse order (each part closed only if it came
 * up, so a failed start still cleans up what it made).
 */
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { startTestServer, type TestServer } from './server.ts';

export const SCREENSHOTS = 'test-results/e2e';

export type WebStack = { db: TestDatabase; server: TestServer; browser: Browser };

export async function startWebStack(env: Record<string, string> = {}): Promise<WebStack> {
  const db = await createTestDatabase();
  let server: TestServer | undefined;
  try {
    server = await startTestServer(db, env, { web: true });
    const browser = await launchBrowser();
    await mkdir(SCREENSHOTS, { recursive: true });
    return { db, server, browser };
  } catch (error) {
    await server?.close();
    await db.drop();
    throw error;
  }
}

/** Closes the browser, the server and the database (whichever of them exist). */
export async function stopWebStack(stack: Partial<WebStack>): Promise<void> {
  await stack.browser?.close();
  await stack.server?.close();
  await stack.db?.drop();
}
