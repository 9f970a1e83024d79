/**
 * Decodes a video into RGB frames with ffmpeg (CLI only; `apt-get install -y ffmpeg`). Frames stream one at a
 * time so a long video never sits in memory.
 */
import { spawn, execFileSync } from 'node:child_process';

export interface VideoInfo {
  width: number;
  height: number;
  fps: number;
  frames: number;
}

export function probeVideo(path: string): VideoInfo {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=width,height,r_frame_rate,nb_read_packets', '-of', 'json', path], { encoding: 'utf8' });
  const s = JSON.parse(out).streams[0];
  const [num, den] = String(s.r_frame_rate).split('/').map(Number);
  return { width: s.width, height: s.height, fps: num / (den || 1), frames: Number(s.nb_read_packets) };
}

/** Yields frames as RGB bytes (height × width × 3), optionally scaled so the longer side is `maxSide`. */
export async function* readFrames(path: string, maxSide = 0): AsyncGenerator<{ index: number; rgb: Uint8Array; width: number; height: number }> {
  const info = probeVideo(path);
  let w = info.width, h = info.height;
  const args = ['-v', 'error', '-i', path];
  if (maxSide > 0 && Math.max(w, h) > maxSide) {
    const s = maxSide / Math.max(w, h);
    w = Math.round((w * s) / 2) * 2;
    h = Math.round((h * s) / 2) * 2;
    args.push('-vf', `scale=${w}:${h}`);
  }
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((res) => proc.on('close', (code) => res(code)));
  const size = w * h * 3;
  let buf: Buffer = Buffer.alloc(0);
  let index = 0;
  let finished = false;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= size) {
        yield { index: index++, rgb: new Uint8Array(buf.subarray(0, size)), width: w, height: h };
        buf = buf.subarray(size);
      }
    }
    finished = true;
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed on ${path} (exit ${code}): ${stderr.trim()}`);
  } finally {
    // The caller stopped early: ffmpeg's "broken pipe" complaint is expected, not an error.
    if (!finished) proc.kill('SIGKILL');
  }
}
