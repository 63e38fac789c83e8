/**
 * What `affnet annotate` has collected, kept so that nothing accepted is ever lost:
 * - an append-only log (OUT.log.jsonl), one JSON line per decision, written and fsynced before the
 *   page is told "saved";
 * - the clicks file itself (OUT), rewritten whole after every decision (write, fsync, rename), so it
 *   is always complete and never half-written.
 * A rerun replays the log (or, without one, reads OUT) and resumes at the first image left to do.
 * The file's columns are what manifests and `--clicks` read (path, label, patientId, view, fx, fy,
 * ax, ay), plus `status` and `reason` for skipped and flagged images; who annotated and when is not
 * recorded.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { AffnetError, parseCsv, type ClickPoints } from '@affnet/core';

export type AnnotationStatus = 'done' | 'skipped' | 'flagged';

export interface AnnotateItem {
  /** Absolute path of the image. */
  path: string;
  /** As written in the output (relative to it where the manifest wrote it so, else the path given). */
  pathAsWritten: string;
  label?: string;
  patientId?: string;
  view?: string;
}

export interface Decision {
  status: AnnotationStatus;
  clicks?: ClickPoints;
  /** Flagged: why the image is unusable. */
  reason?: string;
}

export interface Decided extends Decision {
  index: number;
}

const HEADER = ['path', 'label', 'patientId', 'view', 'fx', 'fy', 'ax', 'ay', 'status', 'reason'];

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class AnnotationStore {
  readonly decisions = new Map<number, Decision>();
  private readonly logFile: string;
  private readonly byPath: Map<string, number>;

  constructor(
    readonly out: string,
    readonly items: readonly AnnotateItem[],
  ) {
    this.logFile = `${out}.log.jsonl`;
    this.byPath = new Map(items.map((it, i) => [it.pathAsWritten, i]));
    if (existsSync(this.logFile)) this.replayLog();
    else if (existsSync(out)) this.readOut();
  }

  /** Index of the first image without a decision (leaving out `skip`, e.g. unreadable ones), or −1 when all are decided. */
  firstOpen(skip?: { has(index: number): boolean }): number {
    return this.items.findIndex((_it, i) => !this.decisions.has(i) && !skip?.has(i));
  }

  /** Record a decision durably, then rewrite the clicks file. */
  decide(index: number, d: Decision): void {
    const item = this.items[index];
    if (!item) throw new AffnetError('E_OPTION_INVALID', `no image number ${index + 1} (there are ${this.items.length})`);
    const line = `${JSON.stringify({ path: item.pathAsWritten, ...d })}\n`;
    const fd = openSync(this.logFile, 'a');
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.decisions.set(index, d);
    this.writeOut();
  }

  /** Forget a decision (the page's "redo"): logged as `open`. */
  reopen(index: number): void {
    const item = this.items[index];
    if (!item || !this.decisions.has(index)) return;
    const fd = openSync(this.logFile, 'a');
    try {
      writeSync(fd, `${JSON.stringify({ path: item.pathAsWritten, status: 'open' })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.decisions.delete(index);
    this.writeOut();
  }

  private replayLog(): void {
    const text = readFileSync(this.logFile, 'utf8');
    // A kill mid-append leaves a cut last line, never confirmed to the page: drop it, so the next decision starts a line of its own.
    if (text.length > 0 && !text.endsWith('\n')) truncateSync(this.logFile, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    const lines = text.split('\n');
    for (const [n, line] of lines.entries()) {
      if (line.trim() === '') continue;
      let v: { path?: string; status?: string; clicks?: ClickPoints; reason?: string };
      try {
        v = JSON.parse(line);
      } catch {
        // A line cut by a kill mid-write is the only one that can be incomplete: it is the last one, and was never confirmed.
        if (n >= lines.length - 2) continue;
        throw new AffnetError('E_MANIFEST_INVALID', `line ${n + 1} is not valid JSON`, { file: this.logFile });
      }
      const i = v.path === undefined ? undefined : this.byPath.get(v.path);
      if (i === undefined) continue;
      if (v.status === 'open') this.decisions.delete(i);
      else if (v.status === 'done' || v.status === 'skipped' || v.status === 'flagged')
        this.decisions.set(i, { status: v.status, ...(v.clicks ? { clicks: v.clicks } : {}), ...(v.reason ? { reason: v.reason } : {}) });
    }
  }

  private readOut(): void {
    const records = parseCsv(readFileSync(this.out, 'utf8'));
    const header = records[0]?.fields.map((h) => h.trim()) ?? [];
    const col = (name: string) => header.indexOf(name);
    for (const r of records.slice(1)) {
      const get = (name: string) => (col(name) >= 0 ? (r.fields[col(name)] ?? '').trim() : '');
      const i = this.byPath.get(get('path'));
      if (i === undefined) continue;
      const status = (get('status') || (get('fx') ? 'done' : '')) as AnnotationStatus | '';
      if (status === 'done' && get('fx')) {
        this.decisions.set(i, { status, clicks: { fracture: { x: Number(get('fx')), y: Number(get('fy')) }, axis: { x: Number(get('ax')), y: Number(get('ay')) } } });
      } else if (status === 'skipped' || status === 'flagged') {
        this.decisions.set(i, { status, ...(get('reason') ? { reason: get('reason') } : {}) });
      }
    }
  }

  /** The whole file, every image in input order (undecided ones without clicks). */
  csv(): string {
    // Optional columns only when every image has a value (a manifest refuses an empty patientId).
    const every = (k: 'label' | 'patientId' | 'view') => this.items.every((i) => i[k] !== undefined);
    const header = HEADER.filter((h) => (h !== 'label' && h !== 'patientId' && h !== 'view') || every(h));
    const rows = this.items.map((it, i) => {
      const d = this.decisions.get(i);
      const c = d?.status === 'done' ? d.clicks : undefined;
      const values: Record<string, string | number | undefined> = {
        path: it.pathAsWritten,
        label: it.label,
        patientId: it.patientId,
        view: it.view,
        fx: c?.fracture.x,
        fy: c?.fracture.y,
        ax: c?.axis.x,
        ay: c?.axis.y,
        status: d?.status,
        reason: d?.reason,
      };
      return header.map((h) => csvField(values[h])).join(',');
    });
    return `${[header.join(','), ...rows].join('\n')}\n`;
  }

  private writeOut(): void {
    const tmp = `${this.out}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, this.csv());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.out);
  }
}
