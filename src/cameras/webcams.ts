/**
 * Webcam access: listing, opening with constraints, and turning every getUserMedia failure into a message a
 * user can act on. Nothing here runs until the user asks for cameras (no permission prompt on load).
 */
import { nameCameras } from './camera-names';

export interface CaptureConstraints {
  width: number;
  height: number;
  frameRate: number;
}

export const DEFAULT_CONSTRAINTS: CaptureConstraints = { width: 1280, height: 720, frameRate: 30 };
export const MAX_CAMERAS = 8;

export interface VideoDevice {
  deviceId: string;
  label: string;
}

export interface OpenedCamera {
  deviceId: string;
  label: string;
  stream: MediaStream;
  track: MediaStreamTrack;
  /** What the device actually delivers (may differ from the request). */
  settings: { width?: number; height?: number; frameRate?: number };
}

export class CameraError extends Error {
  constructor(
    message: string,
    readonly kind: 'denied' | 'busy' | 'constraints' | 'not-found' | 'unsupported' | 'other',
    readonly deviceLabel?: string,
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

export function mediaAvailable(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

/** Maps a getUserMedia rejection to a CameraError with a plain-language message. */
export function describeMediaError(err: unknown, label = 'the camera'): CameraError {
  const name = (err as { name?: string })?.name ?? '';
  const detail = (err as { message?: string })?.message ?? String(err);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return new CameraError(
        'Camera permission was denied. Allow camera access for this page in the browser (the camera icon in the address bar), then try again — or use Videos as the source.',
        'denied',
        label,
      );
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraError(`${label} is busy or could not be started (another application may be using it). Close it there and try again.`, 'busy', label);
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError': {
      const c = (err as { constraint?: string }).constraint;
      return new CameraError(`${label} cannot deliver the requested ${c || 'settings'}. Lower the resolution or frame rate and try again.`, 'constraints', label);
    }
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return new CameraError(`${label} was not found (unplugged?).`, 'not-found', label);
    default:
      return new CameraError(`${label}: ${name ? name + ': ' : ''}${detail}`, 'other', label);
  }
}

/**
 * Asks for permission once (labels are empty before it) and lists the video inputs. Throws a CameraError.
 */
export async function requestAndListCameras(): Promise<VideoDevice[]> {
  if (!mediaAvailable()) throw new CameraError('This browser gives no camera access here (needs https or localhost).', 'unsupported');
  let probe: MediaStream | null = null;
  try {
    probe = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  } catch (e) {
    throw describeMediaError(e, 'Camera');
  } finally {
    probe?.getTracks().forEach((t) => t.stop());
  }
  return listCameras();
}

export async function listCameras(): Promise<VideoDevice[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return nameCameras(all.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label })));
}

export async function openCamera(dev: VideoDevice, c: CaptureConstraints): Promise<OpenedCamera> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {
        deviceId: { exact: dev.deviceId },
        width: { ideal: c.width },
        height: { ideal: c.height },
        frameRate: { ideal: c.frameRate },
      },
    });
  } catch (e) {
    throw describeMediaError(e, dev.label);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) throw new CameraError(`${dev.label} gave a stream without video`, 'other', dev.label);
  const s = track.getSettings();
  return { deviceId: dev.deviceId, label: dev.label, stream, track, settings: { width: s.width, height: s.height, frameRate: s.frameRate } };
}
