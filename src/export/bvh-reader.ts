/**
 * A small BVH reader with forward kinematics: any hierarchy, any rotation channel order, positions in file units.
 * Used to check the exporter's files (read back, compare joint positions) and to import BVH into the app.
 */
export interface BvhJointDef {
  name: string;
  parent: number;
  offset: [number, number, number];
  channels: string[];
}

export interface BvhData {
  joints: BvhJointDef[];
  frameTime: number;
  /** frames × (sum of channels) values in file order. */
  motion: number[][];
}

export class BvhError extends Error {}

export function parseBvh(text: string): BvhData {
  const tokens = text.split(/\s+/).filter(Boolean);
  let i = 0;
  const next = () => {
    if (i >= tokens.length) throw new BvhError('BVH: unexpected end of file');
    return tokens[i++];
  };
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new BvhError(`BVH: expected "${t}", got "${got}" (token ${i})`);
  };
  const num = () => {
    const v = Number(next());
    if (!Number.isFinite(v)) throw new BvhError(`BVH: expected a number at token ${i}`);
    return v;
  };
  expect('HIERARCHY');
  const joints: BvhJointDef[] = [];
  const parseJoint = (parent: number) => {
    const name = next();
    expect('{');
    const me = joints.length;
    const def: BvhJointDef = { name, parent, offset: [0, 0, 0], channels: [] };
    joints.push(def);
    for (;;) {
      const t = next();
      if (t === 'OFFSET') def.offset = [num(), num(), num()];
      else if (t === 'CHANNELS') {
        const n = num();
        for (let c = 0; c < n; c++) def.channels.push(next());
      } else if (t === 'JOINT') parseJoint(me);
      else if (t === 'End') {
        expect('Site');
        expect('{');
        expect('OFFSET');
        num(); num(); num();
        expect('}');
      } else if (t === '}') return;
      else throw new BvhError(`BVH: unexpected "${t}" in joint ${name}`);
    }
  };
  expect('ROOT');
  parseJoint(-1);
  expect('MOTION');
  expect('Frames:');
  const nFrames = num();
  expect('Frame');
  expect('Time:');
  const frameTime = num();
  const width = joints.reduce((s, j) => s + j.channels.length, 0);
  const motion: number[][] = [];
  for (let f = 0; f < nFrames; f++) {
    const row = new Array<number>(width);
    for (let c = 0; c < width; c++) row[c] = num();
    motion.push(row);
  }
  return { joints, frameTime, motion };
}

function rot(axis: string, deg: number): number[] {
  const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  if (axis === 'X') return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 'Y') return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

function mul(a: number[], b: number[]): number[] {
  const o = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return o;
}

/** World positions (file units) of every joint in frame f: x,y,z × joints. */
export function bvhFramePositions(data: BvhData, f: number): Float64Array {
  const n = data.joints.length;
  const pos = new Float64Array(n * 3);
  const G: number[][] = [];
  const row = data.motion[f];
  let c = 0;
  data.joints.forEach((j, i) => {
    let R = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const t = [...j.offset];
    for (const ch of j.channels) {
      const v = row[c++];
      const axis = ch[0].toUpperCase();
      if (ch.endsWith('rotation')) R = mul(R, rot(axis, v));
      else t['XYZ'.indexOf(axis)] = v + (j.parent < 0 ? 0 : j.offset['XYZ'.indexOf(axis)]);
    }
    if (j.parent < 0) {
      G[i] = R;
      pos.set(t, 0);
      return;
    }
    const P = G[j.parent];
    const p = j.parent * 3;
    for (let k = 0; k < 3; k++) pos[3 * i + k] = pos[p + k] + P[3 * k] * t[0] + P[3 * k + 1] * t[1] + P[3 * k + 2] * t[2];
    G[i] = mul(P, R);
  });
  return pos;
}
