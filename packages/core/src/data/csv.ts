/**
 * A small RFC 4180 CSV reader and writer for manifests (internal; the public API is
 * `parseManifest` / `writeManifest`).
 *
 * Reading accepts what spreadsheet exports produce: a UTF-8 byte-order mark, CRLF / LF / CR line
 * ends, quoted fields with `""` escapes and embedded line breaks, blank lines (skipped, as are rows
 * whose fields are all empty, e.g. Excel's trailing `,,,`), and `,` `;` or tab delimiters
 * (detected from the header line unless given). Unquoted fields are trimmed.
 * @internal
 */

export interface CsvRecord {
  /** 1-based line of the file on which the record starts (for error messages). */
  line: number;
  fields: string[];
}

export type CsvDelimiter = ',' | ';' | '\t';

/** A CSV syntax problem at a line; the manifest reader turns it into an `E_MANIFEST_INVALID`. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** The delimiter of the first non-blank line: the most frequent of `,` `;` tab outside quotes (`,` on a tie). */
export function detectDelimiter(text: string): CsvDelimiter {
  const firstLine =
    stripBom(text)
      .split(/\r\n|\n|\r/)
      .find((l) => l.trim() !== '') ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const count = (d: string) => unquoted.split(d).length - 1;
  const candidates: CsvDelimiter[] = [',', ';', '\t'];
  let best: CsvDelimiter = ',';
  for (const d of candidates) if (count(d) > count(best)) best = d;
  return best;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Splits CSV text into records. Throws {@link CsvSyntaxError} on an unterminated quote or text after a closing quote. */
export function parseCsv(input: string, delimiter: CsvDelimiter = detectDelimiter(input)): CsvRecord[] {
  const text = stripBom(input);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field was quoted (its content is kept verbatim)
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endField = () => {
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (fields.some((f) => f !== '')) records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && !quoted && field.trim() === '') {
      // A quoted field: read to the closing quote; "" is an escaped quote.
      quoted = true;
      field = '';
      const openLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(openLine, 'quoted field is not closed (missing ")');
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
        field += q;
        i++;
      }
      // Only spaces may follow a closing quote before the delimiter or line end.
      while (text[i] === ' ') i++;
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(line, `unexpected text after a closing quote: ${JSON.stringify(text.slice(i, i + 10))}`);
      }
      continue;
    }
    if (c === '"' && quoted) {
      throw new CsvSyntaxError(line, 'unexpected quote after a quoted field');
    }
    if (c === delimiter) {
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return records;
}

/** Quotes a field when it holds the delimiter, a quote, a line break or leading/trailing spaces. */
export function formatCsvField(value: string, delimiter: CsvDelimiter = ','): string {
  const needsQuotes = value.includes(delimiter) || value.includes('"') || /[\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (without its line end). */
export function formatCsvRow(values: readonly string[], delimiter: CsvDelimiter = ','): string {
  return values.map((v) => formatCsvField(v, delimiter)).join(delimiter);
}
