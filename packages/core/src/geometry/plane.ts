/**
 * A single-channel Float32 image, row-major. A {@link Radiograph} is one; so is a heatmap or a
 * resampled network input plane.
 */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}
