import { resampleGeneral } from './dist/geometry/resample-general.js';
import { resampleSeparable } from './dist/geometry/resample-separable.js';
const W=2048,H=2500; const data=new Float32Array(W*H).map((_,i)=>i%1000);
const src={width:W,height:H,data};
const s=2500/256; const inv=[s*Math.cos(0.1), -s*Math.sin(0.1), 1000, s*Math.sin(0.1), s*Math.cos(0.1), 100];
const out=new Float32Array(256*256);
for (let i=0;i<5;i++){ const t=performance.now(); resampleGeneral(src, inv, 256,256, 0, out); console.log('general', (performance.now()-t).toFixed(1)); }
const inv2=[1.2,0.05,10,-0.05,1.2,10];
for (let i=0;i<3;i++){ const t=performance.now(); resampleGeneral(src, inv2, 256,256, 0, out); console.log('general small', (performance.now()-t).toFixed(1)); }
