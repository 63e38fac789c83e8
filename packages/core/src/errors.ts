/**
 * One error family for the whole toolkit. Every failure a user can cause (a bad file, a bad option, a
 * missing runtime) is an {@link AffnetError} with a stable `code`, and its message names the file or
 * option at fault and, where there is a choice, the valid values.
 */
export type AffnetErrorCode =
  | 'E_IMAGE_DECODE'
  | 'E_IMAGE_UNSUPPORTED'
  | 'E_IMAGE_UNIFORM'
  | 'E_DICOM_PARSE'
  | 'E_DICOM_UNSUPPORTED_SYNTAX'
  | 'E_DICOM_PIXEL_DATA'
  | 'E_MANIFEST_INVALID'
  | 'E_OPTION_INVALID'
  | 'E_BUNDLE_INVALID'
  | 'E_WEIGHTS_MISMATCH'
  | 'E_BACKEND_UNAVAILABLE'
  /** A runtime failed while running a model, or gave an output it must not (NaN, ±Infinity). */
  | 'E_RUNTIME'
  | 'E_FILE_NOT_FOUND'
  | 'E_IO';

export class AffnetError extends Error {
  readonly code: AffnetErrorCode;
  /** The file the error is about, when there is one. */
  readonly file?: string;
  /** 1-based line of `file` the error is about (manifests); the message then starts `file:line:`. */
  readonly line?: number;

  constructor(code: AffnetErrorCode, message: string, options: { file?: string; line?: number; cause?: unknown } = {}) {
    const where = options.file && options.line !== undefined ? `${options.file}:${options.line}` : options.file;
    super(where ? `${where}: ${message}` : message, { cause: options.cause });
    this.name = 'AffnetError';
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
  }
}

export function isAffnetError(e: unknown, code?: AffnetErrorCode): e is AffnetError {
  return e instanceof AffnetError && (code === undefined || e.code === code);
}

/** "did you mean …? available: …" for option errors. */
export function choiceError(option: string, value: string, valid: readonly string[]): AffnetError {
  const near = valid.find((v) => v.toLowerCase().startsWith(value.toLowerCase().slice(0, 3)));
  const hint = near ? ` Did you mean "${near}"?` : '';
  return new AffnetError('E_OPTION_INVALID', `${option}: unknown value "${value}".${hint} Available: ${valid.join(', ')}`);
}
