/**
 * `npm run turn:config > /etc/turnserver.conf`: coturn's configuration from
 * the same environment the app reads (TURN_SECRET), plus TURN_REALM,
 * TURN_LISTENING_PORT (3478), TURN_TLS_PORT (443), TURN_CERT / TURN_KEY,
 * TURN_LISTENING_IPS, TURN_EXTERNAL_IP, TURN_RELAY_PORTS (49160-49400).
 */
import { COTURN_DEFAULTS, coturnConfig } from '../../server/lib/coturn-config.ts';

const env = process.env;
const secret = env.TURN_SECRET ?? '';
if (secret.length < 16) {
  console.error('TURN_SECRET must be set (at least 16 characters): the same value the app gets');
  process.exit(1);
}
const [min, max] = (env.TURN_RELAY_PORTS ?? `${COTURN_DEFAULTS.relayMinPort}-${COTURN_DEFAULTS.relayMaxPort}`).split('-').map(Number);
process.stdout.write(
  coturnConfig({
    secret,
    realm: env.TURN_REALM ?? 'phonghopso',
    listeningPort: Number(env.TURN_LISTENING_PORT ?? COTURN_DEFAULTS.listeningPort),
    tlsListeningPort: Number(env.TURN_TLS_PORT ?? COTURN_DEFAULTS.tlsListeningPort),
    certFile: env.TURN_CERT ?? '/etc/coturn/cert.pem',
    keyFile: env.TURN_KEY ?? '/etc/coturn/key.pem',
    listeningIps: (env.TURN_LISTENING_IPS ?? '').split(',').filter((ip) => ip !== ''),
    ...(env.TURN_EXTERNAL_IP ? { externalIp: env.TURN_EXTERNAL_IP } : {}),
    relayMinPort: min ?? COTURN_DEFAULTS.relayMinPort,
    relayMaxPort: max ?? COTURN_DEFAULTS.relayMaxPort,
  }),
);
