import { describe, expect, it } from 'vitest';
import { nameCameras } from './camera-names';

describe('nameCameras', () => {
  it('keeps distinct labels, numbers repeats in device order and names unlabelled devices', () => {
    const out = nameCameras([{ id: 'a', label: 'HD Webcam C920' }, { id: 'b', label: 'HD Webcam C920' }, { id: 'c', label: '' }, { id: 'd', label: 'Side cam' }]);
    expect(out.map((d) => d.label)).toEqual(['HD Webcam C920', 'HD Webcam C920 (2)', 'Camera 3', 'Side cam']);
    expect(out.map((d) => d.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
