/**
 * A minimal baseline TIFF writer for tests (TIFF 6.0 §2–§8): one uncompressed strip, one sample per
 * pixel, 8 or 16 bits unsigned or 32-bit float. Written independently of the decoder under test, so a decode bug cannot hide
 * behind a matching encoder bug.
 */
export function writeGreyTiff(width: number, height: number, samples: Uint8Array | Uint16Array | Float32Array, options: { bigEndian?: boolean; photometric?: 0 | 1 } = {}): Buffer {
  const le = !options.bigEndian;
  const bits = samples instanceof Float32Array ? 32 : samples instanceof Uint16Array ? 16 : 8;
  const dataBytes = width * height * (bits / 8);
  const entries: [tag: number, type: 3 | 4, value: number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, bits],
    [259, 3, 1], // no compression
    [262, 3, options.photometric ?? 1], // 1 = BlackIsZero, 0 = WhiteIsZero
    [273, 4, 8], // strip offset: right after the header
    [277, 3, 1],
    [278, 4, height],
    [279, 4, dataBytes],
  ];
  if (bits === 32) entries.push([339, 3, 3]); // SampleFormat: IEEE floating point
  const ifdOffset = 8 + dataBytes + (dataBytes % 2); // word aligned
  const buf = Buffer.alloc(ifdOffset + 2 + entries.length * 12 + 4);
  buf.write(le ? 'II' : 'MM', 0, 'latin1');
  const u16 = (v: number, at: number) => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at));
  u16(42, 2);
  u32(ifdOffset, 4);
  for (let i = 0; i < samples.length; i++) {
    if (bits === 32) le ? buf.writeFloatLE(samples[i]!, 8 + 4 * i) : buf.writeFloatBE(samples[i]!, 8 + 4 * i);
    else if (bits === 16) u16(samples[i]!, 8 + 2 * i);
    else buf[8 + i] = samples[i]!;
  }
  u16(entries.length, ifdOffset);
  entries.forEach(([tag, type, value], i) => {
    const at = ifdOffset + 2 + 12 * i;
    u16(tag, at);
    u16(type, at + 2);
    u32(1, at + 4);
    if (type === 3)
      u16(value, at + 8); // a SHORT sits in the first two bytes of the value field
    else u32(value, at + 8);
  });
  u32(0, ifdOffset + 2 + entries.length * 12);
  return buf;
}
