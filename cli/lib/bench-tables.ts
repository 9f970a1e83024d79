/**
 * The lifter benchmark's tables (issues 5 and 8) from a folder of benchmark takes: which take goes in which table
 * (from the meta training/make_benchmark.py writes), scoring through src/eval/evaluate.ts, and markdown.
 */
import type { Camera } from '../../src/geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../../src/fusion/types';
import { evaluateTake, type EvalRow } from '../../src/eval/evaluate';
import type { Take } from '../../src/take/take';

export type TableId = 'rigs' | 'dropview' | 'conditions';

export interface BenchTake {
  file: string;
  take: Take;
}

export interface TableRow {
  table: TableId;
  take: string;
  /** Rig name (rigs, dropview) or condition name (conditions). */
  label: string;
  /** Which frames were scored: "all", or for the dropped-view take "view dropped" / "all views". */
  frames: string;
  views: number;
  /** Cameras in the take. */
  cameras: number;
  subsets: number;
  byMethod: Record<string, EvalRow>;
}

export interface TableOptions {
  /** View counts for the rig table (each rig gets those it has); default 2, 3, 4, 6, 8. */
  rigViews: number[];
  maxSubsets: number;
  /** Score every stride-th frame with ground truth (1 = all). */
  stride: number;
}

/**
 * A method that remembers its answers for recent (cameras, frames) inputs, compared element by element (the same
 * Camera objects and the same detection arrays), so the same-joints variant does not run the lifter twice.
 */
class Memo implements FusionMethod {
  private cache: { cameras: readonly Camera[]; frames: ReadonlyArray<FrameViews>; out: Promise<(Pose3D | null)[]> }[] = [];
  constructor(readonly inner: FusionMethod, private readonly size = 64) {}
  get id() { return this.inner.id; }
  get label() { return this.inner.label; }
  estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const same = (e: (typeof this.cache)[number]) =>
      e.cameras.length === cameras.length && e.cameras.every((c, i) => c === cameras[i]) &&
      e.frames.length === frames.length && e.frames.every((f, i) => f.length === frames[i].length && f.every((v, k) => v === frames[i][k]));
    const hit = this.cache.find(same);
    if (hit) return hit.out;
    const out = this.inner.estimateFrames(cameras, frames);
    this.cache.push({ cameras, frames, out });
    if (this.cache.length > this.size) this.cache.shift();
    return out;
  }
  dispose() { this.inner.dispose?.(); }
}

/** `a`'s poses restricted to the joints and frames `b` estimated, so the two are scored on the same joints. */
class SameJoints implements FusionMethod {
  readonly label: string;
  constructor(readonly id: string, private readonly a: FusionMethod, private readonly b: FusionMethod) {
    this.label = `${a.label} on ${b.label}'s joints`;
  }
  async estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const [pa, pb] = await Promise.all([this.a.estimateFrames(cameras, frames), this.b.estimateFrames(cameras, frames)]);
    return pa.map((p, i) => {
      const q = pb[i];
      if (!p || !q) return null;
      const joints = Float64Array.from(p.joints), valid = new Uint8Array(p.valid.length);
      for (let j = 0; j < valid.length; j++) {
        valid[j] = p.valid[j] & q.valid[j];
        if (!valid[j]) joints[3 * j] = joints[3 * j + 1] = joints[3 * j + 2] = 0;
      }
      return { joints, valid };
    });
  }
}

/** The id of the same-joints variant of `lifter` against `baseline`. */
export const sameJointsId = (lifter: string, baseline: string) => `${lifter}@${baseline}-joints`;

/**
 * The methods to score, plus (when both are present) `lifter` restricted to `baseline`'s joints: triangulation
 * leaves out joints it cannot see in two views, the lifter does not, so plain MPJPEs compare different joints.
 */
