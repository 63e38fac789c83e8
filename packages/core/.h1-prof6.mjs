import { readFileSync } from 'node:fs';
import { decodeRaster, preprocess, createRng } from './dist/index.js';
const r = await decodeRaster(readFileSync('/tmp/h1b/b.png'), 'b');
const cpu=()=>{const c=process.cpuUsage(); return (c.user+c.system)/1000;};
const clicks={fracture:{x:1000,y:1200},axis:{x:1050,y:2000}};
for (const [name, spec, opts] of [
  ['automated', {pathway:'automated',inputSize:256,normalisation:'zscore'}, {}],
  ['automated+augment', {pathway:'automated',inputSize:256,normalisation:'zscore'}, {augment:{rng:createRng(1)}}],
  ['intervention', {pathway:'intervention',inputSize:256,normalisation:'zscore'}, {clicks}],
  ['intervention+augment', {pathway:'intervention',inputSize:256,normalisation:'zscore'}, {clicks, augment:{rng:createRng(1)}}],
]) { for (let i=0;i<2;i++) preprocess(r,spec,opts); const a=cpu(); for (let i=0;i<6;i++) preprocess(r,spec,opts); console.log(name.padEnd(22), ((cpu()-a)/6).toFixed(1), 'CPU ms'); }
