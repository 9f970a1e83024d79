/**
 * The app's one session and what it is made of: the fusion pipeline (triangulation at once, the lifter when its
 * weights have loaded), the simulation's and the capture's settings, the detection worker, and the actions the
 * panels call to start a source. Components render session.getSnapshot(); nothing else decides what runs.
 */
import { Channel } from '../fusion/channel';
import { Session } from '../session/session';
import { fusion, fusionLifterState, startFusion } from './app-fusion';
import { SimSettingsStore, SimulationSource } from '../sim/source';
import { DEFAULT_CAPTURE, type CaptureSettings } from '../cameras/capture-settings';
import { WebcamSource } from '../cameras/webcam-source';
import { VideoFileSource } from '../cameras/video-source';
import { TakeSource } from '../cameras/take-source';
import type { SetTiming } from '../cameras/detect-sets';
import type { VideoDevice } from '../cameras/webcams';
import type { VideoInput } from '../cameras/videos';
import type { VideoTiming } from '../sync/video-times';
import { DetectionClient } from '../detection/client';
import { parseMultiTake, type MultiTake } from '../take/multi';

export { fusion, lifterLatencyMs, type LifterState } from './app-fusion';
export const session = new Session(fusion);
export const simSettings = new SimSettingsStore();
/** The lifter's state for the legend and the status bar (it loads in the fusion worker). */
export const lifterState = fusionLifterState;

class SettingsStore extends Channel<CaptureSettings> {
  get current(): CaptureSettings {
    return this.latest()!;
  }
  update(patch: Partial<CaptureSettings>): void {
    this.emit({ ...this.current, ...patch });
  }
}
export const captureSettings = new SettingsStore();
captureSettings.emit({ ...DEFAULT_CAPTURE, constraints: { ...DEFAULT_CAPTURE.constraints } });

/**
 * Starts fusion (in its worker; ?fusion=main keeps it on this thread, for comparison) with triangulation at once
 * and the lifter once its backend is measured and its weights loaded; without a lifter the app compares DLT with
 * robust triangulation and says why.
 */
export function loadMethods(): void {
  startFusion(session);
}

let client: DetectionClient | null = null;
function detectionClient(): DetectionClient {
  return (client ??= new DetectionClient());
}

export function startSimulation(): Promise<void> {
  return session.use(new SimulationSource(simSettings));
}

export function startWebcams(devices: readonly VideoDevice[]): Promise<void> {
  return session.use(new WebcamSource(detectionClient(), devices, captureSettings.current));
}

/** `timings` (from synchronisation) are in the files' name order, as the views are. */
export function startVideos(files: readonly File[], timings: readonly VideoTiming[] | null = null): Promise<void> {
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const inputs: VideoInput[] = sorted.map((f) => ({ url: URL.createObjectURL(f), label: f.name }));
  return session.use(new VideoFileSource(detectionClient(), inputs, captureSettings.current, timings && timings.length === inputs.length ? timings : null));
}

/**
 * Replays a take (its cameras are its rig; a version 2 take as a multi-person source); a take that does not parse
 * leaves the current source running.
 */
export function startTake(take: MultiTake, name: string): Promise<void> {
  return session.use(new TakeSource(take, name, captureSettings.current.scoreThreshold));
}

export function parseTakeFile(text: string, name: string): MultiTake {
  try {
    return parseMultiTake(text);
  } catch (e) {
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Restarts the webcams at the calibrated frame size (after "restart the cameras at the calibrated size"). */
export function restartAtCalibratedSize(): Promise<void> | void {
  const src = session.activeSource;
  const s = session.getSnapshot();
  if (!(src instanceof WebcamSource) || !s.calibration || !s.binding) return;
  const k = s.binding.cameraOf.find((c) => c !== null);
  if (k === undefined || k === null) return;
  const cam = s.calibration.cameras[k];
  captureSettings.update({ constraints: { ...captureSettings.current.constraints, width: cam.width, height: cam.height } });
  return startWebcams(src.devices);
}

/** Per-set timings of the running capture, for `npm run bench:capture` (read through window.__parallaxCapture). */
export function recentSets(): SetTiming[] {
  const src = session.activeSource as { recentSets?: () => SetTiming[] } | null;
  return src?.recentSets?.() ?? [];
}
(globalThis as { __parallaxCapture?: unknown }).__parallaxCapture = { recentSets };
(globalThis as { __parallaxSession?: unknown }).__parallaxSession = session;
