/**
 * Geometries and materials shared by every object of one view: created once, reused by all skeletons and
 * frustums, disposed once with the view.
 */
import * as THREE from 'three';

export class ViewResources {
  readonly bone = new THREE.CylinderGeometry(1, 1, 1, 6, 1, true);
  readonly joint = new THREE.SphereGeometry(1, 8, 6);
  private materials = new Map<string, THREE.Material>();

  /** Unlit, so a method's colour reaches the screen unchanged (the legend and tests rely on it). */
  solid(color: string): THREE.MeshBasicMaterial {
    return this.get(`solid:${color}`, () => new THREE.MeshBasicMaterial({ color })) as THREE.MeshBasicMaterial;
  }

  line(color: string, opacity = 1): THREE.LineBasicMaterial {
    return this.get(`line:${color}:${opacity}`, () => new THREE.LineBasicMaterial({ color, transparent: opacity < 1, opacity })) as THREE.LineBasicMaterial;
  }

  private get(key: string, make: () => THREE.Material): THREE.Material {
    let m = this.materials.get(key);
    if (!m) this.materials.set(key, (m = make()));
    return m;
  }

  dispose(): void {
    this.bone.dispose();
    this.joint.dispose();
    for (const m of this.materials.values()) m.dispose();
    this.materials.clear();
  }
}
