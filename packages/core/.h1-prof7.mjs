import { readFileSync } from 'node:fs';
import { decodeRaster, preprocess, createRng } from './dist/index.js';
const r = await decodeRaster(readFileSync('/tmp/h1b/b.png'), 'b');
const spec={pathway:'automated',inputSize:256,normalisation:'zscore'};
for (let i=0;i<8;i++) preprocess(r,spec,{augment:{rng:createRng(i)}});
