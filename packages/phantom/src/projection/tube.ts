/**
 * The femoral shaft as a bowed tube (cortex around a medullary canal) projected along the beam: at a
 * distance d from the centreline the ray crosses cortex over [−a, −b] ∪ [b, a] and canal over [−b, b],
 * a = √(R² − d²), b = √(r² − d²). The lateral cortex may carry the beak (a focal periosteal and
 * endosteal thickening). A fracture cut, an including wedge (a comminution piece) and excluded wedges
 * restrict which bone a fragment owns. @internal
 */
import { affine, type Affine, type Point } from '@affnet/core';
import { MU } from '../anatomy/materials.js';
import { bow, cortexThickness, outerRadius, SHAFT_TOP, shaftBottom, type FemurAnatomy } from '../anatomy/femur.js';
import { clipDepth, type CutEvaluator, KEEP_ALL, KEEP_NONE } from './cut.js';
import { overlap, scanConvex, type Plane, type RowSpans } from './raster.js';
import { insideTriangle, type Triangle } from './triangle.js';

/** LUT step along s, mm. */
const STEP = 0.25;
/** Length of the pieces the strip is scanned in, mm. */
const CHUNK = 30;

export interface TubeProfile {
  s0: number;
  n: number;
  /** Centreline offset in the view plane (h) and along the beam (w). */
  ch: Float32Array;
  cw: Float32Array;
  outer: Float32Array;
  inner: Float32Array;
  /** Periosteal and endosteal beak thickening on the lateral side (h > 0), mm. */
  beakOut: Float32Array;
  beakIn: Float32Array;
}

export interface BeakSpec {
  /** s of the beak's peak (where the fracture line meets the lateral cortex). */
  centre: number;
  height: number;
  halfLength: number;
}

/** Samples the shaft for a view angle psi (radians): 0 = AP (h = lateral), π/2 = lateral view (h = anterior). */
export function tubeProfile(a: FemurAnatomy, psi: number, beak: BeakSpec | null): TubeProfile {
  const s0 = SHAFT_TOP;
  const n = Math.ceil((shaftBottom(a) - s0) / STEP) + 1;
  const c = Math.cos(psi);
  const sn = Math.sin(psi);
  const p: TubeProfile = {
    s0,
    n,
    ch: new Float32Array(n),
    cw: new Float32Array(n),
    outer: new Float32Array(n),
    inner: new Float32Array(n),
    beakOut: new Float32Array(n),
    beakIn: new Float32Array(n),
  };
  // The beak is a lateral feature: seen in profile on AP views, en face (invisible) on lateral views.
  const beakScale = Math.max(0, c);
  for (let i = 0; i < n; i++) {
    const s = s0 + i * STEP;
    const [lat, ant] = bow(a, s);
    p.ch[i] = lat * c + ant * sn;
    p.cw[i] = -lat * sn + ant * c;
    const R = outerRadius(a, s);
    p.outer[i] = R;
    p.inner[i] = Math.max(0.2 * R, R - cortexThickness(a, s));
    if (beak && beak.height > 0) {
      const t = 1 - Math.abs(s - beak.centre) / beak.halfLength;
      if (t > 0) {
        // Triangular, slightly concave flanks: the pointed "beak" of the ASBMR description.
        const h = beak.height * beakScale * t ** 1.4;
        p.beakOut[i] = h;
        p.beakIn[i] = 0.6 * h;
      }
    }
  }
  return p;
}

/** The profile's sample index for s (nearest), or −1 outside. */
export const profileIndex = (p: TubeProfile, s: number): number => {
  const i = Math.round((s - p.s0) / STEP);
  return i >= 0 && i < p.n ? i : -1;
};

export interface TubeRegion {
  /** Restrict to s in [sLo, sHi] (local coordinates), e.g. one side of the fracture band. */
  sLo: number;
  sHi: number;
  cut: CutEvaluator | null;
  /** Only bone inside this wedge (a comminution piece). */
  include: Triangle | null;
  /** Bone inside these wedges belongs to pieces. */
  exclude: readonly Triangle[];
}

