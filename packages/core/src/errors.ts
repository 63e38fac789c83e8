/**
 * One error family for the whole toolkit. Every failure a user can cause (a bad file, a bad option, a
 * missing runtime) is an {@link AffnetError} with a stable `code`, and its message names the file or
 * option at fault and, where there is a choice, the valid values.
 */
export type AffnetErrorCode =
  | 'E_IMAGE_DECODE'
  | 'E_IMAGE_UNSUPPORTED'
  | 'E_IMAGE_UNIFORM'
  /** An image has more pixels than the caller allows (`maxPixels`). */
  | 'E_IMAGE_TOO_LARGE'
  | 'E_DICOM_PARSE'
  | 'E_DICOM_UNSUPPORTED_SYNTAX'
  | 'E_DICOM_PIXEL_DATA'
  | 'E_MANIFEST_INVALID'
  | 'E_OPTION_INVALID'
  | 'E_BUNDLE_INVALID'
  | 'E_WEIGHTS_MISMATCH'
  | 'E_BACKEND_UNAVAILABLE'
  /** A batch handed to a model does not fit it (shape, value count, batch size limit). */
  | 'E_BATCH_INVALID'
  /** A batch handed to a model holds NaN or ±Infinity (a silently wrong probability would follow). */
  | 'E_INPUT_NOT_FINITE'
  /** A runtime failed while running a model, or gave an output it must not (NaN, ±Infinity). */
  | 'E_RUNTIME'
  | 'E_FILE_NOT_FOUND'
  /** A download failed (no network, HTTP error, timeout, a broken connection). */
  | 'E_DOWNLOAD'
  /** A file's checksum is not the pinned one. */
  | 'E_CHECKSUM_MISMATCH'
  /** A run stopped before it finished (rerun to continue), or finished with failed items (each recorded). */
  | 'E_INCOMPLETE'
  | 'E_IO';

/**
 * What the user can do about an error, worded for where they are: `api` for library callers (an
 * option to pass), `cli` for the command line (a flag). The message carries the `api` wording; the
 * CLI shows {@link AffnetError.cliMessage}.
 */
export interface ErrorHint {
  api: string;
  cli?: string;
}

export interface AffnetErrorOptions {
  file?: string;
  line?: number;
  cause?: unknown;
  hint?: ErrorHint;
}

export class AffnetError extends Error {
  readonly code: AffnetErrorCode;
  /** The file the error is about, when there is one. */
  readonly file?: string;
  /** 1-based line of `file` the error is about (manifests); the message then starts `file:line:`. */
  readonly line?: number;
  readonly hint?: ErrorHint;
  /** The message without the hint. */
  readonly detail: string;

  constructor(code: AffnetErrorCode, message: string, options: AffnetErrorOptions = {}) {
    const where = options.file && options.line !== undefined ? `${options.file}:${options.line}` : options.file;
    const detail = where ? `${where}: ${message}` : message;
    super(options.hint ? `${detail}; ${options.hint.api}` : detail, { cause: options.cause });
    this.name = 'AffnetError';
    this.code = code;
    this.detail = detail;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.hint !== undefined) this.hint = options.hint;
  }

  /** The message as the command line shows it: the hint names the flag, not the library option. */
  get cliMessage(): string {
    return this.hint ? `${this.detail}; ${this.hint.cli ?? this.hint.api}` : this.detail;
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

/**
 * Something a run did that a user should know about but that did not stop it: an image left out, a
 * truncated file read on request, a metric that is undefined. Recorded as data, never as text to be
 * parsed back.
 */
export interface RunWarning {
  kind: 'left-out' | 'truncated-read' | 'metric' | 'alignment' | 'note';
  /** The file it is about (as written in the manifest, or the path). */
  file?: string;
  /** What happened, in words (an error code in brackets first where there is one). */
  detail: string;
}

/** "file: left out: detail" — one line for reports and terminals. */
export function formatWarning(w: RunWarning): string {
  const what = w.kind === 'left-out' ? 'left out: ' : w.kind === 'truncated-read' ? '' : w.kind === 'metric' ? 'metric: ' : w.kind === 'alignment' ? 'alignment: ' : '';
  return `${w.file ? `${w.file}: ` : ''}${what}${w.detail}`;
}