export function withSameJoints(methods: readonly FusionMethod[], lifter: string, baseline: string): FusionMethod[] {
  const out = methods.map((m) => (m.id === lifter || m.id === baseline ? new Memo(m) : m));
  const a = out.find((m) => m.id === lifter), b = out.find((m) => m.id === baseline);
  if (a && b && a !== b) out.push(new SameJoints(sameJointsId(lifter, baseline), a, b));
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Which table a take belongs to: meta.condition "none" (or absent) → rigs, "dropview" → dropview, else conditions. */
export function classify(bt: BenchTake): { table: TableId; label: string } {
  const m = bt.take.meta;
  const cond = str(m.condition) ?? 'none';
  const name = str(m.name) ?? bt.file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (cond === 'none') return { table: 'rigs', label: str(m.rig) ?? name };
  if (cond === 'dropview') return { table: 'dropview', label: str(m.rig) ?? name };
  return { table: 'conditions', label: cond };
}

function withFrames(take: Take, keep: (f: Take['frames'][number], i: number) => boolean): Take {
  return { ...take, frames: take.frames.filter(keep) };
}

async function score(take: Take, methods: readonly FusionMethod[], views: number, maxSubsets: number): Promise<{ subsets: number; byMethod: Record<string, EvalRow> }> {
  const rows = await evaluateTake(take, methods, { viewCounts: [views], maxSubsets });
  return { subsets: rows[0]?.subsets ?? 0, byMethod: Object.fromEntries(rows.map((r) => [r.method, r])) };
}

/** Scores every take into table rows, in a stable order (table, then label, then views). */
export async function benchRows(takes: readonly BenchTake[], methods: readonly FusionMethod[], opts: TableOptions, progress?: (msg: string) => void): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for (const bt of takes) {
    const { table, label } = classify(bt);
    const n = bt.take.cameras.length;
    const take = opts.stride > 1 ? withFrames(bt.take, (_, i) => i % opts.stride === 0) : bt.take;
    const t0 = performance.now();
    const add = async (frames: string, t: Take, views: number) => {
      const s = await score(t, methods, views, opts.maxSubsets);
      rows.push({ table, take: bt.file, label, frames, views, cameras: n, ...s });
    };
    if (table === 'rigs') {
      for (const k of opts.rigViews) if (k >= 2 && k <= n) await add('all', take, k);
    } else if (table === 'dropview') {
      await add('all', take, n);
      await add('view dropped', withFrames(take, (f) => f.views.some((v) => v === null)), n);
      await add('all views', withFrames(take, (f) => f.views.every((v) => v !== null)), n);
    } else {
      await add('all', take, n);
    }
    progress?.(`${bt.file}: ${table} ${label}, ${n} cameras, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const order: TableId[] = ['rigs', 'dropview', 'conditions'];
  // Stable sort: the dropped-view take's three rows keep their order.
  return rows.sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table) || (a.table === 'rigs' ? a.cameras - b.cameras : 0) || a.label.localeCompare(b.label) || a.views - b.views);
}

/** Issue 5's targets: lifter ≤ 0.6 × robust at 2 views, ≤ 0.85 × at 3–4, never worse (≤ 1) otherwise. */
export function issue5Target(views: number): number {
  return views <= 2 ? 0.6 : views <= 4 ? 0.85 : 1;
}

export type Verdict = 'wins' | 'within 5%' | 'loses';

/** Issue 8: wins below 1×, within 5% up to 1.05×, else loses; the target is a win at 2 views, ≤ 1.05× elsewhere. */
export function issue8Verdict(ratio: number): Verdict {
  return ratio < 1 ? 'wins' : ratio <= 1.05 ? 'within 5%' : 'loses';
}

export function issue8Met(views: number, ratio: number): boolean {
  return views <= 2 ? ratio < 1 : ratio <= 1.05;
}

export interface FormatOptions {
  /** The method the targets are about (default "lifter") and the one it is compared with (default "robust"). */
  lifter: string;
  baseline: string;
  methods: readonly string[];
}

const mm = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1));

function ratioOf(r: TableRow, o: FormatOptions): number | undefined {
  const a = r.byMethod[o.lifter]?.meanMm, b = r.byMethod[o.baseline]?.meanMm;
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : undefined;
}

function sameRatioOf(r: TableRow, o: FormatOptions): string {
  const a = r.byMethod[sameJointsId(o.lifter, o.baseline)]?.meanMm, b = r.byMethod[o.baseline]?.meanMm;
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '—';
}

/** Footnotes for frame sets a method gave no pose for (those frames are not in its MPJPE). */
function notes(rows: readonly TableRow[], o: FormatOptions): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const m of o.methods) {
      const e = r.byMethod[m];
      if (e && e.noPose > 0) out.push(`${r.label} ${r.views} views${r.frames === 'all' ? '' : ` (${r.frames})`}, ${m}: no pose for ${e.noPose} of ${e.frames} frame sets`);
    }
  }
  return out;
}

/** Percent of ground-truth joints each method estimated (MPJPE is over those only), in method order. */
function coverage(r: TableRow, o: FormatOptions): string {
  return o.methods.map((m) => (r.byMethod[m] ? (100 * r.byMethod[m].jointCoverage).toFixed(0) : '—')).join(' / ');
}

function table(head: string[], body: string[][], align: ('l' | 'r')[]): string {
  return [`| ${head.join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
}

/** The markdown of all three tables (sections only for the tables that have rows). */
export function formatMarkdown(rows: readonly TableRow[], o: FormatOptions): string {
  const out: string[] = [];
  const hasLifter = rows.some((r) => r.byMethod[o.lifter]);
  const ratioHead = `${o.lifter} / ${o.baseline}`;
  const jointsHead = `joints % (${o.methods.join(' / ')})`;
  const sameHead = `same joints: ${o.lifter} / ${o.baseline}`;
  const cell = (r: TableRow, m: string) => {
    const e = r.byMethod[m];
    return e ? `${mm(e.meanMm)} / ${mm(e.medianMm)} / ${mm(e.p90Mm)}` : '—';
  };
  const withNotes = (rs: readonly TableRow[]) => {
    const n = notes(rs, o);
    return n.length ? `\n\n${n.map((s) => `- ${s}`).join('\n')}` : '';
  };
  const rigRows = rows.filter((r) => r.table === 'rigs');
  if (rigRows.length) {
    out.push('### MPJPE by rig and number of views (mm: mean / median / p90)');
    const body = rigRows.map((r) => {
      const ratio = ratioOf(r, o);
      const target = issue5Target(r.views);
      return [r.label, String(r.views), String(r.subsets), ...o.methods.map((m) => cell(r, m)), ratio === undefined ? '—' : ratio.toFixed(2), `≤ ${target}`, ratio === undefined ? '—' : ratio <= target ? 'yes' : '**no**', sameRatioOf(r, o), coverage(r, o)];
    });
    out.push(table(['rig', 'views', 'subsets', ...o.methods, ratioHead, 'target', 'met', sameHead, jointsHead], body, ['l', 'r', 'r', ...o.methods.map(() => 'r' as const), 'r', 'r', 'l', 'r', 'r']) + withNotes(rigRows));
  }
  const dropRows = rows.filter((r) => r.table === 'dropview');
  if (dropRows.length) {
    out.push("### One view's detections removed mid-sequence (mm: mean / median / p90)");
    const body = dropRows.map((r) => {
      const ratio = ratioOf(r, o);
      return [r.label, r.frames, String(r.views), String(r.byMethod[o.methods[0]]?.frames ?? 0), ...o.methods.map((m) => cell(r, m)), ratio === undefined ? '—' : ratio.toFixed(2), sameRatioOf(r, o), coverage(r, o)];
    });
    out.push(table(['rig', 'frames', 'cameras', 'frame sets', ...o.methods, ratioHead, sameHead, jointsHead], body, ['l', 'l', 'r', 'r', ...o.methods.map(() => 'r' as const), 'r', 'r', 'r']) + withNotes(dropRows));
  }
  const condRows = rows.filter((r) => r.table === 'conditions');
  if (condRows.length) {
    out.push('### Conditions (mean MPJPE, mm)');
    const body = condRows.map((r) => {
      const ratio = ratioOf(r, o);
      return [
        r.label,
        String(r.views),
        ...o.methods.map((m) => mm(r.byMethod[m]?.meanMm)),
        ratio === undefined ? '—' : ratio.toFixed(2),
        ratio === undefined ? '—' : issue8Verdict(ratio),
        ratio === undefined ? '—' : issue8Met(r.views, ratio) ? 'yes' : '**no**',
        sameRatioOf(r, o),
        coverage(r, o),
      ];
    });
    out.push(table(['condition', 'views', ...o.methods, ratioHead, `${o.lifter} vs ${o.baseline}`, 'target met', sameHead, jointsHead], body, ['l', 'r', ...o.methods.map(() => 'r' as const), 'r', 'l', 'l', 'r', 'r']) + withNotes(condRows));
  }
  if (!hasLifter) out.push(`(no "${o.lifter}" results: its ratio, verdict and target columns are empty)`);
  return out.join('\n\n') + '\n';
}
