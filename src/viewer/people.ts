/**
 * Several people in the 3D view. The first person of a frame set keeps the view's own skeletons (trails,
 * disagreement, side-by-side); this layer draws every other person's skeleton per method in the same method
 * colours (so the legend still reads), the other people's truth, and above every person's head a label "P<id+1>"
 * on a patch of the person's colour, so who is who can be told apart when several skeletons of one colour meet.
 * Objects are made when a slot is first needed and reused after; nothing is allocated per frame once warm.
 */
import * as THREE from 'three';
import { JOINT, NUM_JOINTS } from '../keypoints';
import type { FusedFrameSet } from '../fusion/flow';
import type { PoseLike } from './skeleton';
import { SkeletonObject } from './skeleton';
import type { ViewResources } from './resources';
import { METHOD_COLORS, personColour, personLabel } from './styles';

export { personColour, personLabel };

/** What the layer drew for one person, for tests and overlays (world coordinates of the label). */
export interface DrawnPerson {
  person: number;
  label: string;
  colour: string;
  /** Methods with a skeleton drawn for this person. */
  methods: string[];
  labelAt: [number, number, number] | null;
}

interface Slot {
  skeletons: Map<string, SkeletonObject>;
  label: THREE.Sprite;
  labelFor: number;
}

export class PeopleLayer {
  readonly group = new THREE.Group();
  private slots: Slot[] = [];
  private truths: SkeletonObject[] = [];
  private textures = new Map<number, THREE.CanvasTexture>();
  drawn: DrawnPerson[] = [];

  constructor(private readonly res: ViewResources, private readonly methodIds: readonly string[]) {}

  /**
   * Draws people 1… of `f` (person 0 is the view's own) and, for a multi-person frame set, every person's label;
   * `visible`: the methods shown; `offsetOf`: where a method's skeleton goes (side-by-side layout).
   */
  update(f: FusedFrameSet | null, visible: Readonly<Record<string, boolean>>, offsetOf: (id: string) => THREE.Vector3, showTruth: boolean, up: THREE.Vector3): void {
    const people = f?.people ?? [];
    const multi = !!f?.frame.people;
    this.drawn = [];
    people.forEach((p, k) => {
      const slot = multi ? this.slot(k) : null;
      const methods: string[] = [];
      let top: PoseLike | null = null;
      for (const id of this.methodIds) {
        const pose = visible[id] ? (p.poses[id] ?? null) : null;
        if (pose) methods.push(id);
        if (pose && !top) top = pose;
        if (k === 0 || !slot) continue;
        const sk = slot.skeletons.get(id)!;
        sk.update(pose);
        sk.group.position.copy(offsetOf(id));
      }
      const at = top ? labelPoint(top, up) : null;
      if (slot) {
        if (slot.labelFor !== p.person) this.setLabel(slot, p.person);
        slot.label.visible = !!at;
        if (at) slot.label.position.set(at[0], at[1], at[2]);
      }
      this.drawn.push({ person: p.person, label: personLabel(p.person), colour: personColour(p.person), methods, labelAt: at });
    });
    for (let k = 0; k < this.slots.length; k++) {
      if (k < people.length && multi) continue;
      this.slots[k].label.visible = false;
      for (const sk of this.slots[k].skeletons.values()) sk.update(null);
    }
    const others = showTruth && f?.frame.truths ? f.frame.truths.filter((t) => t.joints !== f.frame.gt?.joints) : [];
    others.forEach((t, i) => {
      if (!this.truths[i]) this.group.add((this.truths[i] = new SkeletonObject(this.res, METHOD_COLORS.gt, 'thin')).group);
      this.truths[i].update(t);
    });
    for (let i = others.length; i < this.truths.length; i++) this.truths[i].update(null);
  }

  private slot(k: number): Slot {
    while (this.slots.length <= k) {
      const skeletons = new Map<string, SkeletonObject>();
      for (const id of this.methodIds) {
        const sk = new SkeletonObject(this.res, METHOD_COLORS[id], 'solid');
        skeletons.set(id, sk);
        this.group.add(sk.group);
      }
      const label = new THREE.Sprite(new THREE.SpriteMaterial({ depthTest: false, transparent: true }));
      label.scale.set(0.4, 0.2, 1);
      label.renderOrder = 10;
      label.visible = false;
      this.group.add(label);
      this.slots.push({ skeletons, label, labelFor: -1 });
    }
    return this.slots[k];
  }

  private setLabel(slot: Slot, person: number): void {
    let tex = this.textures.get(person);
    if (!tex) {
      const c = document.createElement('canvas');
      c.width = 128;
      c.height = 64;
      const g = c.getContext('2d')!;
      g.fillStyle = personColour(person);
      g.beginPath();
      g.roundRect(4, 4, 120, 56, 12);
      g.fill();
      g.fillStyle = '#111318';
      g.font = 'bold 40px sans-serif';
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(personLabel(person), 64, 34);
      tex = new THREE.CanvasTexture(c);
      // The canvas holds sRGB colours: say so, so the label reaches the screen in the person's colour.
      tex.colorSpace = THREE.SRGBColorSpace;
      this.textures.set(person, tex);
    }
    (slot.label.material as THREE.SpriteMaterial).map = tex;
    (slot.label.material as THREE.SpriteMaterial).needsUpdate = true;
    slot.labelFor = person;
  }

  dispose(): void {
    for (const s of this.slots) {
      for (const sk of s.skeletons.values()) sk.dispose();
      (s.label.material as THREE.Material).dispose();
    }
    for (const t of this.truths) t.dispose();
    for (const t of this.textures.values()) t.dispose();
    this.slots = [];
    this.truths = [];
  }
}

/** 30 cm along `up` (the rig's up, in world coordinates) from the centre of the head's valid joints (else the body's). */
function labelPoint(p: PoseLike, up: THREE.Vector3): [number, number, number] | null {
  const head = [JOINT.nose, JOINT.left_eye, JOINT.right_eye, JOINT.left_ear, JOINT.right_ear].filter((j) => p.valid[j]);
  const pick = head.length ? head : Array.from({ length: NUM_JOINTS }, (_, j) => j).filter((j) => p.valid[j]);
  if (!pick.length) return null;
  const c = [0, 0, 0];
  for (const j of pick) for (let a = 0; a < 3; a++) c[a] += p.joints[3 * j + a] / pick.length;
  return [c[0] + 0.3 * up.x, c[1] + 0.3 * up.y, c[2] + 0.3 * up.z];
}
