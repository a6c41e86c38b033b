// Issue 12: the chair signs, then the organisation's seal; the visible appearance (blue signature, red seal,
// name and time) is drawn in the slot, and pdfsig still finds both signatures valid.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pkcs12Signer, signPdf } from '../../server/modules/signatures/index.ts';
import { pdfsigTrusting, type Pdfsig } from '../helpers/pdfsig.ts';
import { makeTestPdf } from '../helpers/test-pdf.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';

const run = promisify(execFile);
let ca: TestCa;
let pdfsig: Pdfsig;

beforeAll(async () => {
  ca = createTestCa();
  pdfsig = await pdfsigTrusting(ca.rootPem);
}, 60_000);

afterAll(async () => {
  await pdfsig?.close();
});

/** A transparent PNG with a thick stroke (a signature) or a filled ring (a seal). */
function png(color: string, kind: 'stroke' | 'ring'): Uint8Array {
  const canvas = createCanvas(200, kind === 'ring' ? 200 : 80);
  const context = canvas.getContext('2d');
  context.strokeStyle = color;
  context.lineWidth = kind === 'ring' ? 30 : 14;
  context.beginPath();
  if (kind === 'ring') context.arc(100, 100, 80, 0, Math.PI * 2);
  else {
    context.moveTo(10, 60);
    context.bezierCurveTo(60, 0, 120, 80, 190, 20);
  }
  context.stroke();
  return new Uint8Array(canvas.toBuffer('image/png'));
}

it('chair then organisation seal: both valid; the slot shows the blue signature, the red seal and the name', async () => {
  const chairId = ca.issue({ commonName: 'Trần Văn Chủ Tịch', organization: 'UBND tỉnh Hòa Bình' });
  const officeId = ca.issue({ commonName: 'UBND tỉnh Hòa Bình', organization: 'UBND tỉnh Hòa Bình' });
  const slot = { x: 330, y: 120, width: 200, height: 110 };
  const signature = png('#1f3fbf', 'stroke');
  const chair = await signPdf(await makeTestPdf(), pkcs12Signer(chairId.pkcs12('p'), 'p'), { signerName: 'Trần Văn Chủ Tịch', signatureImage: signature }, { page: 0, rect: slot });
  const sealed = await signPdf(chair, pkcs12Signer(officeId.pkcs12('p'), 'p'), { signerName: 'UBND tỉnh Hòa Bình', signatureImage: signature, sealImage: png('#d01010', 'ring') }, { page: 0, rect: { ...slot, x: 80 } });

  const report = await pdfsig.check(sealed);
  expect(report.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);

  const dir = await mkdtemp(path.join(tmpdir(), 'phs-appearance-'));
  try {
    await writeFile(path.join(dir, 'signed.pdf'), sealed);
    await run('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-png', '-singlefile', path.join(dir, 'signed.pdf'), path.join(dir, 'page')]);
    const image = await loadImage(await readFile(path.join(dir, 'page.png')));
    const canvas = createCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const count = (x: number, y: number, width: number, height: number, test: (r: number, g: number, b: number) => boolean) => {
      const data = context.getImageData(x, image.height - y - height, width, height).data;
      let hits = 0;
      for (let index = 0; index < data.length; index += 4) if (test(data[index] ?? 0, data[index + 1] ?? 0, data[index + 2] ?? 0)) hits += 1;
      return hits;
    };
    const blue = (r: number, g: number, b: number) => b > 150 && r < 100;
    const red = (r: number, g: number, b: number) => r > 150 && g < 80 && b < 80;
    // chair's slot: blue ink, no seal; office's slot: blue ink and the red seal
    expect(count(330, 120, 200, 110, blue)).toBeGreaterThan(100);
    expect(count(330, 120, 200, 110, red)).toBe(0);
    expect(count(80, 120, 200, 110, red)).toBeGreaterThan(100);
    expect(count(80, 120, 200, 110, blue)).toBeGreaterThan(50);
    const { stdout } = await run('pdftotext', ['-layout', path.join(dir, 'signed.pdf'), '-']);
    expect(stdout).toContain('Ký bởi: Trần Văn Chủ Tịch');
    expect(stdout).toMatch(/Thời gian ký: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \(GMT\+7\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
