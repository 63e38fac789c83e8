/**
 * A DICOMweb client on fetch: QIDO-RS searches (PS3.18 §10.6), WADO-RS instance retrieval (§10.4)
 * and STOW-RS stores (§10.5), the three a classifier needs. (dicomweb-client, the usual library,
 * is built on the browser's XMLHttpRequest, which Node lacks.) Every failure is a ServeError
 * `E_DICOMWEB` naming the request and the server's status.
 */
import { ServeError } from '../http-errors.js';
import { boundaryOf, buildMultipart, parseMultipart } from './multipart.js';

/** One data set in the DICOM JSON model (PS3.18 §F.2): tag → { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

/** The first value of `tag` ("0020000D") as a string, if any. */
export function jsonValue(ds: DicomJson, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return v === undefined || v === null ? undefined : String(v);
}

export interface DicomwebClientOptions {
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Per request. @defaultValue 60 000 */
  timeoutMs?: number;
}

export interface StoreOutcome {
  stored: string[];
  failed: { sopInstanceUid: string; reason: string }[];
}

export interface DicomwebClient {
  readonly baseUrl: string;
  /** QIDO-RS study search with query parameters (attribute keyword or tag → value). */
  searchStudies(query?: Record<string, string>): Promise<DicomJson[]>;
  searchSeries(study: string): Promise<DicomJson[]>;
  searchInstances(study: string, series: string): Promise<DicomJson[]>;
  retrieveInstance(study: string, series: string, instance: string): Promise<Uint8Array>;
  store(files: readonly Uint8Array[], study?: string): Promise<StoreOutcome>;
}

const enc = encodeURIComponent;

export function createDicomwebClient(baseUrl: string, options: DicomwebClientOptions = {}): DicomwebClient {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new ServeError('E_BAD_REQUEST', `DICOMweb URL "${baseUrl}" is not a URL (e.g. http://pacs:8042/dicom-web)`, 400);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ServeError('E_BAD_REQUEST', `DICOMweb URL "${baseUrl}": use http or https`, 400);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};

  async function request(path: string, init: RequestInit & { what: string }): Promise<Response> {
    const url = new URL(path, base);
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new ServeError('E_DICOMWEB', `${init.what}: the DICOMweb server at ${base.origin} cannot be reached (${why})`, 502);
    }
    if (!res.ok && res.status !== 202) {
      const text = (await res.text().catch(() => '')).slice(0, 200);
      throw new ServeError('E_DICOMWEB', `${init.what}: the DICOMweb server answered ${res.status} ${res.statusText}${text ? ` (${text.replace(/\s+/g, ' ')})` : ''}`, 502);
    }
    return res;
  }

  async function json(path: string, what: string): Promise<DicomJson[]> {
    const res = await request(path, { method: 'GET', headers: { accept: 'application/dicom+json' }, what });
    if (res.status === 204) return [];
    const body = await res.text();
    if (!body.trim()) return [];
    try {
      return JSON.parse(body) as DicomJson[];
    } catch {
      throw new ServeError('E_DICOMWEB', `${what}: the answer is not DICOM JSON`, 502);
    }
  }

  return {
    baseUrl: base.href,
    searchStudies: (query = {}) => json(`studies${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ''}`, 'QIDO-RS study search'),
    searchSeries: (study) => json(`studies/${enc(study)}/series?includefield=00080060`, 'QIDO-RS series search'),
    searchInstances: (study, series) => json(`studies/${enc(study)}/series/${enc(series)}/instances?includefield=00080016`, 'QIDO-RS instance search'),
    async retrieveInstance(study, series, instance) {
      const what = 'WADO-RS instance retrieval';
      const res = await request(`studies/${enc(study)}/series/${enc(series)}/instances/${enc(instance)}`, {
        method: 'GET',
        headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
        what,
      });
      const type = res.headers.get('content-type') ?? '';
      const body = new Uint8Array(await res.arrayBuffer());
      const boundary = boundaryOf(type);
      if (!boundary) throw new ServeError('E_DICOMWEB', `${what}: expected multipart/related, got "${type}"`, 502);
      const parts = parseMultipart(body, boundary);
      if (parts.length !== 1) throw new ServeError('E_DICOMWEB', `${what}: expected one DICOM part, got ${parts.length}`, 502);
      return parts[0]!.body;
    },
    async store(files, study) {
      const what = 'STOW-RS store';
      const { body, contentType } = buildMultipart(files);
      const res = await request(study ? `studies/${enc(study)}` : 'studies', { method: 'POST', headers: { 'content-type': contentType, accept: 'application/dicom+json' }, body, what });
      const text = await res.text();
      let answer: DicomJson = {};
      try {
        answer = text.trim() ? (JSON.parse(text) as DicomJson) : {};
      } catch {
        throw new ServeError('E_DICOMWEB', `${what}: the answer is not DICOM JSON`, 502);
      }
      const seq = (tag: string) => (answer[tag]?.Value ?? []) as DicomJson[];
      return {
        stored: seq('00081199').map((i) => jsonValue(i, '00081155') ?? ''),
        failed: seq('00081198').map((i) => ({ sopInstanceUid: jsonValue(i, '00081155') ?? '', reason: `failure reason ${jsonValue(i, '00081197') ?? 'unknown'}` })),
      };
    },
  };
}
