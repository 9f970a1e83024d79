/**
 * The wizard's captures, outside React: camera feeds, a detection loop that takes snapshots when the board is held
 * still in a new pose, lens calibration per camera, shared snapshots checked by geometry (calibration/shared-views),
 * the rig, the floor. React subscribes to `version` and reads the fields; per-frame work never goes through React.
 */
import { MAX_CAMERAS, requestAndListCameras } from '../../cameras/webcams';
import type { BoardSpec } from '../../calibration/board';
import type { BoardObservation } from '../../calibration/bundle';
import { detectCheckerboard } from '../../calibration/detect';
import { rgbaToGray } from '../../calibration/image';
import { calibrateIntrinsics, type IntrinsicsResult } from '../../calibration/intrinsics';
import { calibrateRig, intrinsicsToCameras, type RigResult } from '../../calibration/rig';
import { boardPosesInCameras, checkSharedPoses, type SharedViewCheck, type Snapshot } from '../../calibration/shared-views';
import type { RigidPose } from '../../calibration/pose';
import { wizardProgress, type StepState, type WizardFacts, type WizardStep } from '../../calibration/wizard-progress';

export interface Feed {
  name: string;
  video: HTMLVideoElement;
  stream: MediaStream;
  grab: HTMLCanvasElement;
  /** Corners found in the last frame, and for how many frames in a row they stayed within a pixel. */
  last: Float64Array | null;
  stillFrames: number;
  detectMs: number;
  views: Float64Array[];
  intrinsics: IntrinsicsResult | null;
}

const STILL_FRAMES = 2;
const LOOP_MS = 120;

function meanDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k += 2) s += Math.hypot(a[k] - b[k], a[k + 1] - b[k + 1]);
  return s / (a.length / 2);
}

export class WizardSession {
  board: BoardSpec = { cols: 9, rows: 6, squareMm: 25 };
  minViews = 10;
  minShared = 5;
  step: WizardStep = 'board';
  feeds: Feed[] = [];
  shared: Snapshot[] = [];
  check: SharedViewCheck = { pairs: [], kept: [] };
  rig: RigResult | null = null;
  floor: 'none' | 'set' | 'skipped' = 'none';
  floorArmed = false;
  error = '';
  /** Called with each feed's fresh frame and corners, to draw its tile. */
  onFrame: ((i: number, f: Feed, corners: Float64Array | null) => void) | null = null;

  private timer: ReturnType<typeof setInterval> | null = null;
  private floorSnapshot: Snapshot | null = null;
  /** Board poses of each shared snapshot, solved once when it is taken. */
  private sharedPoses: Array<Map<number, RigidPose>> = [];
  private listeners = new Set<() => void>();
  private v = 0;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  version = (): number => this.v;
  changed(): void {
    this.v++;
    for (const fn of this.listeners) fn();
  }

  facts(): WizardFacts {
    return {
      cameras: this.feeds.map((f) => f.name),
      minViews: this.minViews,
      minShared: this.minShared,
      views: this.feeds.map((f) => f.views.length),
      intrinsicsRms: this.feeds.map((f) => f.intrinsics?.rms ?? null),
      pairs: this.check.pairs,
      rigSolved: this.rig !== null,
      floor: this.floor,
    };
  }

  progress(): StepState[] {
    return wizardProgress(this.facts());
  }

  goTo(step: WizardStep): void {
    if (!this.progress().find((s) => s.step === step)?.open) return;
    this.step = step;
    this.changed();
  }

