/** What every pixel codec returns: samples as the codec produced them, interleaved by pixel. */
export interface DecodedFrame {
  width: number;
  height: number;
  /** Samples per pixel in `samples` (1 or 3). */
  components: number;
  /** Precision of the codestream (bits per sample), as the codec reports it. */
  bitsPerSample: number;
  /** Colour samples already converted from YCbCr to RGB by the codec. */
  colourTransformed?: boolean;
  samples: Uint8Array | Uint16Array | Int16Array | Int32Array | Uint32Array;
}
