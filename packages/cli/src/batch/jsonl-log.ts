/**
 * An append-only JSON-lines log for batch work (`affnet predict --out FILE`): every record is
 * written and handed to the kernel as soon as it exists (one `writeSync` per line on a file opened
 * for appending), so a killed run keeps everything it finished; a rerun reads the log and skips the
 * items that already have a successful record. A half-written last line (a kill mid-write) is
 * ignored on reading and the log is continued on a fresh line.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LogRecord {
  file: string;
  error?: unknown;
  [key: string]: unknown;
}

export interface JsonlLog {
  /** Items with a successful record (no `error`) in the log when it was opened. */
  readonly done: ReadonlySet<string>;
  /** Items whose latest record was an error. */
  readonly failed: ReadonlySet<string>;
  append(record: LogRecord): void;
  close(): void;
}

/** Parse a log's text; invalid lines (a torn last write) are skipped and counted. */
export function parseLog(text: string): { records: LogRecord[]; invalid: number } {
  const records: LogRecord[] = [];
  let invalid = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as LogRecord;
      if (r && typeof r.file === 'string') records.push(r);
      else invalid++;
    } catch {
      invalid++;
    }
  }
  return { records, invalid };
}

export function openJsonlLog(path: string, options: { fsync?: boolean } = {}): JsonlLog {
  mkdirSync(dirname(path), { recursive: true });
  const done = new Set<string>();
  const failed = new Set<string>();
  let needsNewline = false;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    needsNewline = text.length > 0 && !text.endsWith('\n');
    for (const r of parseLog(text).records) {
      if (r.error === undefined) {
        done.add(r.file);
        failed.delete(r.file);
      } else if (!done.has(r.file)) failed.add(r.file);
    }
  }
  const fd = openSync(path, 'a');
  if (needsNewline) writeSync(fd, '\n');
  return {
    done,
    failed,
    append(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      if (options.fsync) fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}
