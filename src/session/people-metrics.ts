/**
 * MPJPE per person against a multi-person truth: each fused person is matched to one truth person (by the mean
 * joint distance of its first available pose, closest pairs first, each truth used once), then every method's
 * pose of that person is scored against that truth. Tracker ids and truth ids are unrelated numbers, so the match
 * is by distance, not by id.
 */
import type { PersonPoses } from '../fusion/types';
import type { PersonTruth } from '../fusion/flow';
import { meanJointDistance } from '../viewer/compare';

export interface PersonError {
  person: number;
  /** The matched truth's id, or −1 when none is left or none is finite. */
  truth: number;
  /** Method id → MPJPE (m); NaN where the method has no pose. */
  mpjpe: Record<string, number>;
}

export function perPersonErrors(people: readonly PersonPoses[], truths: readonly PersonTruth[]): PersonError[] {
  const pairs: Array<[number, number, number]> = [];
  people.forEach((p, i) => {
    const pose = Object.values(p.poses).find((x) => !!x) ?? null;
    truths.forEach((t, k) => {
      const d = meanJointDistance(pose, t);
      if (Number.isFinite(d)) pairs.push([d, i, k]);
    });
  });
  pairs.sort((a, b) => a[0] - b[0]);
  const truthOf = new Int32Array(people.length).fill(-1), used = new Set<number>();
  for (const [, i, k] of pairs) {
    if (truthOf[i] >= 0 || used.has(k)) continue;
    truthOf[i] = k;
    used.add(k);
  }
  return people.map((p, i) => {
    const t = truthOf[i] >= 0 ? truths[truthOf[i]] : null;
    const mpjpe: Record<string, number> = {};
    for (const [id, pose] of Object.entries(p.poses)) mpjpe[id] = t ? meanJointDistance(pose, t) : NaN;
    return { person: p.person, truth: t ? t.id : -1, mpjpe };
  });
}
