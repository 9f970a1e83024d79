/**
 * Where the 3D view looks from: the world group turned so the rig's up is the screen's, the camera backed off to
 * hold a new rig, and the view centred on (or following) the person. Apart from scene.ts (what is drawn) because
 * this is the one part that moves the user's camera, with its own rules for when to do so and when to leave the
 * user's view alone.
 */
import * as THREE from 'three';
import type { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { Camera } from '../geometry/camera';
import { poseCentre } from './compare';
import { displayUp, rigExtent } from './display-frame';
import type { PoseLike } from './skeleton';

const scratchV = new THREE.Vector3();
const Y_UP = new THREE.Vector3(0, 1, 0);
/** Metres between the two skeletons side by side. */
export const SIDE_OFFSET = 1.1;

export class ViewFraming {
  /** The rig's up in the world group's frame (labels go above heads along it). */
  readonly up = new THREE.Vector3(0, 1, 0);
  /** (SIDE_OFFSET, 0, 0) on screen, in the world group's frame (set with the orientation). */
  readonly sideOffset = new THREE.Vector3(SIDE_OFFSET, 0, 0);
  private oriented = false;
  private framed = false;
  private centre = new Float64Array(3);

  constructor(
    private readonly camera: THREE.PerspectiveCamera,
    private readonly controls: OrbitControls,
    /** Everything in the calibration's world frame; this class sets its rotation. */
    private readonly world: THREE.Group,
  ) {}

  /**
   * A new rig: stand its up on the screen's. The first rig, or one with another up, also backs the camera off until
   * every camera of it is in view; other changes (a camera dropped or added) leave the user's view alone. False
   * when there is nothing to orient by (no rig, or a single camera): the view is left as it was.
   */
  orient(rig: readonly Camera[] | null): boolean {
    if (!rig || rig.length < 2) return false;
    const [ux, uy, uz] = displayUp(rig);
    const q = new THREE.Quaternion().setFromUnitVectors(scratchV.set(ux, uy, uz), Y_UP);
    const refit = !this.oriented || q.angleTo(this.world.quaternion) > 0.02;
    this.oriented = true;
    this.world.quaternion.copy(q);
    this.world.updateMatrixWorld();
    this.sideOffset.set(SIDE_OFFSET, 0, 0).applyQuaternion(q.invert());
    this.up.set(ux, uy, uz);
    if (!refit) return true;
    const { centre, radius } = rigExtent(rig);
    const c = scratchV.set(centre[0], centre[1], centre[2]).applyQuaternion(this.world.quaternion);
    const dir = this.camera.position.clone().sub(this.controls.target).normalize();
    // 1.5 × the rig's radius keeps the far and side cameras of a ring in a landscape 50° view, the person large.
    const fit = 1.5 * Math.max(radius, 1.5) * Math.max(1, 1.6 / this.camera.aspect);
    this.controls.target.set(c.x, 0.9, c.z);
    this.camera.position.copy(this.controls.target).addScaledVector(dir, fit);
    this.controls.update();
    this.framed = false; // centre on the person again when one appears
    return true;
  }

  /**
   * Centres the view on `target` the first time one appears after a refit (a jump), and on every frame when
   * `follow` is on (eased, so the view does not shake with the pose). `side`: the pair side by side is centred.
   */
  track(target: PoseLike | null, follow: boolean, side: boolean): void {
    if (!target || !(follow || !this.framed)) return;
    const w = poseCentre({ joints: target.joints, valid: target.valid }, this.centre);
    if (!w) return;
    const c = scratchV.set(w[0], w[1], w[2]).applyQuaternion(this.world.quaternion);
    const k = this.framed ? 0.15 : 1; // ease the follow, jump the first time
    const dx = (c.x + (side ? SIDE_OFFSET / 2 : 0) - this.controls.target.x) * k;
    const dz = (c.z - this.controls.target.z) * k;
    this.controls.target.x += dx;
    this.controls.target.z += dz;
    this.camera.position.x += dx;
    this.camera.position.z += dz;
    this.controls.update();
    this.framed = true;
  }
}
