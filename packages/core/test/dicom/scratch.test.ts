import { readdirSync } from 'node:fs';
import { it } from 'vitest';
import { openDicom } from '../../src/dicom/index.js';
import { decompress, oracleStored, compare, tempDir } from './oracle.js';
it('scratch', async () => {
const t = tempDir();
const dirs = ['/work/shared/data/dicom/real-radiographs', '/work/shared/data/dicom/syntax'];
for (const d of dirs) for (const f of readdirSync(d)) {
  if (f === '966.dcm') continue;
  try {
    const file = await openDicom(`${d}/${f}`);
    const ref = oracleStored(decompress(`${d}/${f}`, file.transferSyntax.codec, `${t.dir}/${f}`));
    const res = [];
    for (let i = 0; i < file.frameCount; i++) { const fr = await file.readFrame(i); res.push(compare(fr.stored, ref[i]!)); }
    console.log(f, file.transferSyntax.codec, JSON.stringify(res));
  } catch (e) { console.log(f, 'ERR', (e as Error).message.slice(0, 300)); }
}
t.done();
}, 300000);
