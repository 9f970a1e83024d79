/** Every camera of the rig as a named wireframe frustum, built from the one camera model (centre and pixel rays). */
import * as THREE from 'three';
import { cameraCenter, pixelRay, type Camera } from '../geometry/camera';
import type { ViewResources } from './resources';

const DEPTH = 0.35; // metres from the centre to the drawn image plane

/** A camera's name as a sprite as wide as the name needs (webcam labels run long: "HD Pro Webcam C920 (2)"). */
function label(text: string): THREE.Sprite {
  const font = 'bold 20px system-ui, sans-serif';
  const c = document.createElement('canvas');
  const g0 = c.getContext('2d')!;
  g0.font = font;
  c.width = Math.min(1024, Math.max(128, Math.ceil(g0.measureText(text).width) + 16));
  c.height = 32;
  const g = c.getContext('2d')!; // resizing the canvas reset its state
  g.font = font;
  g.fillStyle = '#e6e8ee';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(text, c.width / 2, 16);
  const tex = new THREE.CanvasTexture(c);
  tex.colorSpace = THREE.SRGBColorSpace;
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: tex, depthTest: false, transparent: true }));
  sprite.scale.set(0.5 * (c.width / 128), 0.125, 1); // 0.125 m per 32 px, whatever the width
  return sprite;
}

export class Frustums {
  readonly group = new THREE.Group();
  private cameras: readonly Camera[] | null = null;

  constructor(private readonly res: ViewResources) {}

  /** Rebuilds only when the rig object changes. */
  set(cameras: readonly Camera[] | null): void {
    if (cameras === this.cameras) return;
    this.cameras = cameras;
    this.clear();
    if (!cameras) return;
    const C = new Float64Array(3), r = new Float64Array(3);
    for (const cam of cameras) {
      cameraCenter(cam, C);
      const corners: number[][] = [];
      for (const [u, v] of [[0, 0], [cam.width - 1, 0], [cam.width - 1, cam.height - 1], [0, cam.height - 1]]) {
        pixelRay(cam, u, v, r);
        // Scale the ray so the corner lies DEPTH along the optical axis (the camera's z row of R).
        const along = r[0] * cam.R[6] + r[1] * cam.R[7] + r[2] * cam.R[8];
        const k = DEPTH / Math.max(along, 1e-3);
        corners.push([C[0] + k * r[0], C[1] + k * r[1], C[2] + k * r[2]]);
      }
      const p: number[] = [];
      for (let i = 0; i < 4; i++) p.push(C[0], C[1], C[2], ...corners[i], ...corners[i], ...corners[(i + 1) % 4]);
      // A tick on the top edge says which way is image-up.
      const top = corners[0].map((v, k) => (v + corners[1][k]) / 2);
      p.push(...top, ...top.map((v, k) => v + (top[k] - (corners[2][k] + corners[3][k]) / 2) * 0.25));
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(p, 3));
      const lines = new THREE.LineSegments(g, this.res.line('#b0b6c4'));
      const name = label(cam.name);
      name.position.set(C[0], C[1] + 0.2, C[2]);
      this.group.add(lines, name);
    }
  }

  private clear(): void {
    for (const o of [...this.group.children]) {
      this.group.remove(o);
      if (o instanceof THREE.LineSegments) o.geometry.dispose();
      if (o instanceof THREE.Sprite) {
        o.material.map?.dispose();
        o.material.dispose();
      }
    }
  }

  dispose(): void {
    this.clear();
  }
}
