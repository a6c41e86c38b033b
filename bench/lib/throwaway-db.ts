/**
 * A throwaway database on the PostgreSQL server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), for a bench that measures
 * the production configuration (the app on a real PostgreSQL), dropped after.
 */
import postgres from 'postgres';

export type ThrowawayDatabase = { name: string; url: string; drop(): Promise<void> };

export async function throwawayDatabase(prefix: string): Promise<ThrowawayDatabase> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch((error: unknown) => console.error(`! could not drop ${name}:`, error));
      await admin.end({ timeout: 5 }).catch(() => undefined);
    },
  };
}
