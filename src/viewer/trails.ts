/** Short motion trails of the hands, feet and hip centre of one skeleton: a ring buffer drawn as line segments. */
import * as THREE from 'three';
import { JOINT } from '../keypoints';
import type { PoseLike } from './skeleton';
import type { ViewResources } from './resources';

const TRACKED = [JOINT.left_wrist, JOINT.right_wrist, JOINT.left_ankle, JOINT.right_ankle, -1]; // -1 = hip centre

export class Trails {
  readonly object: THREE.LineSegments;
  private readonly pos: Float32Array;
  private readonly hist: Float32Array; // [TRACKED][len][xyz]
  private readonly ok: Uint8Array;
  private head = 0;
  private count = 0;

  constructor(res: ViewResources, color: string, private readonly len = 40) {
    this.hist = new Float32Array(TRACKED.length * len * 3);
    this.ok = new Uint8Array(TRACKED.length * len);
    this.pos = new Float32Array(TRACKED.length * (len - 1) * 6);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(this.pos, 3));
    this.object = new THREE.LineSegments(g, res.line(color, 0.55));
    this.object.frustumCulled = false;
  }

  clear(): void {
    this.count = 0;
    this.ok.fill(0);
  }

  push(pose: PoseLike | null): void {
    const h = this.head;
    TRACKED.forEach((j, k) => {
      const at = (k * this.len + h) * 3;
      let valid = false;
      if (pose) {
        if (j >= 0 && pose.valid[j]) {
          for (let c = 0; c < 3; c++) this.hist[at + c] = pose.joints[3 * j + c];
          valid = true;
        } else if (j < 0 && pose.valid[JOINT.left_hip] && pose.valid[JOINT.right_hip]) {
          for (let c = 0; c < 3; c++) this.hist[at + c] = (pose.joints[3 * JOINT.left_hip + c] + pose.joints[3 * JOINT.right_hip + c]) / 2;
          valid = true;
        }
      }
      this.ok[k * this.len + h] = valid ? 1 : 0;
    });
    this.head = (h + 1) % this.len;
    this.count = Math.min(this.count + 1, this.len);
    this.rebuild();
  }

  private rebuild(): void {
    let n = 0;
    for (let k = 0; k < TRACKED.length; k++) {
      for (let i = 1; i < this.count; i++) {
        const a = (this.head - this.count + i - 1 + 2 * this.len) % this.len;
        const b = (a + 1) % this.len;
        if (!this.ok[k * this.len + a] || !this.ok[k * this.len + b]) continue;
        for (let c = 0; c < 3; c++) {
          this.pos[6 * n + c] = this.hist[(k * this.len + a) * 3 + c];
          this.pos[6 * n + 3 + c] = this.hist[(k * this.len + b) * 3 + c];
        }
        n++;
      }
    }
    this.object.geometry.setDrawRange(0, n * 2);
    this.object.geometry.attributes.position.needsUpdate = true;
  }

  dispose(): void {
    this.object.geometry.dispose();
  }
}
