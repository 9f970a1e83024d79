/** Shared board snapshots count only when both cameras saw the same board pose, checked by geometry. */
import { describe, expect, it } from 'vitest';
import { projectPoints } from '../geometry/camera';
import { checkSharedViews, linkedGroups, type Snapshot } from './shared-views';
import { projectBoardCorners, seededNormal, type Pose } from './synth';
import { randomHeldPoses, synthBoard, synthCameras } from './synthRig';

const cams = synthCameras();
const noise = seededNormal(11);
const see = (c: number, pose: Pose) => projectBoardCorners(cams[c], synthBoard, pose, (cam, p) => projectPoints(cam, p)).map((v) => v + 0.3 * noise());

describe('shared board snapshots', () => {
  it('confirms true shared views of a pair (0.3 px corner noise), and keeps a lone snapshot waiting', () => {
    const poses = randomHeldPoses(synthBoard, 5, 3);
    const snaps: Snapshot[] = poses.map((p) => new Map([[0, see(0, p)], [1, see(1, p)]]));
    const all = checkSharedViews(synthBoard, cams, snaps);
    const p01 = all.pairs.find((p) => p.a === 0 && p.b === 1)!;
    expect(p01.seen).toEqual([0, 1, 2, 3, 4]);
    expect(p01.confirmed).toEqual([0, 1, 2, 3, 4]);
    expect(p01.rejected).toEqual([]);
    expect(all.kept.map((k) => [...k].sort())).toEqual(poses.map(() => [0, 1]));
    const one = checkSharedViews(synthBoard, cams, snaps.slice(0, 1));
    expect(one.pairs[0]).toMatchObject({ seen: [0], confirmed: [], rejected: [] });
  });

  it('does not count two cameras showing unrelated boards, however often both are still together', () => {
    const a = randomHeldPoses(synthBoard, 5, 5), b = randomHeldPoses(synthBoard, 5, 6);
    const snaps: Snapshot[] = a.map((p, i) => new Map([[0, see(0, p)], [1, see(1, b[i])]]));
    const r = checkSharedViews(synthBoard, cams, snaps);
    expect(r.pairs[0].seen).toHaveLength(5);
    expect(r.pairs[0].confirmed).toEqual([]);
    expect(r.kept.every((k) => k.size === 0)).toBe(true);
  });

  it('keeps the consistent snapshots and rejects the odd ones among them, per pair; links cameras through pairs', () => {
    const good = randomHeldPoses(synthBoard, 4, 7), odd = randomHeldPoses(synthBoard, 2, 8);
    const snaps: Snapshot[] = [
      ...good.map((p) => new Map([[0, see(0, p)], [1, see(1, p)]])),
      new Map([[0, see(0, odd[0])], [1, see(1, odd[1])]]), // cam1 sees another board
      ...good.slice(0, 2).map((p) => new Map([[2, see(2, p)], [3, see(3, p)]])),
    ];
    const r = checkSharedViews(synthBoard, cams, snaps);
    const pair = (a: number, b: number) => r.pairs.find((p) => p.a === a && p.b === b)!;
    expect(pair(0, 1).confirmed).toEqual([0, 1, 2, 3]);
    expect(pair(0, 1).rejected).toEqual([4]);
    expect(pair(2, 3).confirmed).toEqual([5, 6]);
    expect([...r.kept[4]]).toEqual([]);
    expect(linkedGroups(4, r.pairs)).toEqual([[0, 1], [2, 3]]);
    expect(linkedGroups(4, r.pairs, 3)).toEqual([[0, 1], [2], [3]]);
  });
});
