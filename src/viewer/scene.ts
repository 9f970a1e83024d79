/**
 * The live 3D view. It owns a three.js scene and its own requestAnimationFrame loop, which reads the latest
 * bus.fused value and mutates the scene's objects; React only passes settings in. Rendering happens only when
 * something changed, at most `maxFps` times a second, so a software-rendered WebGL never starves detection.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { Camera } from '../geometry/camera';
import { COCO17_NAMES } from '../keypoints';
import { personPoses, type FusedFrameSet } from '../fusion/flow';
import { DisagreementLayer } from './disagreement';
import { Frustums } from './frustums';
import { ViewFraming } from './framing';
import { ViewResources } from './resources';
import { SkeletonObject, type PoseLike } from './skeleton';
import { METHOD_COLORS } from './styles';
import { METHOD_IDS as ALL_METHOD_IDS } from '../fusion/registry';
import { Trails } from './trails';
import { PeopleLayer, type DrawnPerson } from './people';

export interface ViewSettings {
  layout: 'overlay' | 'side';
  follow: boolean;
  trails: boolean;
  showTruth: boolean;
  /** Joints where the compared methods differ by more than this are highlighted, cm. */
  thresholdCm: number;
  /** Methods drawn, by id. */
  visible: Readonly<Record<string, boolean>>;
  /** The two methods compared (disagreement, side-by-side order). */
  compare: readonly [string, string];
}

export const DEFAULT_VIEW: ViewSettings = {
  layout: 'overlay',
  follow: false,
  trails: false,
  showTruth: true,
  thresholdCm: 8,
  visible: { 'lifter-temporal': true, lifter: true, robust: true, dlt: false },
  compare: ['lifter-temporal', 'robust'],
};

export interface ViewStats {
  renderMs: number;
  renderFps: number;
}

/** Where the data comes from: a function returning the latest fused frame set and rig (the bus in the app). */
export interface ViewSource {
  fused(): FusedFrameSet | null;
  cameras(): readonly Camera[] | null;
}

const ORIGIN = new THREE.Vector3();
/** The methods the scene can draw a skeleton for: any of the registry's (it draws those a frame set holds). */
const METHOD_IDS = ALL_METHOD_IDS;

