/**
 * One live camera on the page: a <video> playing its stream, a requestVideoFrameCallback loop reporting each
 * presented frame with its best timestamp, and 'ended' detection (unplugged / revoked) so it can be marked lost.
 */
import type { OpenedCamera } from './webcams';

export interface FrameTick {
  /** Seconds on the performance.now() clock: captureTime when the browser gives it, else the presentation time. */
  time: number;
  /** Frames the source skipped since the previous callback (presentedFrames gap − 1). */
  skipped: number;
}

type VideoFrameMeta = { presentedFrames: number; captureTime?: number; expectedDisplayTime: number; mediaTime: number };
type RvfcVideo = HTMLVideoElement & {
  requestVideoFrameCallback?(cb: (now: number, meta: VideoFrameMeta) => void): number;
  cancelVideoFrameCallback?(id: number): void;
};

export class LiveCamera {
  readonly video: RvfcVideo;
  lost = false;
  private rvfcId = 0;
  private lastPresented = -1;
  private stopped = false;
  private endedHandler = () => this.markLost();

  constructor(
    public opened: OpenedCamera,
    private onTick: (tick: FrameTick) => void,
    private onLost: () => void,
  ) {
    this.video = document.createElement('video') as RvfcVideo;
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.autoplay = true;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.lost = false;
    this.lastPresented = -1;
    this.opened.track.addEventListener('ended', this.endedHandler);
    this.video.srcObject = this.opened.stream;
    await this.video.play().catch(() => undefined); // autoplay of a muted stream is allowed; a rejection here is benign
    this.loop();
  }

  /** Swaps in a re-opened stream for the same device (after it came back). */
  async replace(opened: OpenedCamera): Promise<void> {
    this.stopStream();
    this.opened = opened;
    await this.start();
  }

  private loop() {
    if (this.stopped) return;
    if (this.video.requestVideoFrameCallback) {
      this.rvfcId = this.video.requestVideoFrameCallback((now, meta) => {
        const skipped = this.lastPresented >= 0 ? Math.max(0, meta.presentedFrames - this.lastPresented - 1) : 0;
        this.lastPresented = meta.presentedFrames;
        const t = meta.captureTime ?? meta.expectedDisplayTime ?? now;
        if (!this.lost) this.onTick({ time: t / 1000, skipped });
        this.loop();
      });
    } else {
      // No rVFC (old browsers): sample at display rate; timestamps are then only as good as rAF.
      this.rvfcId = requestAnimationFrame((now) => {
        if (!this.lost && this.video.readyState >= 2) this.onTick({ time: now / 1000, skipped: 0 });
        this.loop();
      });
    }
  }

  private markLost() {
    if (this.lost) return;
    this.lost = true;
    this.onLost();
  }

  private stopStream() {
    this.stopped = true;
    if (this.video.cancelVideoFrameCallback) this.video.cancelVideoFrameCallback(this.rvfcId);
    else cancelAnimationFrame(this.rvfcId);
    this.opened.track.removeEventListener('ended', this.endedHandler);
    this.opened.stream.getTracks().forEach((t) => t.stop());
  }

  stop() {
    this.stopStream();
    this.video.srcObject = null;
  }
}

/** Grabs the current frame, downscaled so its longer side is at most maxSide (0 = full size). */
export async function grabFrame(source: HTMLVideoElement, maxSide: number): Promise<{ bitmap: ImageBitmap; scale: number }> {
  const w = source.videoWidth, h = source.videoHeight;
  if (!w || !h) throw new Error('video has no frame yet');
  if (maxSide > 0 && Math.max(w, h) > maxSide) {
    const s = maxSide / Math.max(w, h);
    const rw = Math.max(1, Math.round(w * s)), rh = Math.max(1, Math.round(h * s));
    const bitmap = await createImageBitmap(source, { resizeWidth: rw, resizeHeight: rh, resizeQuality: 'medium' });
    return { bitmap, scale: w / rw };
  }
  return { bitmap: await createImageBitmap(source), scale: 1 };
}
