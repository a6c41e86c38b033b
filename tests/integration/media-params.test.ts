/**
 * Conference media parameters are checked at the edge (issue 11, finding 18):
 * a huge codec parameter, a long rid, an ssrc outside 32 bits, a
 * header-extension id past 255, or a field mediasoup-client never sends is
 * refused with a validation answer before it reaches mediasoup (and so never
 * travels on to other tablets), while what a real browser sends passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceProduce } from '../../server/contract/conference-realtime.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { online, type Person } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../helpers/socket.ts';

type RtpParameters = ConferenceProduce['rtpParameters'];

/** What mediasoup-client (Chrome111 handler) sends for a simulcast VP8 camera, as captured. */
function browserCamera(): RtpParameters {
  const feedback = [
    { type: 'goog-remb', parameter: '' },
    { type: 'transport-cc', parameter: '' },
    { type: 'ccm', parameter: 'fir' },
    { type: 'nack', parameter: '' },
    { type: 'nack', parameter: 'pli' },
  ];
  return {
    mid: '1',
    codecs: [
      { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: feedback },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 }, rtcpFeedback: [] },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2, encrypt: false, parameters: {} },
      { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3, encrypt: false, parameters: {} },
      { uri: 'urn:3gpp:video-orientation', id: 13, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 14, encrypt: false, parameters: {} },
    ],
    encodings: [
      { active: true, rid: 'r0', scalabilityMode: 'L1T3', scaleResolutionDownBy: 4, maxBitrate: 150_000, dtx: false },
      { active: true, rid: 'r1', scalabilityMode: 'L1T3', scaleResolutionDownBy: 2, maxBitrate: 400_000, dtx: false },
      { active: true, rid: 'r2', scalabilityMode: 'L1T3', scaleResolutionDownBy: 1, maxBitrate: 1_000_000, dtx: false },
    ],
    rtcp: { cname: 'h3Jq8vRk2LmZt6Wx', reducedSize: true },
    msid: '{6a1f0c2e-9d7b-4c1e-8f3a-2b5d7e9c0a14} {0f4e2d6c-1b3a-4e5f-9c8d-7a6b5c4d3e2f}',
  };
}

/** mediasoup-client's Opus microphone, with an ssrc and the audio-level extension. */
function browserMic(): RtpParameters {
  return {
    mid: '0',
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1, usedtx: 1 }, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1, encrypt: false, parameters: {} }],
    encodings: [{ ssrc: 4_294_967_295, dtx: true }],
    rtcp: { cname: 'h3Jq8vRk2LmZt6Wx', reducedSize: true },
  };
}

