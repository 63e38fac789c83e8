/**
 * Items grouped by patient: the unit of splitting (no patient in two folds) and of patient-level
 * metrics.
 *
 * A patient's class is positive when any of their images is positive. Why: a patient with an
 * atypical fracture on one side and a normal one on the other belongs to the rare group, and
 * stratifying folds on that keeps the rare group balanced. Such patients are counted as `mixed`.
 * The same rule gives a patient's target in `aggregateByPatient` (metrics).
 */
export interface SplitSource {
  items: readonly { label: string; patientId: string }[];
  /** The positive class name. */
  positive: string;
  /** False when patient ids are unknown and each image is its own patient. @defaultValue true */
  patientIdsKnown?: boolean;
}

export interface PatientGroup {
  /** Patient id (never log it). */
  id: string;
  /** Indices of the patient's items in the manifest, ascending. */
  items: number[];
  /** True when any of the patient's images is positive. */
  positive: boolean;
  /** True when the patient has images of both classes. */
  mixed: boolean;
}

/** Patients in order of first appearance. */
export function groupByPatient(source: SplitSource): PatientGroup[] {
  const byId = new Map<string, PatientGroup & { negatives: number }>();
  source.items.forEach((item, i) => {
    let g = byId.get(item.patientId);
    if (!g) {
      g = { id: item.patientId, items: [], positive: false, mixed: false, negatives: 0 };
      byId.set(item.patientId, g);
    }
    g.items.push(i);
    if (item.label === source.positive) g.positive = true;
    else g.negatives++;
  });
  return [...byId.values()].map(({ negatives, ...g }) => ({ ...g, mixed: g.positive && negatives > 0 }));
}

/** Per item: 1 for the positive class, 0 otherwise (the `targets` the metrics take). */
export function manifestTargets(source: Pick<SplitSource, 'items' | 'positive'>): Uint8Array {
  return Uint8Array.from(source.items, (item) => (item.label === source.positive ? 1 : 0));
}
