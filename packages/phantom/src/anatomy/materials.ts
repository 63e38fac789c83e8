/**
 * Linear attenuation coefficients (per mm) at an effective energy of about 60 keV, from the NIST
 * X-ray mass attenuation tables (Hubbell & Seltzer, NISTIR 5632; ICRU-44 tissue compositions):
 * muscle 0.2048 cm²/g × 1.05 g/cm³, adipose 0.1953 × 0.95, cortical bone 0.3148 × 1.92.
 * Bone is drawn inside the thigh's soft tissue, so bone values are the excess over muscle.
 */
export const MU = {
  muscle: 0.0215,
  fat: 0.0186,
  /** Cortical bone minus muscle. */
  cortexExcess: 0.0604 - 0.0215,
  /** Cancellous bone of the metaphyses and epiphyses (about 1.2 g/cm³) minus muscle. */
  cancellousExcess: 0.0275 - 0.0215,
  /** Fatty (yellow) marrow of the medullary canal minus muscle. */
  marrowExcess: 0.019 - 0.0215,
} as const;
