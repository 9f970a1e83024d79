/**
 * The calibration in use, kept in the browser's IndexedDB (its own database, so it never clashes with other
 * stores). Values are stored as the app's JSON file and validated again on load.
 */
import type { Camera } from '../geometry/camera';
import { calibrationToJSON, parseCalibrationJSON, type CalibrationFile } from './io';

const DB = 'parallax-calibration';
const STORE = 'calibration';
const KEY = 'current';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function saveCalibration(cameras: readonly Camera[], extra: Partial<Pick<CalibrationFile, 'board' | 'quality'>> = {}): Promise<void> {
  const db = await open();
  const text = JSON.stringify(calibrationToJSON(cameras, extra));
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(text, KEY);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

/** The saved calibration, or null when none is saved or the saved one no longer validates. */
export async function loadCalibration(): Promise<{ cameras: Camera[]; file: CalibrationFile } | null> {
  const db = await open();
  const text = await new Promise<unknown>((resolve, reject) => {
    const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  db.close();
  if (typeof text !== 'string') return null;
  try {
    return parseCalibrationJSON(text);
  } catch {
    return null;
  }
}
