const n=5_000_000; const a=new Float32Array(n).map((_, i)=>i%100); const b=new Float32Array(n); const p=new Float64Array(n+1);
const cpu=()=>{const c=process.cpuUsage(); return (c.user+c.system)/1000;};
for (let r=0;r<4;r++){
 let t=cpu(); for (let i=0;i<n;i++) b[i]=a[i]*2; const t1=cpu()-t;
 t=cpu(); p[0]=0; for (let i=0;i<n;i++) p[i+1]=p[i]+a[i]; const t2=cpu()-t;
 t=cpu(); const W=2048; for (let i=0;i<n;i++){ const x=i-5; b[i]= x>=0 && x<W*2400 ? a[x] : 7; } const t3=cpu()-t;
 t=cpu(); const c=new Float32Array(n); const t4=cpu()-t;
 console.log('copy', t1.toFixed(1), 'prefix', t2.toFixed(1), 'cond', t3.toFixed(1), 'alloc20MB', t4.toFixed(1));
}