describe('conference media parameters', () => {
  let db: TestDatabase;
  let server: TestServer;
  let delegate: Person;
  const meetingId = crypto.randomUUID();
  const transportId = crypto.randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    delegate = await online(server.url, 'caophong.bithu');
  });
  afterAll(async () => {
    delegate?.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  const produce = (kind: 'audio' | 'video', rtpParameters: unknown) =>
    // Hostile payloads are what this test sends: the contract's type is what the server must not trust.
    call(delegate.socket, 'conference:produce', { meetingId, transportId, kind, source: kind === 'audio' ? 'mic' : 'camera', rtpParameters: rtpParameters as RtpParameters });
  const code = async (answer: Promise<{ ok: boolean; error?: { code: string } }>) => {
    const settled = await answer;
    return settled.ok ? 'ok' : settled.error!.code;
  };

  it('what a browser sends passes the schema (then the caller is found not to be in that conference)', async () => {
    expect(await code(produce('video', browserCamera()))).toBe('notFound');
    expect(await code(produce('audio', browserMic()))).toBe('notFound');
  });

  const camera = browserCamera();
  const mic = browserMic();
  const hostile: [string, 'audio' | 'video', unknown][] = [
    ['a 100 KB codec parameter', 'video', { ...camera, codecs: [{ ...camera.codecs[0]!, parameters: { 'x-google-start-bitrate': 'x'.repeat(100_000) } }] }],
    ['a codec parameter that is an object', 'video', { ...camera, codecs: [{ ...camera.codecs[0]!, parameters: { nested: { deep: [1, 2, 3] } } }] }],
    ['two hundred codec parameters', 'video', { ...camera, codecs: [{ ...camera.codecs[0]!, parameters: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, i])) }] }],
    ['a 100 KB rid', 'video', { ...camera, encodings: [{ ...camera.encodings![0]!, rid: 'r'.repeat(100_000) }] }],
    ['ssrc −1', 'audio', { ...mic, encodings: [{ ssrc: -1 }] }],
    ['ssrc 2^53', 'audio', { ...mic, encodings: [{ ssrc: 2 ** 53 }] }],
    ['ssrc 2^32', 'audio', { ...mic, encodings: [{ ssrc: 2 ** 32 }] }],
    ['an rtx ssrc past 32 bits', 'video', { ...camera, encodings: [{ ssrc: 5, rtx: { ssrc: 2 ** 40 } }] }],
    ['header-extension id 300', 'audio', { ...mic, headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 300 }] }],
    ['header-extension id 0', 'audio', { ...mic, headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 0 }] }],
    ['a 10 KB header-extension URI', 'audio', { ...mic, headerExtensions: [{ uri: `urn:${'x'.repeat(10_000)}`, id: 1 }] }],
    ['payload type 200', 'audio', { ...mic, codecs: [{ ...mic.codecs[0]!, payloadType: 200 }] }],
    ['a field mediasoup-client never sends', 'audio', { ...mic, appData: { blob: 'x'.repeat(1_000) } }],
    ['an unknown field in an encoding', 'video', { ...camera, encodings: [{ ...camera.encodings![0]!, payload: 'x'.repeat(1_000) }] }],
    ['four simulcast encodings', 'video', { ...camera, encodings: [...camera.encodings!, { rid: 'r3' }] }],
    ['forty codecs', 'audio', { ...mic, codecs: Array.from({ length: 40 }, () => mic.codecs[0]!) }],
    ['forty header extensions', 'audio', { ...mic, headerExtensions: Array.from({ length: 40 }, (_, i) => ({ uri: 'urn:x', id: (i % 14) + 1 })) }],
    ['a 10 KB cname', 'audio', { ...mic, rtcp: { cname: 'c'.repeat(10_000) } }],
    ['a control character in the msid', 'video', { ...camera, msid: 'a\u0000b' }],
  ];

  it.each(hostile)('refuses %s with a validation answer', async (_label, kind, rtpParameters) => {
    expect(await code(produce(kind, rtpParameters))).toBe('validation');
  });

  it('refuses bounded-out capabilities and DTLS parameters too', async () => {
    const caps = {
      codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: { big: 'x'.repeat(100_000) } }],
    };
    const setCaps = (rtpCapabilities: unknown) =>
      code(call(delegate.socket, 'conference:setRtpCapabilities', { meetingId, rtpCapabilities: rtpCapabilities as { codecs?: [] } }));
    expect(await setCaps(caps)).toBe('validation');
    expect(await setCaps({ headerExtensions: [{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 300 }] })).toBe('validation');
    expect(await setCaps({ codecs: Array.from({ length: 100 }, () => ({ ...caps.codecs[0], parameters: {} })) })).toBe('validation');
    expect(await setCaps({ codecs: [{ ...caps.codecs[0], parameters: { useinbandfec: 1 } }] })).not.toBe('validation');

    const connect = (dtlsParameters: unknown) =>
      code(call(delegate.socket, 'conference:connectTransport', { meetingId, transportId, dtlsParameters: dtlsParameters as { fingerprints: [] } }));
    const fingerprint = '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD';
    expect(await connect({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] })).not.toBe('validation');
    expect(await connect({ role: 'client', fingerprints: [{ algorithm: 'md5', value: fingerprint }] })).toBe('validation');
    expect(await connect({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: `${fingerprint} or anything` }] })).toBe('validation');
  });
});
