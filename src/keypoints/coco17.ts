/**
 * COCO-17: the app's one 2D and 3D joint layout, in MoveNet's order. Every other layout maps into it
 * (see layouts.ts); nothing else in the app indexes joints by number.
 */
export const COCO17_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

export type Coco17Name = (typeof COCO17_NAMES)[number];
export const NUM_JOINTS = 17;

export const JOINT = Object.fromEntries(COCO17_NAMES.map((n, i) => [n, i])) as { readonly [K in Coco17Name]: number };

/** Bones drawn and measured: [parent-ish, child] pairs. */
export const COCO17_BONES: ReadonlyArray<readonly [number, number]> = [
  [JOINT.left_shoulder, JOINT.right_shoulder],
  [JOINT.left_shoulder, JOINT.left_elbow],
  [JOINT.left_elbow, JOINT.left_wrist],
  [JOINT.right_shoulder, JOINT.right_elbow],
  [JOINT.right_elbow, JOINT.right_wrist],
  [JOINT.left_shoulder, JOINT.left_hip],
  [JOINT.right_shoulder, JOINT.right_hip],
  [JOINT.left_hip, JOINT.right_hip],
  [JOINT.left_hip, JOINT.left_knee],
  [JOINT.left_knee, JOINT.left_ankle],
  [JOINT.right_hip, JOINT.right_knee],
  [JOINT.right_knee, JOINT.right_ankle],
  [JOINT.nose, JOINT.left_eye],
  [JOINT.nose, JOINT.right_eye],
  [JOINT.left_eye, JOINT.left_ear],
  [JOINT.right_eye, JOINT.right_ear],
];

/** Bones whose length is a property of the body (limbs), used for bone-length stability figures. */
export const COCO17_LIMBS: ReadonlyArray<readonly [number, number]> = COCO17_BONES.slice(1, 5).concat(COCO17_BONES.slice(8, 12));

/** For each joint, its mirror image (left ↔ right); the nose maps to itself. */
export const COCO17_FLIP: readonly number[] = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15];

export const FACE_JOINTS: readonly number[] = [0, 1, 2, 3, 4];

export function isLeft(j: number): boolean {
  return COCO17_NAMES[j].startsWith('left_');
}
