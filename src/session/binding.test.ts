import { describe, expect, it } from 'vitest';
import { ringRig } from '../sim/rig';
import { bindViews, normaliseName } from './binding';

const calib = ringRig(4).map((c, i) => ({ ...c, name: `cam_0${i + 1}`, width: 1088, height: 1920 }));
const view = (name: string, width = 1080, height = 1920) => ({ name, width, height });

describe('binding views to calibrated cameras by name', () => {
  it('matches file names and camera names whatever the case, punctuation and extension', () => {
    expect(normaliseName('Cam_01.mp4')).toBe('cam01');
    const b = bindViews(['cam03.mp4', 'cam01.mp4'].map((n) => view(n)), calib);
    expect(b.cameraOf).toEqual([2, 0]);
    expect(b.missingInSource).toEqual(['cam_02', 'cam_04']);
    expect(b.missingInCalibration).toEqual([]);
  });

  it('matches by camera number when names differ, and only when the number is unique on both sides', () => {
    expect(bindViews([view('Fake camera 2'), view('Fake camera 1')], calib).cameraOf).toEqual([1, 0]);
    // Digits inside a device label (a USB id) are no camera number.
    expect(bindViews([view('Integrated Camera (04f2:b6d1)'), view('USB 2.0 Camera')], calib).cameraOf).toEqual([null, null]);
    const twice = bindViews([view('left 1'), view('right 1')], calib);
    expect(twice.cameraOf).toEqual([null, null]);
    expect(twice.missingInCalibration).toEqual(['left 1', 'right 1']);
  });

  it('names views the calibration lacks and views of another size; an unknown size (0) is not a mismatch', () => {
    const b = bindViews([view('cam01.mp4', 1280, 720), view('cam02.mp4', 0, 0), view('kitchen')], calib);
    expect(b.cameraOf).toEqual([0, 1, null]);
    expect(b.missingInCalibration).toEqual(['kitchen']);
    expect(b.sizeMismatch).toEqual([{ view: 'cam01.mp4', camera: 'cam_01', size: [1280, 720], calibrated: [1088, 1920] }]);
  });
});