const depth = new Float64Array(2);

/**
 * Rasterises the tube as seen through `toImage` (local view plane (h, s) mm → image px), writing the
 * maximum of the existing value and the tube's line integral (excess attenuation × mm) into `plane`.
 */
export function rasterTube(plane: Plane, spans: RowSpans, toImage: Affine, p: TubeProfile, region: TubeRegion): void {
  const sLo = Math.max(region.sLo, p.s0);
  const sHi = Math.min(region.sHi, p.s0 + (p.n - 1) * STEP);
  if (sHi <= sLo) return;
  const inv = affine.invert(toImage);
  const [i0, i1, i2, i3, i4, i5] = inv;
  const { ch, cw, outer, inner, beakOut, beakIn, n, s0 } = p;
  const invStep = 1 / STEP;
  const muC = MU.cortexExcess;
  const muM = MU.marrowExcess;
  const cut = region.cut;
  const include = region.include;
  const exclude = region.exclude;
  const data = plane.data;
  const width = plane.width;
  // The strip is scanned in pieces of CHUNK mm, each only as wide as the tube is there.
  for (let c0 = sLo; c0 < sHi; c0 += CHUNK) {
    const c1 = Math.min(sHi, c0 + CHUNK);
    let e = 0;
    for (let i = Math.max(0, Math.floor((c0 - s0) * invStep)); i <= Math.min(n - 1, Math.ceil((c1 - s0) * invStep)); i++) {
      e = Math.max(e, Math.abs(ch[i]!) + outer[i]! + beakOut[i]!);
    }
    e += 1;
    const corners: Point[] = [
      { x: -e, y: c0 },
      { x: e, y: c0 },
      { x: e, y: c1 },
      { x: -e, y: c1 },
    ].map((q) => affine.apply(toImage, q));
    scanConvex(corners, plane.width, plane.height, (y, x0, x1) => {
      spans.grow(y, x0, x1);
      let h = i0 * x0 + i1 * y + i2;
      let s = i3 * x0 + i4 * y + i5;
      const row = y * width;
      for (let x = x0; x <= x1; x++, h += i0, s += i3) {
        if (s < c0 || s > c1) continue;
        const i = Math.round((s - s0) * invStep);
        if (i < 0 || i >= n) continue;
        const d = h - ch[i]!;
        let R = outer[i]!;
        let r = inner[i]!;
        const bo = beakOut[i]!;
        if (bo > 0 && d > 0) {
          const t = d >= R ? 1 : (d / R) * (d / R);
          R += bo * t;
          r -= beakIn[i]! * t;
        }
        const ad = d < 0 ? -d : d;
        if (ad >= R) continue;
        if (include !== null && !insideTriangle(include, h, s)) continue;
        let excluded = false;
        for (let k = 0; k < exclude.length; k++) {
          if (insideTriangle(exclude[k]!, h, s)) {
            excluded = true;
            break;
          }
        }
        if (excluded) continue;
        const a = Math.sqrt(R * R - d * d);
        const b = ad < r ? Math.sqrt(r * r - d * d) : 0;
        const w0 = cw[i]!;
        let value: number;
        const code = cut === null ? KEEP_ALL : cut.evaluate(s, h);
        if (code === KEEP_NONE) continue;
        if (code === KEEP_ALL) {
          value = muC * 2 * (a - b) + muM * 2 * b;
        } else {
          if (!clipDepth(code, cut!.limit, w0 - a, w0 + a, depth)) continue;
          const marrow = overlap(depth[0]!, depth[1]!, w0 - b, w0 + b);
          value = muC * (depth[1]! - depth[0]! - marrow) + muM * marrow;
        }
        const o = row + x;
        if (value > data[o]!) data[o] = value;
      }
    });
  }
}
