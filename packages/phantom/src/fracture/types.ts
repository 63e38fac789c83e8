/** A femoral shaft fracture, described once per patient; every radiograph of the patient shows it. */

export type FractureLabel = 'AFF' | 'NFF';

/**
 * A comminution piece: a wedge of cortex between the main fracture line and a second line. A
 * butterfly fragment is the classic large wedge of a bending fracture; small pieces are chips.
 */
export interface ComminutionPiece {
  kind: 'butterfly' | 'chip';
  /** Direction around the shaft the wedge's base faces, degrees (0 lateral, 90 anterior). */
  azimuth: number;
  /** Length of the wedge's base along the shaft, mm. */
  length: number;
  /** How far across the shaft the wedge reaches, as a fraction of the diameter. */
  depth: number;
  /** True when the wedge lies distal to the main line (it is cut out of the distal fragment). */
  onDistal: boolean;
  /** Outward displacement (mm) and rotation (degrees) of the piece. */
  shift: number;
  turn: number;
}

/** Position of the distal fragment relative to the proximal one. */
export interface Displacement {
  /** Along the shaft, mm; negative = the fragments override (shortening). */
  along: number;
  /** Sideways, mm, in the lateral and anterior directions. */
  lateral: number;
  anterior: number;
  /** Angulation in the coronal (varus +) and sagittal (flexion +) planes, degrees. */
  varus: number;
  flexion: number;
  /** Rotation of the distal fragment about the shaft, degrees. */
  torsion: number;
}

export interface FracturePattern {
  label: FractureLabel;
  /** ASBMR task force: AFF lie between the lesser trochanter and the supracondylar flare. */
  region: 'subtrochanteric' | 'diaphysis';
  /** s of the fracture centre on the shaft axis, mm from the head-centre level. */
  site: number;
  /**
   * Apparent obliquity of the line, degrees from the perpendicular to the shaft, on a true AP view and
   * on a true lateral view (signed: the direction of the tilt). The plane through the shaft with these
   * two projections is the fracture surface. ASBMR: AFF ≤ 30°, "transverse or short oblique".
   */
  obliquityAP: number;
  obliquityLateral: number;
  /** Width of the fracture gap between the surfaces, mm. */
  gap: number;
  /**
   * Focal lateral cortical thickening at the site ("beaking", ASBMR major feature): height of the
   * periosteal bump (mm) and its half-length along the shaft (mm); height 0 = none.
   */
  beak: { height: number; halfLength: number };
  /** Medial spike: the medial part of the line turns oblique (degrees from perpendicular); 0 = none. */
  medialSpike: { angle: number; towardsProximal: boolean };
  pieces: ComminutionPiece[];
  displacement: Displacement;
}
