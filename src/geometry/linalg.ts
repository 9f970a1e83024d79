/**
 * Small dense linear algebra over Float64Array, row-major. Enough for the geometry core: 3x3 helpers, a
 * symmetric eigensolver (Jacobi) for null spaces, and a Cholesky solve with an LU fallback for normal equations.
 */

export type Mat3 = Float64Array; // 9 numbers, row-major
export type Vec3 = Float64Array; // 3 numbers

export function mat3(values?: ArrayLike<number>): Mat3 {
  const m = new Float64Array(9);
  if (values) m.set(values);
  return m;
}

export function identity3(out: Mat3 = new Float64Array(9)): Mat3 {
  out.fill(0);
  out[0] = out[4] = out[8] = 1;
  return out;
}

/** out = a · b (3x3). out may alias neither a nor b. */
export function mul3(out: Mat3, a: Mat3, b: Mat3): Mat3 {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    }
  }
  return out;
}

export function transpose3(out: Mat3, a: Mat3): Mat3 {
  const a1 = a[1], a2 = a[2], a5 = a[5];
  out[0] = a[0]; out[4] = a[4]; out[8] = a[8];
  out[1] = a[3]; out[2] = a[6]; out[5] = a[7];
  out[3] = a1; out[6] = a2; out[7] = a5;
  return out;
}

/** out = m · v. out may alias v. */
export function mulVec3(out: Float64Array, m: Mat3, x: number, y: number, z: number): Float64Array {
  out[0] = m[0] * x + m[1] * y + m[2] * z;
  out[1] = m[3] * x + m[4] * y + m[5] * z;
  out[2] = m[6] * x + m[7] * y + m[8] * z;
  return out;
}

/** out = mᵀ · v. */
export function mulTransposeVec3(out: Float64Array, m: Mat3, x: number, y: number, z: number): Float64Array {
  out[0] = m[0] * x + m[3] * y + m[6] * z;
  out[1] = m[1] * x + m[4] * y + m[7] * z;
  out[2] = m[2] * x + m[5] * y + m[8] * z;
  return out;
}

export function det3(m: Mat3): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

/** Inverse of a 3x3 matrix, or null when it is singular. */
export function invert3(out: Mat3, m: Mat3): Mat3 | null {
  const d = det3(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-300) return null;
  const [a, b, c, e, f, g, h, i, j] = m;
  out[0] = (f * j - g * i) / d;
  out[1] = (c * i - b * j) / d;
  out[2] = (b * g - c * f) / d;
  out[3] = (g * h - e * j) / d;
  out[4] = (a * j - c * h) / d;
  out[5] = (c * e - a * g) / d;
  out[6] = (e * i - f * h) / d;
  out[7] = (b * h - a * i) / d;
  out[8] = (a * f - b * e) / d;
  return out;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations. Returns eigenvalues ascending and
 * the matching unit eigenvectors as the columns of `vectors` (n×n row-major). `a` is not modified.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p], akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k], aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/**
 * Solves A x = b for a symmetric positive definite A (n×n) by Cholesky, in place on copies. Returns null when A
 * is not positive definite (the caller typically raises its damping and tries again).
 */
export function solveSPD(a: Float64Array, b: Float64Array, n: number, out: Float64Array = new Float64Array(n)): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        L[i * n + i] = Math.sqrt(sum);
      } else {
        L[i * n + j] = sum / L[j * n + j];
      }
    }
  }
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= L[i * n + k] * out[k];
    out[i] = sum / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = out[i];
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i] * out[k];
    out[i] = sum / L[i * n + i];
  }
  return out;
}

/** Solves a general n×n system by Gaussian elimination with partial pivoting; null when singular. */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[piv * n + col])) piv = r;
    if (Math.abs(m[piv * n + col]) < 1e-300) return null;
    if (piv !== col) {
      for (let k = 0; k < n; k++) {
        const tmp = m[col * n + k]; m[col * n + k] = m[piv * n + k]; m[piv * n + k] = tmp;
      }
      const tb = x[col]; x[col] = x[piv]; x[piv] = tb;
    }
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col] / m[col * n + col];
      if (f === 0) continue;
      for (let k = col; k < n; k++) m[r * n + k] -= f * m[col * n + k];
      x[r] -= f * x[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let sum = x[r];
    for (let k = r + 1; k < n; k++) sum -= m[r * n + k] * x[k];
    x[r] = sum / m[r * n + r];
  }
  return x;
}
