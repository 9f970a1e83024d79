/**
 * One method's skeleton: bones as thin cylinders and joints as spheres (instanced), or thin lines (the truth).
 * update() rewrites instance matrices in place; nothing is allocated per frame.
 */
import * as THREE from 'three';
import { COCO17_BONES, NUM_JOINTS } from '../keypoints';
import type { ViewResources } from './resources';

const up = new THREE.Vector3(0, 1, 0);
const va = new THREE.Vector3(), vb = new THREE.Vector3(), dir = new THREE.Vector3();
const q = new THREE.Quaternion(), s = new THREE.Vector3(), m = new THREE.Matrix4();
const zero = new THREE.Matrix4().makeScale(0, 0, 0);

export interface PoseLike {
  joints: Float64Array;
  valid: Uint8Array;
}

export class SkeletonObject {
  readonly group = new THREE.Group();
  private bones: THREE.InstancedMesh | null = null;
  private jointMesh: THREE.InstancedMesh | null = null;
  private lines: THREE.LineSegments | null = null;
  private linePos: Float32Array | null = null;

  constructor(
    res: ViewResources,
    color: string,
    readonly style: 'solid' | 'thin',
    private readonly radius = 0.018,
  ) {
    if (style === 'solid') {
      const mat = res.solid(color);
      this.bones = new THREE.InstancedMesh(res.bone, mat, COCO17_BONES.length);
      this.jointMesh = new THREE.InstancedMesh(res.joint, mat, NUM_JOINTS);
      for (const mesh of [this.bones, this.jointMesh]) {
        mesh.frustumCulled = false;
        this.group.add(mesh);
      }
    } else {
      this.linePos = new Float32Array(COCO17_BONES.length * 6);
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.BufferAttribute(this.linePos, 3));
      this.lines = new THREE.LineSegments(g, res.line(color, 0.9));
      this.lines.frustumCulled = false;
      this.group.add(this.lines);
    }
    this.group.visible = false;
  }

  update(pose: PoseLike | null): void {
    this.group.visible = !!pose;
    if (!pose) return;
    const P = pose.joints, V = pose.valid;
    if (this.bones && this.jointMesh) {
      COCO17_BONES.forEach(([a, b], i) => {
        if (!V[a] || !V[b]) return this.bones!.setMatrixAt(i, zero);
        va.set(P[3 * a], P[3 * a + 1], P[3 * a + 2]);
        vb.set(P[3 * b], P[3 * b + 1], P[3 * b + 2]);
        dir.subVectors(vb, va);
        const len = dir.length();
        if (len < 1e-6) return this.bones!.setMatrixAt(i, zero);
        q.setFromUnitVectors(up, dir.multiplyScalar(1 / len));
        s.set(this.radius * 0.6, len, this.radius * 0.6);
        m.compose(va.lerp(vb, 0.5), q, s);
        this.bones!.setMatrixAt(i, m);
      });
      for (let j = 0; j < NUM_JOINTS; j++) {
        if (!V[j]) {
          this.jointMesh.setMatrixAt(j, zero);
          continue;
        }
        m.makeScale(this.radius, this.radius, this.radius).setPosition(P[3 * j], P[3 * j + 1], P[3 * j + 2]);
        this.jointMesh.setMatrixAt(j, m);
      }
      this.bones.instanceMatrix.needsUpdate = true;
      this.jointMesh.instanceMatrix.needsUpdate = true;
    } else if (this.lines && this.linePos) {
      const L = this.linePos;
      COCO17_BONES.forEach(([a, b], i) => {
        const ok = V[a] && V[b];
        for (let k = 0; k < 3; k++) {
          L[6 * i + k] = ok ? P[3 * a + k] : 0;
          L[6 * i + 3 + k] = ok ? P[3 * b + k] : 0;
        }
      });
      this.lines.geometry.attributes.position.needsUpdate = true;
    }
  }

  /** Per-instance geometry is shared; only the line geometry is this object's own. */
  dispose(): void {
    this.lines?.geometry.dispose();
    this.bones?.dispose();
    this.jointMesh?.dispose();
  }
}
