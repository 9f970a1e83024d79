import * as tf from '@tensorflow/tfjs-core';
import { loadLifterFromDir } from '../src/lifter/load-node';
const l = await loadLifterFromDir();
for (const B of [1, 64]) {
const T = tf.randomNormal([B,4,17,19]), M = tf.ones([B,4,17]), Bs = tf.zeros([B,17,3]);
for (let i=0;i<5;i++){ const o=l.net.forward(T,M,Bs); await o.pose.data(); tf.dispose([o.pose,o.logErr]); }
const n = B === 1 ? 200 : 5;
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i=0;i<n;i++){ const o=l.net.forward(T,M,Bs); o.pose.dataSync(); tf.dispose([o.pose,o.logErr]); }
const c = process.cpuUsage(c0);
console.log(B, 'wall ms/call', ((performance.now()-t0)/n).toFixed(2), 'cpu ms/call', ((c.user+c.system)/1000/n).toFixed(2));
const prof = await tf.profile(() => { const o=l.net.forward(T,M,Bs); return [o.pose,o.logErr]; });
const by = new Map<string, number>(); for (const k of prof.kernels) by.set(k.name, (by.get(k.name)??0)+(k.kernelTimeMs as number)); console.log(prof.kernels.length, [...by].sort((a,b)=>b[1]-a[1]).slice(0,8).map(([k,v])=>`${k}:${v.toFixed(1)}`).join(' '));
}
