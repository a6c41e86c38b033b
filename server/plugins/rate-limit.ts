/**
 * REST rate limits: per logged-in user, and per client address for the few
 * public routes. One script or stuck client cannot starve a meeting; a real
 * meeting never comes near the limits (a tablet makes a few calls a minute
 * besides its socket). Document bytes are not counted: pdf.js reads a file in
 * hundreds of range requests, each authorised on its own.
 *
 * With REDIS_URL the counters live in Redis, so every app process shares them
 * (the plugin's own Redis store, through a small adapter for node-redis).
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createClient } from 'redis';
import { AppError } from '../errors.ts';

/** Routes whose answers are document bytes (see above). */
const UNCOUNTED_ROUTES = new Set(['/api/v1/documents/:documentId/versions/:version/file', '/api/v1/display/presentation/file']);

type ScriptCallback = (error: Error | null, result?: unknown) => void;
type RedisClient = ReturnType<typeof createClient>;

/**
 * The plugin's Redis store speaks ioredis (defineCommand); node-redis runs
 * the same Lua with EVAL.
 */
function ioredisFacade(client: RedisClient): Record<string, unknown> {
  const facade: Record<string, unknown> = {
    defineCommand(name: string, command: { lua: string }) {
      facade[name] = (key: string, ...rest: unknown[]) => {
        const callback = rest.pop() as ScriptCallback;
        client.eval(command.lua, { keys: [key], arguments: rest.map(String) }).then(
          (result) => callback(null, result),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      };
    },
  };
  return facade;
}

const keyOf = (request: FastifyRequest) => (request.session === null ? `address:${request.ip}` : `user:${request.session.user.id}`);

export const rateLimitPlugin = fp(async (app: FastifyInstance) => {
  const { config } = app;
  let redis: RedisClient | undefined;
  if (config.redisUrl !== undefined) {
    redis = createClient({ url: config.redisUrl });
    redis.on('error', (error: unknown) => app.log.error({ err: error }, 'rate limit redis error'));
    await redis.connect();
    app.addHook('onClose', async () => {
      await redis?.quit();
    });
  }
  // Processes of one deployment share one database: its name scopes the counters.
  const deployment = createHash('sha256').update(config.databaseUrl ?? config.dataDir).digest('hex').slice(0, 12);
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => (request.session === null ? config.rateLimitPerAddress : config.rateLimitPerUser),
    keyGenerator: keyOf,
    allowList: (request) => UNCOUNTED_ROUTES.has(request.routeOptions.url ?? ''),
    ...(redis === undefined ? {} : { redis: ioredisFacade(redis), nameSpace: `phs-rl:${deployment}:` }),
    // Counters unreachable (Redis down): serve rather than lock everyone out.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => new AppError(429, 'rateLimited', { params: { seconds: Math.ceil(context.ttl / 1000) } }),
  });
});
