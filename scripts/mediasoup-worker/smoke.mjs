#!/usr/bin/env node
// Smoke test of a mediasoup-worker binary (Node >= 22):
//   1. createWorker, a Router and a WebRtcTransport, then close them;
//   2. an SRTP round trip through the worker for each of the 4 crypto suites:
//      DirectTransport producer -> PlainTransport A (SRTP encrypt) -> UDP ->
//      PlainTransport B (SRTP decrypt) -> DirectTransport consumer, so every
//      RTP packet is protected and unprotected by the worker's libsrtp2;
//   3. a real DTLS 1.2 handshake (with use_srtp) against a WebRtcTransport:
//      ICE binding request sent from here, then `openssl s_client -dtls1_2`
//      relayed through the same UDP socket. This is the handshake that made a
//      worker linked to Debian's OpenSSL (kernel TLS enabled) crash with
//      SIGSEGV before the DtlsTransport fix in mediasoup-3.27.1-debian.patch.
//      Skipped, with a message, if the openssl command is not installed.
//
// Usage: node scripts/mediasoup-worker/smoke.mjs [--worker-bin PATH]
//   Worker binary: --worker-bin, else MEDIASOUP_WORKER_BIN, else mediasoup's
//   default (node_modules/mediasoup/worker/out/Release/mediasoup-worker).
// Exit code 0 when everything passed.

import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as process from 'node:process';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(scriptDir, '..', '..');

function log(msg) {
	console.log(`[smoke] ${msg}`);
}

// ------------------------------------------------------------------ setup
const args = process.argv.slice(2);
let workerBin = process.env.MEDIASOUP_WORKER_BIN || undefined;
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--worker-bin') workerBin = path.resolve(args[++i]);
	else {
		console.error(`[smoke] unknown argument: ${args[i]}`);
		process.exit(2);
	}
}

// mediasoup from the current project, else from this repository.
let mediasoup;
for (const base of [process.cwd(), repoRoot]) {
	try {
		mediasoup = createRequire(path.join(base, 'package.json'))('mediasoup');
		break;
	} catch {
		// Try the next one.
	}
}
if (!mediasoup) {
	console.error('[smoke] mediasoup is not installed (npm install)');
	process.exit(2);
}
workerBin ??= mediasoup.workerBin;

const withTimeout = (promise, ms, what) =>
	Promise.race([
		promise,
		new Promise((_resolve, reject) =>
			setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms).unref()
		),
	]);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const mediaCodecs = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

// ------------------------------------------------------------------ 1. basics
async function basics(worker) {
	const router = await worker.createRouter({ mediaCodecs });
	const transport = await router.createWebRtcTransport({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1' },
			{ protocol: 'tcp', ip: '127.0.0.1' },
		],
	});
	const fingerprints = transport.dtlsParameters.fingerprints.map(f => f.algorithm).join(',');
	if (transport.iceCandidates.length !== 2 || !fingerprints.includes('sha-256')) {
		throw new Error('unexpected WebRtcTransport parameters');
	}
	log(
		`router ${router.id.slice(0, 8)}, WebRtcTransport with ${transport.iceCandidates.length} ICE candidates (${transport.iceCandidates
			.map(c => `${c.protocol}:${c.port}`)
			.join(' ')}), DTLS fingerprints ${fingerprints}`
	);
	transport.close();
	router.close();
	if (!transport.closed || !router.closed) throw new Error('close failed');
	log('PASS worker, router, WebRtcTransport created and closed');
}

// ------------------------------------------------------------------ 2. SRTP
function rtpPacket(seq, timestamp, ssrc, payloadType) {
	const packet = Buffer.alloc(12 + 160);
	packet[0] = 0x80;
	packet[1] = payloadType & 0x7f;
	packet.writeUInt16BE(seq & 0xffff, 2);
	packet.writeUInt32BE(timestamp >>> 0, 4);
	packet.writeUInt32BE(ssrc >>> 0, 8);
	crypto.randomFillSync(packet, 12);
	return packet;
}

