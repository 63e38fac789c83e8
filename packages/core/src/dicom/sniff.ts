/**
 * Recognising DICOM bytes without trusting the file name: a Part 10 file (128-byte preamble + "DICM",
 * PS3.10 §7.1), a meta header without the preamble, or an old ACR-NEMA style data set that starts
 * straight with a group-0008 (or 0002) element.
 */

/** How a buffer holds its DICOM data set. */
export type DicomLayout =
  | { kind: 'part10' }
  /** Group-0002 meta header without the 128-byte preamble and "DICM". */
  | { kind: 'meta-no-preamble' }
  /** A bare data set (ACR-NEMA style): encoding guessed from the first element. */
  | { kind: 'raw'; explicitVr: boolean; littleEndian: boolean };

const VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));

function isVr(b: Uint8Array, at: number): boolean {
  return b.length >= at + 2 && VRS.has(String.fromCharCode(b[at]!, b[at + 1]!));
}

/** Returns the layout, or undefined when the bytes are not DICOM. */
export function sniffDicom(bytes: Uint8Array): DicomLayout | undefined {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    return { kind: 'part10' };
  }
  if (bytes.length < 8) return undefined;
  const groupLe = bytes[0]! | (bytes[1]! << 8);
  const groupBe = (bytes[0]! << 8) | bytes[1]!;
  const explicitVr = isVr(bytes, 4);
  if (groupLe === 0x0002 && explicitVr) return { kind: 'meta-no-preamble' };
  if (groupLe === 0x0008) return { kind: 'raw', explicitVr, littleEndian: true };
  // A big-endian ACR-NEMA data set: only explicit VR big endian is a DICOM syntax.
  if (groupBe === 0x0008 && explicitVr) return { kind: 'raw', explicitVr: true, littleEndian: false };
  return undefined;
}

/** True when the bytes look like DICOM (any of the layouts above). */
export function isDicom(bytes: Uint8Array): boolean {
  return sniffDicom(bytes) !== undefined;
}
