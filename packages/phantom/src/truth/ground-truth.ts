/**
 * Per-image ground truth, in pixel coordinates of the stored image (centre of the top-left pixel at
 * (0, 0)): the fracture line on each fragment, the fracture region (polygon and box: both fragments'
 * ends across the whole depth, the comminution pieces and the beak), the shaft axes, the simulated
 * user's clicks, and the parameters the image was drawn from.
 */
import { affine, type Point } from '@affnet/core';
import { bow, type FemurAnatomy } from '../anatomy/femur.js';
import type { FragmentSetup } from '../projection/fragments.js';
import type { PhantomPatient, ViewSpec } from '../radiograph/types.js';
import { convexHull } from './hull.js';

export const TRUTH_FORMAT = 'affnet-phantom-truth';
export const TRUTH_VERSION = 1;

export interface Box2 {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GroundTruth {
  format: typeof TRUTH_FORMAT;
  version: typeof TRUTH_VERSION;
  patientId: string;
  label: 'AFF' | 'NFF';
  view: 'AP' | 'LAT';
  side: 'L' | 'R';
  image: {
    width: number;
    height: number;
    /** mm per pixel [row, column] in the plane of the femur (detector spacing / magnification), as DICOM PixelSpacing. */
    pixelSpacing: [number, number];
    /** mm per pixel at the detector, as DICOM ImagerPixelSpacing. */
    imagerPixelSpacing: [number, number];
    bitsStored: number;
    photometric: string;
  };
  fracture: {
    /** The fracture centre on the proximal fragment's shaft axis. */
    centre: Point;
    /** The line across the shaft at mid-depth, lateral end last, on each fragment. */
    line: { proximal: Point[]; distal: Point[] };
    /** Apparent obliquity of the line in this view, degrees from the perpendicular to the shaft (0–90). */
    angle: number;
    region: { polygon: Point[]; box: Box2 };
    /** Beak height as it projects in this view (mm; 0 = none, or seen en face). */
    beak: number;
    pieces: number;
  };
  /** Two points on each fragment's shaft axis: at the fracture and 80 mm away from it. */
  shaftAxis: { proximal: [Point, Point]; distal: [Point, Point] };
  /**
   * The proximal fragment's frame in the image: unit vectors along the shaft (pointing distally) and
   * across it towards the lateral side (anterior on lateral views), and pixels per millimetre of femur.
   */
  frame: { along: Point; across: Point; pxPerMm: number };
  /** What a user would click for the intervention pathway: the fracture and a point on the shaft axis. */
  clicks: { fracture: Point; axis: Point };
  /** Everything the image was drawn from (units: mm and degrees). */
  parameters: { difficulty: number; femur: FemurAnatomy; fracture: PhantomPatient['fracture']; view: Omit<ViewSpec, 'acquisition'> & { acquisition: Record<string, unknown> } };
}

const round = (p: Point): Point => ({ x: Math.round(p.x * 100) / 100, y: Math.round(p.y * 100) / 100 });
/** Ten significant digits: fits DICOM's 16-character decimal strings (PS3.5 6.2, DS). */
const ds = (v: number): number => Number(v.toPrecision(10));

/** Points along the fracture line of a fragment at mid-depth, medial (h < 0) to lateral, local coords. */
function linePoints(fr: FragmentSetup, count = 13): Point[] {
  const { centre: c, radius: R } = fr;
  const out: Point[] = [];
  for (let i = 0; i < count; i++) {
    const hp = -R + (2 * R * i) / (count - 1);
    out.push({ x: c.h + hp, y: fr.cut.surfaceS(c.h + hp, c.w) });
  }
  return out;
}

function regionPoints(_a: FemurAnatomy, fr: FragmentSetup, beak: number, beakHalf: number): Point[] {
  const { centre: c, radius: R, cut } = fr;
  const pts: Point[] = [];
  for (let i = 0; i <= 8; i++) {
    const hp = -R - 1 + ((2 * R + 2 + beak) * i) / 8;
    for (const dw of [-R, R]) {
      const s = cut.surfaceS(c.h + hp, c.w + dw);
      pts.push({ x: c.h + hp, y: s - cut.spec.gap }, { x: c.h + hp, y: s + cut.spec.gap });
    }
  }
  if (beak > 0) {
    const sb = cut.surfaceS(c.h + R, c.w);
    pts.push({ x: c.h + R + beak + 1, y: sb - beakHalf }, { x: c.h + R + beak + 1, y: sb + beakHalf });
  }
  return pts.map((p) => affine.apply(fr.toImage, p));
}

/** A point on a fragment's axis `distance` mm from the fracture (negative = proximal), local → image. */
function axisPoint(a: FemurAnatomy, fr: FragmentSetup, distance: number, offset = 0): Point {
  const s = fr.centre.s + distance;
  const [lat, ant] = bow(a, s);
  const h = lat * Math.cos(fr.psi) + ant * Math.sin(fr.psi);
  return affine.apply(fr.toImage, { x: h + offset, y: s });
}

function frameOf(fr: FragmentSetup, pxPerMm: number): GroundTruth['frame'] {
  const o = affine.apply(fr.toImage, { x: 0, y: 0 });
  const unit = (q: Point): Point => {
    const dx = q.x - o.x;
    const dy = q.y - o.y;
    const n = Math.hypot(dx, dy);
    return { x: Math.round((dx / n) * 1e6) / 1e6, y: Math.round((dy / n) * 1e6) / 1e6 };
  };
  return { along: unit(affine.apply(fr.toImage, { x: 0, y: 1 })), across: unit(affine.apply(fr.toImage, { x: 1, y: 0 })), pxPerMm: ds(pxPerMm) };
}

export function groundTruth(p: PhantomPatient, v: ViewSpec, fragments: readonly [FragmentSetup, FragmentSetup]): GroundTruth {
  const [prox, dist] = fragments;
  const f = p.fracture;
  const beakSeen = f.beak.height * Math.max(0, Math.cos(prox.psi));
  const region = [
    ...regionPoints(p.femur, prox, beakSeen, f.beak.halfLength),
    ...regionPoints(p.femur, dist, f.beak.height * Math.max(0, Math.cos(dist.psi)), f.beak.halfLength),
    ...[prox, dist].flatMap((fr) => fr.pieces.flatMap((pc) => pc.wedge.vertices.map((q) => affine.apply(pc.toImage, q)))),
  ];
  const polygon = convexHull(region).map(round);
  const xs = polygon.map((q) => q.x);
  const ys = polygon.map((q) => q.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const x1 = Math.min(v.width - 1, Math.ceil(Math.max(...xs)));
  const y1 = Math.min(v.height - 1, Math.ceil(Math.max(...ys)));
  const centre = affine.apply(prox.toImage, { x: prox.centre.h, y: prox.centre.s });
  const k = v.magnification / v.pixelSpacing;
  const cn = v.clickNoise;
  const fractureClick = { x: centre.x + cn.fracture[0] * k, y: centre.y + cn.fracture[1] * k };
  const inImage = (q: Point) => q.x >= 0 && q.y >= 0 && q.x <= v.width - 1 && q.y <= v.height - 1;
  let axisClick = axisPoint(p.femur, prox, -cn.axisDistance, cn.axisOffset);
  for (let dd = cn.axisDistance; !inImage(axisClick) && dd > 15; dd *= 0.8) {
    const up = axisPoint(p.femur, prox, -dd, cn.axisOffset);
    const down = axisPoint(p.femur, dist, dd, cn.axisOffset);
    axisClick = inImage(up) ? up : down;
  }
  const clamp = (q: Point): Point => ({ x: Math.min(v.width - 1, Math.max(0, q.x)), y: Math.min(v.height - 1, Math.max(0, q.y)) });
  const { acquisition, ...viewRest } = v;
  const { field, marker, ...acqRest } = acquisition;
  return {
    format: TRUTH_FORMAT,
    version: TRUTH_VERSION,
    patientId: p.patientId,
    label: p.label,
    view: v.view,
    side: p.side,
    image: {
      width: v.width,
      height: v.height,
      pixelSpacing: [ds(v.pixelSpacing / v.magnification), ds(v.pixelSpacing / v.magnification)],
      imagerPixelSpacing: [ds(v.pixelSpacing), ds(v.pixelSpacing)],
      bitsStored: acquisition.bits,
      photometric: v.photometric,
    },
    fracture: {
      centre: round(centre),
      line: { proximal: linePoints(prox).map((q) => round(affine.apply(prox.toImage, q))), distal: linePoints(dist).map((q) => round(affine.apply(dist.toImage, q))) },
      angle: (Math.atan(Math.abs(prox.cut.spec.kh)) * 180) / Math.PI,
      region: { polygon, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } },
      beak: beakSeen,
      pieces: f.pieces.length,
    },
    shaftAxis: {
      proximal: [round(centre), round(axisPoint(p.femur, prox, -80))],
      distal: [round(axisPoint(p.femur, dist, 0)), round(axisPoint(p.femur, dist, 80))],
    },
    clicks: { fracture: round(clamp(fractureClick)), axis: round(clamp(axisClick)) },
    frame: frameOf(prox, k),
    parameters: { difficulty: p.difficulty, femur: p.femur, fracture: f, view: { ...viewRest, acquisition: { ...acqRest, marker } } },
  };
}