async function srtpRoundTrip(worker, cryptoSuite, { wrongKey = false } = {}) {
	const router = await worker.createRouter({ mediaCodecs });
	try {
		const directIn = await router.createDirectTransport();
		const producer = await directIn.produce({
			kind: 'audio',
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
				encodings: [{ ssrc: 11111111 }],
			},
		});
		const plainOptions = {
			listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
			rtcpMux: true,
			comedia: false,
			enableSrtp: true,
			srtpCryptoSuite: cryptoSuite,
		};
		const a = await router.createPlainTransport(plainOptions);
		const b = await router.createPlainTransport(plainOptions);
		// Each side encrypts with its own key and decrypts with the other's. The
		// control run gives B a wrong key: then nothing may get through.
		await a.connect({ ip: '127.0.0.1', port: b.tuple.localPort, srtpParameters: b.srtpParameters });
		await b.connect({
			ip: '127.0.0.1',
			port: a.tuple.localPort,
			srtpParameters: wrongKey ? b.srtpParameters : a.srtpParameters,
		});
		const consumerA = await a.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
		const producerB = await b.produce({ kind: 'audio', rtpParameters: consumerA.rtpParameters });
		const directOut = await router.createDirectTransport();
		const consumerOut = await directOut.consume({
			producerId: producerB.id,
			rtpCapabilities: router.rtpCapabilities,
		});
		let received = 0;
		consumerOut.on('rtp', () => received++);

		const total = 60;
		for (let i = 0; i < total; i++) {
			producer.send(rtpPacket(1000 + i, 960 * i, 11111111, 111));
			await sleep(5);
		}
		const deadline = Date.now() + (wrongKey ? 1000 : 3000);
		while (received < total && Date.now() < deadline) await sleep(20);

		const [statsA] = await a.getStats();
		if (wrongKey) {
			const ok = received === 0 && statsA.rtpBytesSent > 0;
			log(
				`${ok ? 'PASS' : 'FAIL'} SRTP ${cryptoSuite} control with a wrong key on B: ${received}/${total} RTP packets got through (must be 0)`
			);
			return ok;
		}
		const [statsB] = await b.getStats();
		const ok = received >= total * 0.9 && statsA.rtpBytesSent > 0 && statsB.rtpBytesReceived > 0;
		log(
			`${ok ? 'PASS' : 'FAIL'} SRTP ${cryptoSuite}: ${received}/${total} RTP packets through encrypt+decrypt (A: ${statsA.rtpBytesSent} RTP bytes, ${statsA.bytesSent} bytes on the wire; B: ${statsB.bytesReceived} bytes received)`
		);
		return ok;
	} finally {
		router.close();
	}
}

// ------------------------------------------------------------------ 3. DTLS
function stunAttr(type, value) {
	const buf = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
	buf.writeUInt16BE(type, 0);
	buf.writeUInt16BE(value.length, 2);
	value.copy(buf, 4);
	return buf;
}

