import { it } from 'vitest';
import { createRequire } from 'node:module';
import { openDicom } from '../../src/dicom/index.js';
import { parseDicomBytes } from '../../src/dicom/parse.js';
import { frameFragments, encapsulatedFrameBytes } from '../../src/dicom/frames.js';
import { readFileSync } from 'node:fs';
it('scratch2', async () => {
  const f = '/work/shared/data/dicom/real-radiographs/966.dcm';
  const p = parseDicomBytes(new Uint8Array(readFileSync(f)), f);
  const el = p.dataSet.elements.x7fe00010!;
  const g = frameFragments(el, p.dataSet.byteArray, 1, 'jpeg-2000', f);
  const data = encapsulatedFrameBytes(p.dataSet.byteArray, g, 0);
  console.log(data.length, Buffer.from(data.subarray(0, 8)).toString('hex'), Buffer.from(data.subarray(data.length-4)).toString('hex'));
  const require = createRequire(import.meta.url);
  const m = await require('@cornerstonejs/codec-openjpeg/decodewasmjs')();
  const d = new m.J2KDecoder();
  d.getEncodedBuffer(data.length).set(data);
  try { d.readHeader(); console.log('hdr', d.getFrameInfo()); d.decode(); console.log(d.getFrameInfo(), d.getDecodedBuffer().length); } catch (e) { console.log('err', e); }
}, 300000);
