/**
 * Property test of the lifter loader (issue 12): random damage to a valid manifest or its weights never crashes,
 * never hangs, and gives either a working network or an error naming the field or tensor. Seeded, bounded.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isReaderError, mutatedJson } from '../testing/mutate';
import { netFromParts } from './manifest';

const FIX = join(__dirname, '__fixtures__');
const manifest = JSON.parse(readFileSync(join(FIX, 'parity-manifest.json'), 'utf8'));
const bytes = readFileSync(join(FIX, 'parity-weights.bin'));
const weights = () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

function load(m: unknown, w: ArrayBuffer) {
  const t0 = performance.now();
  try {
    netFromParts(m, w).dispose();
  } catch (e) {
    expect(isReaderError(e), String(e)).toBe(true);
    expect((e as Error).message).toMatch(/^lifter (manifest|weights|config): \S/);
  } finally {
    expect(performance.now() - t0).toBeLessThan(3000);
  }
}

describe('property: the lifter loader', () => {
  it('a damaged manifest: a network or an error naming the field', () => {
    fc.assert(fc.property(mutatedJson(manifest), (m) => load(m, weights())), { numRuns: 40, seed: 5 });
  });

  it('damaged weights (NaN, Inf, huge, bytes cut): a network or an error naming the tensor', () => {
    const n = bytes.byteLength / 4;
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: n - 1 }), v: fc.constantFrom(NaN, Infinity, -Infinity, 3.4e38, 0, -1) }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (edits, cut) => {
          const w = weights();
          const f = new Float32Array(w);
          for (const e of edits) f[e.at] = e.v;
          const hasBad = edits.some((e) => !Number.isFinite(e.v));
          let threw = false;
          try {
            netFromParts(manifest, cut ? w.slice(0, w.byteLength - 4) : w).dispose();
          } catch (e) {
            threw = true;
            expect((e as Error).message).toMatch(cut ? /lifter weights: parity-weights\.bin has \d+ bytes/ : /lifter weights: tensor ".+"\[\d+\] is -?(NaN|Infinity)/);
          }
          expect(threw).toBe(cut || hasBad);
        },
      ),
      { numRuns: 30, seed: 6 },
    );
  });
});
