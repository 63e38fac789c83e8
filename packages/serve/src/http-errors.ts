/**
 * Errors on the wire: every failure is `{ error: CODE, message }` with a status that says whose fault
 * it is. Typed core errors keep their code (`E_IMAGE_DECODE`, `E_DICOM_PARSE` …); the service adds
 * its own for HTTP-level refusals. Never a stack trace; unexpected errors are `E_INTERNAL` with a
 * fixed message.
 */
import { isAffnetError } from '@affnet/core';
import { TaskError } from './prepare-pool.js';

/** Codes the service adds to core's. */
export type ServeErrorCode = 'E_BAD_REQUEST' | 'E_UNAUTHORIZED' | 'E_NOT_FOUND' | 'E_BODY_TOO_LARGE' | 'E_UNSUPPORTED_MEDIA' | 'E_BUSY' | 'E_DRAINING' | 'E_TIMEOUT' | 'E_DICOMWEB' | 'E_INTERNAL';

export class ServeError extends Error {
  constructor(
    readonly code: ServeErrorCode,
    message: string,
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ServeError';
  }
}

/** HTTP status of an error code. */
export function statusOf(code: string): number {
  if (code.startsWith('E_IMAGE_') || code.startsWith('E_DICOM_')) return code === 'E_IMAGE_TOO_LARGE' ? 413 : 422;
  switch (code) {
    case 'E_OPTION_INVALID':
    case 'E_BAD_REQUEST':
    case 'E_MANIFEST_INVALID':
      return 400;
    case 'E_UNAUTHORIZED':
      return 401;
    case 'E_NOT_FOUND':
    case 'E_FILE_NOT_FOUND':
      return 404;
    case 'E_BODY_TOO_LARGE':
      return 413;
    case 'E_UNSUPPORTED_MEDIA':
      return 415;
    case 'E_INPUT_NOT_FINITE':
      return 422;
    case 'E_DICOMWEB':
    case 'E_DOWNLOAD':
      return 502;
    case 'E_BUSY':
    case 'E_DRAINING':
    case 'E_BACKEND_UNAVAILABLE':
      return 503;
    case 'E_TIMEOUT':
      return 504;
    default:
      return 500;
  }
}

export interface WireError {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

const FASTIFY_CODES: Record<number, ServeErrorCode> = { 400: 'E_BAD_REQUEST', 404: 'E_NOT_FOUND', 413: 'E_BODY_TOO_LARGE', 415: 'E_UNSUPPORTED_MEDIA', 503: 'E_DRAINING' };

/** Any thrown value as what goes on the wire. */
export function toWire(e: unknown): WireError {
  if (e instanceof ServeError) return { status: e.status, code: e.code, message: e.message, headers: e.headers };
  if (isAffnetError(e) || e instanceof TaskError) return { status: statusOf(e.code), code: e.code, message: e.message, headers: {} };
  const status = (e as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's and @fastify/multipart's own refusals (body too large, bad multipart …): their messages name no request content
    return { status, code: FASTIFY_CODES[status] ?? 'E_BAD_REQUEST', message: (e as Error).message, headers: {} };
  }
  return { status: 500, code: 'E_INTERNAL', message: 'internal error (the server log has the error code)', headers: {} };
}
