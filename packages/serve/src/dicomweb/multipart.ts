/**
 * multipart/related bodies (RFC 2387), as DICOMweb uses them: WADO-RS answers and STOW-RS requests
 * carry DICOM files as parts of type application/dicom (PS3.18 §8.6, §10.5).
 */
import { randomBytes } from 'node:crypto';

/** The boundary parameter of a Content-Type header. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export interface Part {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Split a multipart body into its parts (bodies are views into `body`, not copies). */
export function parseMultipart(body: Uint8Array, boundary: string): Part[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = buf.indexOf(delimiter);
  if (at < 0) return parts;
  for (;;) {
    let start = at + delimiter.length;
    if (buf[start] === 0x2d && buf[start + 1] === 0x2d) break; // closing delimiter "--"
    // the rest of the delimiter line (transport padding, CRLF)
    const eol = buf.indexOf('\r\n', start);
    if (eol < 0) break;
    start = eol + 2;
    const headerEnd = buf.indexOf('\r\n\r\n', start);
    if (headerEnd < 0) break;
    const headers: Record<string, string> = {};
    for (const line of buf.subarray(start, headerEnd).toString('latin1').split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    const next = buf.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) break;
    parts.push({ headers, body: new Uint8Array(buf.buffer, buf.byteOffset + headerEnd + 4, next - (headerEnd + 4)) });
    at = next + 2;
  }
  return parts;
}

/** A multipart/related body of DICOM files, and its Content-Type. */
export function buildMultipart(files: readonly Uint8Array[], type = 'application/dicom'): { body: Buffer; contentType: string } {
  const boundary = `affnet-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`, 'latin1'), Buffer.from(f.buffer, f.byteOffset, f.byteLength), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}
