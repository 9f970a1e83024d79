/**
 * Where the two compared methods disagree: a marker on each joint of the first farther than the threshold from the
 * second's, and a line between the two (hidden side by side, where the skeletons are apart). The markers can be
 * picked with a ray, for the tooltip that names the joint and the distance.
 */
import * as THREE from 'three';
import { NUM_JOINTS } from '../keypoints';
import { jointDistances } from './compare';
import type { ViewResources } from './resources';
import type { PoseLike } from './skeleton';
import { DISAGREE_COLOR } from './styles';

const scratchM = new THREE.Matrix4();

export class DisagreementLayer {
  readonly group = new THREE.Group();
  private markers: THREE.InstancedMesh;
  private lines: THREE.LineSegments;
  private linePos = new Float32Array(NUM_JOINTS * 6);
  /** Per joint, the distance between the two methods (m) of the last update. */
  private diffs = new Float64Array(NUM_JOINTS);
  /** Per marker, its joint. */
  private markerJoint = new Int32Array(NUM_JOINTS);

  constructor(res: ViewResources) {
    const mat = new THREE.MeshBasicMaterial({ color: DISAGREE_COLOR, transparent: true, opacity: 0.45, depthWrite: false });
    this.markers = new THREE.InstancedMesh(res.joint, mat, NUM_JOINTS);
    this.markers.count = 0;
    this.markers.frustumCulled = false;
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(this.linePos, 3));
    this.lines = new THREE.LineSegments(g, res.line(DISAGREE_COLOR));
    this.lines.frustumCulled = false;
    this.group.add(this.markers, this.lines);
  }

  /** Marks the joints of `a` farther than thresholdCm from `b`'s (nothing when either is missing). */
  update(a: PoseLike | null, b: PoseLike | null, thresholdCm: number, sideBySide: boolean): void {
    let n = 0;
    if (a && b) {
      jointDistances(a as never, b, this.diffs);
      const thr = thresholdCm / 100;
      for (let j = 0; j < NUM_JOINTS; j++) {
        if (!(this.diffs[j] > thr)) continue;
        scratchM.makeScale(0.045, 0.045, 0.045).setPosition(a.joints[3 * j], a.joints[3 * j + 1], a.joints[3 * j + 2]);
        this.markers.setMatrixAt(n, scratchM);
        this.markerJoint[n] = j;
        for (let k = 0; k < 3; k++) {
          this.linePos[6 * n + k] = a.joints[3 * j + k];
          this.linePos[6 * n + 3 + k] = b.joints[3 * j + k];
        }
        n++;
      }
    }
    this.markers.count = n;
    this.markers.instanceMatrix.needsUpdate = true;
    // InstancedMesh caches its bounds for raycasting; they change with every frame.
    this.markers.boundingSphere = null;
    this.markers.boundingBox = null;
    this.lines.visible = !sideBySide;
    this.lines.geometry.setDrawRange(0, n * 2);
    this.lines.geometry.attributes.position.needsUpdate = true;
  }

  /** The marked joint the ray hits first, with the two methods' distance there (m); null for none. */
  pick(ray: THREE.Raycaster): { joint: number; distance: number } | null {
    const hit = this.markers.count ? ray.intersectObject(this.markers, false)[0] : undefined;
    if (!hit || hit.instanceId === undefined) return null;
    const joint = this.markerJoint[hit.instanceId];
    return { joint, distance: this.diffs[joint] };
  }

  dispose(): void {
    this.markers.dispose();
    (this.markers.material as THREE.Material).dispose();
    this.lines.geometry.dispose();
  }
}