  async openCameras(): Promise<void> {
    this.error = '';
    try {
      // Named as the capture names them, so this calibration's cameras match the live views by name.
      const devices = (await requestAndListCameras()).slice(0, MAX_CAMERAS);
      const feeds: Feed[] = [];
      for (const d of devices) {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { deviceId: d.deviceId ? { exact: d.deviceId } : undefined, width: 1280, height: 720 } });
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.srcObject = stream;
        await video.play();
        feeds.push({ name: d.label, video, stream, grab: document.createElement('canvas'), last: null, stillFrames: 0, detectMs: 0, views: [], intrinsics: null });
      }
      this.dispose();
      this.feeds = feeds;
      this.resetAfterLenses();
      if (feeds.length < 2) this.error = feeds.length ? 'Only one camera was found: positions need two or more.' : 'No camera was found.';
      this.timer = setInterval(() => this.tick(), LOOP_MS);
      if (feeds.length >= 2) this.step = 'intrinsics';
    } catch (e) {
      this.error = `The cameras could not be opened: ${(e as Error).message}`;
    }
    this.changed();
  }

  /** One pass: grab, detect, draw; a board held still in a new pose becomes a snapshot of the current step. */
  private tick(): void {
    const still = new Map<number, Float64Array>();
    let changed = false;
    this.feeds.forEach((f, i) => {
      const w = f.video.videoWidth, h = f.video.videoHeight;
      if (!w || !h) return;
      if (f.grab.width !== w || f.grab.height !== h) Object.assign(f.grab, { width: w, height: h });
      const ctx = f.grab.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(f.video, 0, 0);
      const t0 = performance.now();
      const corners = detectCheckerboard(rgbaToGray(ctx.getImageData(0, 0, w, h).data, w, h), this.board.cols, this.board.rows, { fast: true });
      f.detectMs = performance.now() - t0;
      f.stillFrames = corners && f.last && meanDistance(corners, f.last) < 1.0 ? f.stillFrames + 1 : 0;
      f.last = corners;
      if (corners && f.stillFrames >= STILL_FRAMES) {
        still.set(i, corners);
        if (this.step === 'intrinsics' && !f.intrinsics && f.views.every((v) => meanDistance(v, corners) > 0.05 * Math.hypot(w, h))) {
          f.views.push(corners);
          changed = true;
        }
      }
      this.onFrame?.(i, f, corners);
    });
    if (this.step === 'pairs' && still.size >= 2) {
      const prev = this.shared[this.shared.length - 1];
      if (!prev || [...still].some(([c, v]) => !prev.get(c) || meanDistance(prev.get(c)!, v) > 20)) {
        this.shared.push(still);
        this.sharedPoses.push(boardPosesInCameras(this.board, this.lensCameras(), still));
        this.check = checkSharedPoses(this.feeds.length, this.sharedPoses);
        changed = true;
      }
    }
    if (this.step === 'floor' && this.floorArmed && still.size >= 1) {
      this.floorArmed = false;
      this.floorSnapshot = still;
      this.solveRig();
      this.floor = this.rig?.worldFromFloor ? 'set' : 'none';
      changed = true;
    }
    if (changed) this.changed();
  }

  /** Cameras with their lens calibration and no pose yet. */
  private lensCameras() {
    return intrinsicsToCameras(
      this.feeds.map((f) => ({ name: f.name, width: f.grab.width, height: f.grab.height, views: f.views })),
      this.feeds.map((f) => f.intrinsics),
    );
  }

  calibrateLenses(): void {
    for (const f of this.feeds) if (!f.intrinsics) f.intrinsics = calibrateIntrinsics(this.board, f.views, f.grab.width, f.grab.height);
    const failed = this.feeds.filter((f) => !f.intrinsics).map((f) => f.name);
    this.error = failed.length ? `The lens calibration failed for ${failed.join(', ')}: take more snapshots with the board tilted.` : '';
    for (const f of this.feeds) if (!f.intrinsics) f.views = [];
    this.changed();
  }

  /** Bundle adjustment over the confirmed shared views only (and the floor snapshot, when there is one). */
  solveRig(): void {
    const obs: BoardObservation[] = [];
    let frame = 0;
    this.shared.forEach((s, k) => {
      const cams = [...this.check.kept[k] ?? []];
      if (cams.length < 2) return;
      for (const c of cams) obs.push({ camera: c, frame, corners: s.get(c)! });
      frame++;
    });
    const floorFrame = this.floorSnapshot ? frame : undefined;
    if (this.floorSnapshot) for (const [c, corners] of this.floorSnapshot) obs.push({ camera: c, frame, corners });
    try {
      this.rig = calibrateRig(this.board, this.lensCameras(), obs, { floorFrame });
      this.error = this.rig.init.unreachable.length ? `Not linked: ${this.rig.init.unreachable.map((i) => this.feeds[i].name).join(', ')}.` : '';
    } catch (e) {
      this.error = `The camera positions could not be computed: ${(e as Error).message}`;
    }
    this.changed();
  }

  /** Everything that depends on the lenses: shared views, the rig, the floor. */
  resetAfterLenses(): void {
    this.shared = [];
    this.sharedPoses = [];
    this.check = { pairs: [], kept: [] };
    this.rig = null;
    this.floor = 'none';
    this.floorArmed = false;
    this.floorSnapshot = null;
  }

  /** A new board (another size) or a lens taken again: what was measured with the old one no longer holds. */
  setBoard(board: BoardSpec): void {
    this.board = board;
    for (const f of this.feeds) {
      f.views = [];
      f.intrinsics = null;
    }
    this.resetAfterLenses();
    this.changed();
  }

  retakeLens(i: number): void {
    this.feeds[i].views = [];
    this.feeds[i].intrinsics = null;
    this.resetAfterLenses();
    this.step = 'intrinsics';
    this.changed();
  }

  armFloor(): void {
    this.floorArmed = true;
    this.changed();
  }

  skipFloor(): void {
    this.floor = 'skipped';
    this.floorArmed = false;
    this.step = 'summary';
    this.changed();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const f of this.feeds) f.stream.getTracks().forEach((t) => t.stop());
  }
}
