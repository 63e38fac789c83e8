/**
 * Downloading a weights file: resumable (HTTP Range on the `.part` file an interrupted download
 * left), verified (MD5, the checksum Keras pins; a mismatch deletes the file and fails), placed
 * atomically (rename of the verified `.part`), through the proxy the environment names
 * (`HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, undici's EnvHttpProxyAgent), with an inactivity
 * timeout. Offline, the error says which file to copy where.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, openSync, closeSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EnvHttpProxyAgent, interceptors, request, type Dispatcher } from 'undici';
import { AffnetError } from '@affnet/core';

export interface DownloadOptions {
  url: string;
  /** Final path; the download goes to `${dest}.part` until verified. */
  dest: string;
  md5: string;
  /** Seconds without any data before giving up (the partial file is kept for a resume). @defaultValue 60 */
  timeoutSeconds?: number;
  onProgress?(done: number, total: number | undefined): void;
  dispatcher?: Dispatcher;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Bytes that were already there from an interrupted download. */
  resumedFrom: number;
}

const OFFLINE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function md5Of(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const h = createHash('md5');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolveHash(h.digest('hex')));
  });
}

function causeCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.cause?.code ?? err?.code;
}

export async function downloadFile(o: DownloadOptions): Promise<DownloadResult> {
  const part = `${o.dest}.part`;
  mkdirSync(join(o.dest, '..'), { recursive: true });
  const have = existsSync(part) ? statSync(part).size : 0;
  const timeoutMs = (o.timeoutSeconds ?? 60) * 1000;
  // Proxies from the environment; redirects followed (storage hosts may move files).
  const dispatcher = (o.dispatcher ?? new EnvHttpProxyAgent()).compose(interceptors.redirect({ maxRedirections: 5 }));
  const name = o.dest.split('/').pop()!;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(o.url, {
      dispatcher,
      headers: have > 0 ? { range: `bytes=${have}-` } : {},
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (e) {
    const code = causeCode(e);
    if (code && OFFLINE.has(code)) {
      throw new AffnetError('E_DOWNLOAD', `no network (${code} for ${o.url}): copy ${name} into ${join(o.dest, '..')} by hand, or give affnet weights import FILE`, { file: o.dest, cause: e });
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT') throw new AffnetError('E_DOWNLOAD', `no answer from ${o.url} within ${timeoutMs / 1000} s (--timeout)`, { file: o.dest, cause: e });
    throw new AffnetError('E_DOWNLOAD', `cannot download ${o.url}: ${(e as Error).message}`, { file: o.dest, cause: e });
  }
  if (res.statusCode !== 200 && res.statusCode !== 206) {
    await res.body.dump();
    if (res.statusCode === 416 && have > 0) {
      // The part file is already complete (or longer than the file): verify it as it is.
    } else {
      throw new AffnetError(
        'E_DOWNLOAD',
        `${o.url} answered HTTP ${res.statusCode}${res.statusCode === 404 ? ' (not found: the file may have moved; copy it by hand and give affnet weights import FILE)' : ''}`,
        {
          file: o.dest,
        },
      );
    }
  }
  // 206: the server continues where the part file ends; 200: it sends the whole file, start over.
  const resumedFrom = res.statusCode === 206 ? have : res.statusCode === 416 ? have : 0;
  if (res.statusCode === 200 && have > 0) rmSync(part);
  const length = Number(res.headers['content-length']);
  const total = res.statusCode === 416 ? have : Number.isFinite(length) ? resumedFrom + length : undefined;
  let done = resumedFrom;
  if (res.statusCode !== 416) {
    const fd = openSync(part, 'a');
    try {
      for await (const chunk of res.body) {
        writeSync(fd, chunk as Buffer);
        done += (chunk as Buffer).length;
        o.onProgress?.(done, total);
      }
    } catch (e) {
      const code = causeCode(e);
      const why = code === 'UND_ERR_BODY_TIMEOUT' ? `no data for ${timeoutMs / 1000} s (--timeout)` : `the connection broke (${(e as Error).message})`;
      throw new AffnetError('E_DOWNLOAD', `${why} after ${done} bytes of ${o.url}; run the same command again to resume`, { file: part, cause: e });
    } finally {
      closeSync(fd);
    }
    if (total !== undefined && done < total) {
      throw new AffnetError('E_DOWNLOAD', `the download ended after ${done} of ${total} bytes of ${o.url}; run the same command again to resume`, { file: part });
    }
  }
  const md5 = await md5Of(part);
  if (md5 !== o.md5) {
    rmSync(part, { force: true });
    throw new AffnetError('E_CHECKSUM_MISMATCH', `${o.url}: MD5 ${md5} is not the pinned ${o.md5}; the file was deleted (a changed or corrupted download)`, { file: o.dest });
  }
  renameSync(part, o.dest);
  return { path: o.dest, bytes: done, resumedFrom };
}