// RFC 5389/8445 Binding request as a controlling ICE agent, with USE-CANDIDATE,
// MESSAGE-INTEGRITY (short-term credential: the remote ICE password) and
// FINGERPRINT.
function stunBindingRequest(username, password) {
	const transactionId = crypto.randomBytes(12);
	const header = bodyLength => {
		const h = Buffer.alloc(20);
		h.writeUInt16BE(0x0001, 0);
		h.writeUInt16BE(bodyLength, 2);
		h.writeUInt32BE(0x2112a442, 4);
		transactionId.copy(h, 8);
		return h;
	};
	const priority = Buffer.alloc(4);
	priority.writeUInt32BE(0x6e001eff);
	let body = Buffer.concat([
		stunAttr(0x0006, Buffer.from(username)), // USERNAME
		stunAttr(0x0024, priority), // PRIORITY
		stunAttr(0x802a, crypto.randomBytes(8)), // ICE-CONTROLLING
		stunAttr(0x0025, Buffer.alloc(0)), // USE-CANDIDATE
	]);
	const hmac = crypto
		.createHmac('sha1', password)
		.update(Buffer.concat([header(body.length + 24), body]))
		.digest();
	body = Buffer.concat([body, stunAttr(0x0008, hmac)]); // MESSAGE-INTEGRITY
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE((zlib.crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0);
	body = Buffer.concat([body, stunAttr(0x8028, crc)]); // FINGERPRINT
	return Buffer.concat([header(body.length), body]);
}

function opensslAvailable() {
	return process.env.PATH.split(path.delimiter).some(dir => {
		try {
			fs.accessSync(path.join(dir, 'openssl'), fs.constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

async function runCommand(cmd, cmdArgs) {
	const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout.on('data', d => (out += d));
	child.stderr.on('data', d => (out += d));
	const code = await new Promise(resolve => child.on('close', resolve));
	if (code !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${out}`);
	return out;
}

async function dtlsHandshake(worker) {
	if (!opensslAvailable()) {
		log('SKIPPED DTLS handshake: the openssl command is not installed (apt-get install openssl)');
		return true;
	}
	const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediasoup-smoke-'));
	const certFile = path.join(tmpDir, 'cert.pem');
	const keyFile = path.join(tmpDir, 'key.pem');
	const router = await worker.createRouter({ mediaCodecs });
	const iceSocket = dgram.createSocket('udp4');
	const relaySocket = dgram.createSocket('udp4');
	let sClient;
	try {
		await runCommand('openssl', [
			'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
			'-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=smoke-client',
		]);
		const fingerprint = (await runCommand('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256']))
			.trim()
			.split('=')[1];

		const transport = await router.createWebRtcTransport({
			listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
		});
		const dtlsStates = [];
		const connected = new Promise((resolve, reject) => {
			transport.on('dtlsstatechange', state => {
				dtlsStates.push(state);
				if (state === 'connected') resolve();
				else if (state === 'failed' || state === 'closed') reject(new Error(`DTLS state ${state}`));
			});
			worker.on('died', error => reject(new Error(`worker died: ${error}`)));
		});
		// The remote (openssl) is the DTLS client, so the worker is the server.
		await transport.connect({
			dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] },
		});

		// ICE: a Binding request from iceSocket makes its address the selected
		// tuple; DTLS must then come from the same address.
		const { port: serverPort, ip: serverIp } = transport.iceCandidates[0];
		await new Promise(resolve => iceSocket.bind(0, '127.0.0.1', resolve));
		await new Promise(resolve => relaySocket.bind(0, '127.0.0.1', resolve));
		let clientAddress;
		const iceCompleted = new Promise(resolve =>
			transport.on('icestatechange', state => (state === 'completed' || state === 'connected') && resolve(state))
		);
		const bindingSuccess = new Promise(resolve => {
			iceSocket.on('message', msg => {
				if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101) resolve();
				else if (msg[0] >= 20 && msg[0] <= 63 && clientAddress) {
					relaySocket.send(msg, clientAddress.port, clientAddress.address); // DTLS to openssl
				}
			});
		});
		relaySocket.on('message', (msg, rinfo) => {
			clientAddress = rinfo;
			iceSocket.send(msg, serverPort, serverIp); // DTLS to the worker
		});
		const username = `${transport.iceParameters.usernameFragment}:smokeclient`;
		iceSocket.send(stunBindingRequest(username, transport.iceParameters.password), serverPort, serverIp);
		await withTimeout(bindingSuccess, 3000, 'STUN Binding success response');
		const iceState = await withTimeout(iceCompleted, 3000, 'ICE state completed');

		sClient = spawn(
			'openssl',
			[
				's_client', '-dtls1_2', '-connect', `127.0.0.1:${relaySocket.address().port}`,
				'-cert', certFile, '-key', keyFile, '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-mtu', '1200',
			],
			{ stdio: ['pipe', 'pipe', 'pipe'] }
		);
		let sClientOut = '';
		sClient.stdout.on('data', d => (sClientOut += d));
		sClient.stderr.on('data', d => (sClientOut += d));
		try {
			await withTimeout(connected, 10000, 'DTLS state connected');
		} catch (error) {
			log(`openssl s_client output:\n${sClientOut}`);
			throw error;
		}
		const { dtlsState, iceState: finalIceState } = transport;
		// Give the worker a moment (the crash happened right after the
		// handshake) and openssl time to print the session.
		await sleep(500);
		const srtpLine = sClientOut.split('\n').find(l => l.includes('SRTP Extension negotiated')) ?? '';
		if (worker.died) throw new Error('worker died after the DTLS handshake');
		log(
			`PASS DTLS 1.2 handshake with openssl s_client: ICE ${iceState}/${finalIceState}, DTLS ${dtlsStates.join(' -> ')} (${dtlsState})${srtpLine ? `, ${srtpLine.trim()}` : ''}`
		);
		return true;
	} finally {
		sClient?.kill();
		iceSocket.close();
		relaySocket.close();
		router.close();
		fs.rmSync(tmpDir, { recursive: true, force: true });
	}
}

// ------------------------------------------------------------------ main
let worker;
let failures = 0;
try {
	log(`mediasoup ${mediasoup.version}, Node ${process.versions.node}, worker ${workerBin}`);
	worker = await mediasoup.createWorker({ logLevel: 'warn', workerBin });
	const usage = await worker.getResourceUsage();
	log(`worker pid ${worker.pid} up (maxrss ${usage.ru_maxrss} KiB)`);
	await basics(worker);
	for (const suite of ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']) {
		if (!(await srtpRoundTrip(worker, suite))) failures++;
	}
	if (!(await srtpRoundTrip(worker, 'AES_CM_128_HMAC_SHA1_80', { wrongKey: true }))) failures++;
	await dtlsHandshake(worker);
	if (worker.died) throw new Error('worker died');
	worker.close();
	if (!worker.closed) throw new Error('worker did not close');
} catch (error) {
	failures++;
	log(`FAIL ${error.stack ?? error}`);
	worker?.close();
}
log(failures === 0 ? 'all smoke checks passed' : `${failures} smoke check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