export class ParallaxView {
  readonly stats: ViewStats = { renderMs: 0, renderFps: 0 };
  readonly renderer: THREE.WebGLRenderer;
  private scene = new THREE.Scene();
  private camera = new THREE.PerspectiveCamera(50, 1, 0.05, 100);
  private controls: OrbitControls;
  private res = new ViewResources();
  private skeletons = new Map<string, SkeletonObject>();
  private trails = new Map<string, Trails>();
  private truth: SkeletonObject;
  private truthSide: SkeletonObject;
  private people: PeopleLayer;
  private disagreement: DisagreementLayer;
  private frustums: Frustums;
  /** Everything in the calibration's world frame, turned so the rig's up is the screen's (display-frame.ts). */
  private world = new THREE.Group();
  private rig: readonly Camera[] | null = null;
  private framing: ViewFraming;
  private settings: ViewSettings = DEFAULT_VIEW;
  private lastFused: FusedFrameSet | null = null;
  private dirty = true;
  private raf = 0;
  private lastRender = 0;
  private resizeObs: ResizeObserver;
  private tooltip: HTMLDivElement;
  private raycaster = new THREE.Raycaster();
  private pointer = new THREE.Vector2();
  private renderTimes: number[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly source: ViewSource,
    private readonly maxFps = 30,
  ) {
    this.renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'low-power' });
    this.renderer.setPixelRatio(1);
    this.renderer.setClearColor(0x15171c);
    this.renderer.domElement.dataset.testid = 'viewer-canvas';
    container.appendChild(this.renderer.domElement);

    this.camera.position.set(2.9, 2.2, 3.6);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.set(0, 0.9, 0);
    this.controls.update();
    this.controls.addEventListener('change', this.onChange);
    this.framing = new ViewFraming(this.camera, this.controls, this.world);

    const grid = new THREE.GridHelper(10, 10, 0x56607a, 0x2e3340); // 1 m cells
    const fine = new THREE.GridHelper(10, 50, 0x1f232b, 0x1f232b);
    fine.position.y = -0.001;
    const axes = new THREE.AxesHelper(0.6); // the world's own axes, wherever they point
    this.world.add(axes);
    this.scene.add(fine, grid, this.world);

    for (const id of METHOD_IDS) {
      const sk = new SkeletonObject(this.res, METHOD_COLORS[id], 'solid');
      this.skeletons.set(id, sk);
      const tr = new Trails(this.res, METHOD_COLORS[id]);
      this.trails.set(id, tr);
      this.world.add(sk.group, tr.object);
    }
    this.truth = new SkeletonObject(this.res, METHOD_COLORS.gt, 'thin');
    this.truthSide = new SkeletonObject(this.res, METHOD_COLORS.gt, 'thin');
    this.world.add(this.truth.group, this.truthSide.group);
    this.people = new PeopleLayer(this.res, METHOD_IDS);
    this.world.add(this.people.group);

    this.disagreement = new DisagreementLayer(this.res);
    this.world.add(this.disagreement.group);

    this.frustums = new Frustums(this.res);
    this.world.add(this.frustums.group);

    this.tooltip = document.createElement('div');
    this.tooltip.className = 'viewer-tooltip';
    this.tooltip.dataset.testid = 'viewer-tooltip';
    this.tooltip.hidden = true;
    container.appendChild(this.tooltip);
    this.renderer.domElement.addEventListener('pointermove', this.onPointer);
    this.renderer.domElement.addEventListener('pointerleave', this.onLeave);

    this.resizeObs = new ResizeObserver(() => this.resize());
    this.resizeObs.observe(container);
    this.resize();
    this.raf = requestAnimationFrame(this.loop);
  }

  setSettings(s: ViewSettings): void {
    if (s.trails !== this.settings.trails) for (const t of this.trails.values()) t.clear();
    this.settings = s;
    this.lastFused = null; // re-apply the pose with the new layout
    this.dirty = true;
  }

  private onChange = () => {
    this.dirty = true;
  };

  private resize(): void {
    const w = Math.max(1, this.container.clientWidth), h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.dirty = true;
  }

  private loop = (now: number) => {
    this.raf = requestAnimationFrame(this.loop);
    const rig = this.source.cameras();
    if (rig !== this.rig) this.orient(rig);
    this.frustums.set(rig);
    const fused = this.source.fused();
    if (fused !== this.lastFused) {
      this.lastFused = fused;
      this.apply(fused);
      this.dirty = true;
    }
    if (!this.dirty || now - this.lastRender < 1000 / this.maxFps) return;
    const t0 = performance.now();
    this.renderer.render(this.scene, this.camera);
    const ms = performance.now() - t0;
    this.stats.renderMs = ms;
    this.renderTimes.push(now);
    while (this.renderTimes.length && now - this.renderTimes[0] > 2000) this.renderTimes.shift();
    this.stats.renderFps = this.renderTimes.length / 2;
    this.lastRender = now;
    this.dirty = false;
  };

  /** A new rig: the framing turns the world (and may refit the view); the poses are drawn again in the new frame. */
  private orient(rig: readonly Camera[] | null): void {
    this.rig = rig;
    if (!this.framing.orient(rig)) return;
    this.lastFused = null;
    this.dirty = true;
  }

  private apply(f: FusedFrameSet | null): void {
    const s = this.settings;
    const [a, b] = s.compare;
    const side = s.layout === 'side';
    let anchor: PoseLike | null = null;
    const offset = this.framing.sideOffset;
    const poses = personPoses(f);
    for (const id of METHOD_IDS) {
      const pose = s.visible[id] ? (poses[id] ?? null) : null;
      const sk = this.skeletons.get(id)!;
      sk.update(pose);
      if (side && id === b) sk.group.position.copy(offset);
      else sk.group.position.set(0, 0, 0);
      const tr = this.trails.get(id)!;
      tr.object.visible = s.trails;
      tr.object.position.copy(sk.group.position);
      if (s.trails) tr.push(pose);
      if (pose && !anchor) anchor = pose;
    }
    this.people.update(f, s.visible, (id) => (side && id === b ? offset : ORIGIN), s.showTruth, this.framing.up);
    const gt = f?.frame.gt && s.showTruth ? f.frame.gt : null;
    this.truth.update(gt);
    this.truthSide.update(side ? gt : null);
    this.truthSide.group.position.copy(offset);
    this.disagreement.update(poses[a] && s.visible[a] ? poses[a] : null, poses[b] && s.visible[b] ? poses[b] : null, s.thresholdCm, side);

    this.framing.track(anchor ?? gt, s.follow, side);
  }

  private onPointer = (e: PointerEvent) => {
    const r = this.renderer.domElement.getBoundingClientRect();
    this.pointer.set(((e.clientX - r.left) / r.width) * 2 - 1, -((e.clientY - r.top) / r.height) * 2 + 1);
    this.raycaster.setFromCamera(this.pointer, this.camera);
    const hit = this.disagreement.pick(this.raycaster);
    if (!hit) return this.onLeave();
    const [a, b] = this.settings.compare;
    this.tooltip.textContent = `${COCO17_NAMES[hit.joint]}: ${a} vs ${b} ${(hit.distance * 100).toFixed(1)} cm`;
    this.tooltip.style.left = `${e.clientX - r.left + 12}px`;
    this.tooltip.style.top = `${e.clientY - r.top + 12}px`;
    this.tooltip.hidden = false;
  };

  private onLeave = () => {
    this.tooltip.hidden = true;
  };

  /** Every person drawn now (id, label, methods, label's screen position): the multi-person view's test hook. */
  drawnPeople(): Array<DrawnPerson & { screen: { x: number; y: number } | null }> {
    const el = this.renderer.domElement;
    return this.people.drawn.map((d) => {
      if (!d.labelAt) return { ...d, screen: null };
      const v = new THREE.Vector3(...d.labelAt).applyMatrix4(this.world.matrixWorld).project(this.camera);
      return { ...d, screen: { x: ((v.x + 1) / 2) * el.clientWidth, y: ((1 - v.y) / 2) * el.clientHeight } };
    });
  }

  /** The fused frame set the view shows now. */
  current(): FusedFrameSet | null {
    return this.lastFused;
  }

  /** Screen position (CSS px, relative to the canvas) of a method's joint, for tests and overlays. */
  projectJoint(id: string, j: number): { x: number; y: number } | null {
    const p = personPoses(this.lastFused)[id];
    if (!p || !p.valid[j]) return null;
    const v = new THREE.Vector3(p.joints[3 * j], p.joints[3 * j + 1], p.joints[3 * j + 2]).applyMatrix4(this.world.matrixWorld).project(this.camera);
    const el = this.renderer.domElement;
    return { x: ((v.x + 1) / 2) * el.clientWidth, y: ((1 - v.y) / 2) * el.clientHeight };
  }

  dispose(): void {
    cancelAnimationFrame(this.raf);
    this.resizeObs.disconnect();
    this.renderer.domElement.removeEventListener('pointermove', this.onPointer);
    this.renderer.domElement.removeEventListener('pointerleave', this.onLeave);
    this.controls.removeEventListener('change', this.onChange);
    this.controls.dispose();
    for (const s of this.skeletons.values()) s.dispose();
    for (const t of this.trails.values()) t.dispose();
    this.truth.dispose();
    this.truthSide.dispose();
    this.people.dispose();
    this.disagreement.dispose();
    this.frustums.dispose();
    this.res.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
    this.tooltip.remove();
  }
}
