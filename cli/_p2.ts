import * as tf from '@tensorflow/tfjs-core';
import { loadLifterFromDir } from '../src/lifter/load-node';
const l = await loadLifterFromDir();
async function run(B: number, packRows: number, reps: number) {
  l.net.packRows = packRows;
  const T = tf.randomNormal([B,4,17,19]), M = tf.ones([B,4,17]), Bs = tf.zeros([B,17,3]);
  for (let i=0;i<3;i++){ const o=l.net.forward(T,M,Bs); await o.pose.data(); tf.dispose([o.pose,o.logErr]); }
  const c0 = process.cpuUsage();
  for (let i=0;i<reps;i++){ const o=l.net.forward(T,M,Bs); o.pose.dataSync(); tf.dispose([o.pose,o.logErr]); }
  const c = process.cpuUsage(c0);
  console.log(`B=${B} packRows=${packRows}: cpu ms per frame set ${((c.user+c.system)/1000/reps/B).toFixed(3)}`);
  tf.dispose([T,M,Bs]);
}
await run(1, 320, 100); await run(1, 0, 100);
await run(2, 600, 50); await run(4, 1100, 25); await run(8, 2200, 10); await run(64, 0, 3); await run(16, 0, 10);
