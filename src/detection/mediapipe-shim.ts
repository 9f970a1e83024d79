// Stand-in for @mediapipe/pose: Parallax runs pose-detection on its tfjs runtime only. If anything ever asks
// for the mediapipe runtime, fail with a message instead of a broken import.
export class Pose {
  constructor() {
    throw new Error('The mediapipe runtime is not bundled with Parallax; use runtime "tfjs".');
  }
}
export const VERSION = 'not-bundled';
