/**
 * `affnet annotate (--manifest M | FOLDER…) --out clicks.csv`: the intervention pathway's two clicks,
 * collected on a local web page (see annotate/server.ts and annotate/page.ts). Every decision is saved
 * before the page moves on (annotate/store.ts); a rerun resumes at the first image left to do. The
 * file is a manifest (with a manifest's labels) or, for folders, a clicks table for `predict --clicks`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, readAligner, readBundle, type PreprocessingSpec } from '@affnet/core';
import { AnnotationStore, type AnnotateItem } from '../annotate/store.js';
import { startAnnotateServer } from '../annotate/server.js';
import { collectFiles } from '../batch/collect-files.js';
import { CliError } from '../errors.js';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { parseIntOption, parseNumberOption } from '../options/parse.js';

interface AnnotateFlags extends Omit<ManifestOptions, 'manifest'> {
  manifest?: string;
  out: string;
  port?: string;
  bundle?: string;
  inputSize: string;
  cropFraction?: string;
  /** Stop the server once every image is decided (for scripts). */
  exitWhenDone?: boolean;
  aligner?: string;
}

/** Path as the output file should hold it: relative to the output's folder when below it, else absolute. */
function writtenPath(out: string, path: string): string {
  const rel = relative(dirname(resolve(out)), resolve(path));
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

export function registerAnnotate(program: Command): void {
  const cmd = program
    .command('annotate')
    .description("Collect the intervention pathway's two clicks (fracture centre, shaft axis) on a local web page; saves every decision, resumes where it stopped")
    .argument('[inputs...]', 'image files or folders (instead of --manifest)')
    .requiredOption('--out <file>', 'clicks file to write (CSV: a manifest with fx, fy, ax, ay)')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)')
    .option('--bundle <dir>', "preview the crop of this bundle's preprocessing (input size, crop fraction)")
    .option('--input-size <n>', 'crop preview side when no bundle is given', '256')
    .option('--crop-fraction <x>', 'crop side as a fraction of the padded image side, when no bundle is given')
    .option('--aligner <file>', 'suggest the two points with this aligner (affnet align train, or a bundle carrying one): accept them or place your own')
    .option('--exit-when-done', 'stop once every image is decided');
  addManifestOptions(cmd, false).action(async (inputs: string[], f: AnnotateFlags) => {
    if (!f.manifest && inputs.length === 0) throw new CliError('annotate: give --manifest FILE or image files/folders', 2);
    if (f.manifest && inputs.length > 0) throw new CliError('annotate: give --manifest FILE or image files/folders, not both', 2);
    if (existsSync(f.out) && statSync(f.out).isDirectory()) throw new CliError(`--out ${f.out} is a folder; give the clicks file to write`, 2);
    let items: AnnotateItem[];
    if (f.manifest) {
      const manifest = await readManifestOption({ ...f, manifest: f.manifest });
      items = manifest.items.map((i) => ({
        path: i.path,
        pathAsWritten: writtenPath(f.out, i.path),
        label: i.label,
        ...(manifest.patientIdsKnown ? { patientId: i.patientId } : {}),
        ...(i.view ? { view: i.view } : {}),
      }));
    } else {
      const out = resolve(f.out);
      items = collectFiles(inputs)
        .filter((p) => resolve(p) !== out && !resolve(p).startsWith(`${out}.`))
        .map((p) => ({ path: resolve(p), pathAsWritten: writtenPath(f.out, p) }));
    }
    if (items.length === 0) throw new CliError(`annotate: no image files found in ${inputs.join(', ')}`, 2);
    let spec: PreprocessingSpec;
    if (f.bundle) {
      const b = await readBundle(f.bundle);
      spec = { ...b.manifest.preprocessing, pathway: 'intervention' };
    } else {
      const cropFraction = parseNumberOption('--crop-fraction', f.cropFraction, 0.05, 1);
      spec = { pathway: 'intervention', inputSize: parseIntOption('--input-size', f.inputSize, 32, 1024)!, normalisation: 'zscore', ...(cropFraction !== undefined ? { cropFraction } : {}) };
    }
    const store = new AnnotationStore(f.out, items);
    const server = await startAnnotateServer({
      store,
      spec,
      ...(f.port ? { port: parseIntOption('--port', f.port, 1, 65535)! } : {}),
      read: radiographReader(f),
      ...(f.aligner ? { aligner: await readAligner(f.aligner) } : {}),
      onProblem: (i, message) => process.stderr.write(`annotate: ${items[i]!.pathAsWritten}: skipped: ${message}\n`),
    });
    const open = store.firstOpen();
    process.stderr.write(
      `annotate: ${items.length} images, ${store.decisions.size} already decided${open >= 0 ? `; resuming at ${open + 1}` : ''}\n` +
        `annotate: clicks go to ${f.out} (every decision saved at once; Ctrl-C stops, a rerun resumes)\n`,
    );
    // The URL (with its token) on stdout, alone on its line, for scripts.
    process.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolveDone) => {
      const stop = () => {
        process.stderr.write(`annotate: stopped; ${store.decisions.size} of ${items.length} decided, in ${f.out}\n`);
        server.close().then(resolveDone, resolveDone);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (f.exitWhenDone) {
        const poll = setInterval(() => {
          if (store.firstOpen(server.problems) < 0) {
            clearInterval(poll);
            stop();
          }
        }, 250);
      }
    });
    if (store.firstOpen(server.problems) < 0 && server.problems.size > 0) {
      throw new AffnetError('E_INCOMPLETE', `${server.problems.size} images could not be read (listed above); the others are decided`);
    }
  });
}
