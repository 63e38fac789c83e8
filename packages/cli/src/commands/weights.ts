/**
 * `affnet weights list | pull NAME… | import FILE|FOLDER`: the pretrained weights a user can get.
 * `list` names every known set (source URL, size, licence, the checksum Keras pins) and whether it
 * is present; `pull` downloads into the weights folder (AFFNET_WEIGHTS_DIR, else the per-user cache),
 * resumable and verified; `import` registers a file brought by hand after checking it against the
 * network description (names and shapes, mismatches listed).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, buildNetwork, listArchitectures, weightsDirs, weightsPullDir, type Architecture } from '@affnet/core';
import { CliError } from '../errors.js';
import { parseChoice, parseIntOption } from '../options/parse.js';
import { emit, progress } from '../output.js';
import { imagenetPath } from '../runtime/pretrained.js';
import { findSet, PRETRAINED_SETS, type PretrainedSet } from '../weights/catalogue.js';
import { downloadFile } from '../weights/download.js';

/** Where a set is looked for and, for pull, put: AFFNET_WEIGHTS_MIRROR replaces the URL's origin (a local mirror). */
export function setUrl(set: PretrainedSet): string {
  const mirror = process.env.AFFNET_WEIGHTS_MIRROR;
  return mirror ? `${mirror.replace(/\/+$/, '')}/${new URL(set.url).pathname.replace(/^\/+/, '')}` : set.url;
}

function listing() {
  return PRETRAINED_SETS.map((s) => {
    const present = imagenetPath(s.architecture);
    return { ...s, url: setUrl(s), present: present ?? null };
  });
}

export function registerWeights(program: Command): void {
  const weights = program.command('weights').description('Pretrained weights: list the known sets, pull (download, verify) them, or import a file brought by hand');

  weights
    .command('list')
    .description('Known pretrained sets: source, size, licence, checksum, and whether each is present')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const rows = listing();
      emit({ folders: weightsDirs(), pullFolder: weightsPullDir(), sets: rows }, opts, () =>
        [
          `weights folders searched: ${weightsDirs().join(', ')}; pull and import write to ${weightsPullDir()}`,
          ...rows.map((r) =>
            [`${r.name}  (${r.architecture}, about ${r.approxMiB} MiB)  ${r.present ? `present: ${r.present}` : 'absent'}`, `  ${r.url}`, `  md5 ${r.md5} (as Keras pins it); ${r.licence}`].join('\n'),
          ),
        ].join('\n'),
      );
    });

  weights
    .command('pull')
    .description('Download known sets into the weights folder (resumes an interrupted download, verifies the checksum)')
    .argument('<names...>', `sets (or architectures): ${PRETRAINED_SETS.map((s) => s.name).join(', ')}`)
    .option('--timeout <seconds>', 'give up after this long without data (the partial file is kept; rerun to resume)', '60')
    .option('--json', 'machine-readable output')
    .action(async (names: string[], opts: { timeout: string; json?: boolean }) => {
      const timeoutSeconds = parseIntOption('--timeout', opts.timeout, 1, 3600)!;
      const sets = names.map((n) => {
        const s = findSet(n);
        if (!s) throw new AffnetError('E_OPTION_INVALID', `weights pull: unknown set "${n}". Available: ${PRETRAINED_SETS.map((x) => x.name).join(', ')}`);
        return s;
      });
      const dir = weightsPullDir();
      const done: Array<{ name: string; path: string; bytes: number; resumedFrom: number; already?: boolean }> = [];
      for (const s of sets) {
        const dest = join(dir, s.file);
        if (existsSync(dest)) {
          done.push({ name: s.name, path: dest, bytes: statSync(dest).size, resumedFrom: 0, already: true });
          continue;
        }
        const bar = progress(`pull ${s.name}`, s.approxMiB);
        try {
          let last = 0;
          const r = await downloadFile({
            url: setUrl(s),
            dest,
            md5: s.md5,
            timeoutSeconds,
            onProgress: (bytes, total) => {
              if (total) bar.setTotal(Math.ceil(total / 2 ** 20));
              const mib = Math.floor(bytes / 2 ** 20);
              if (mib > last) bar.tick(mib - last);
              last = mib;
            },
          });
          done.push({ name: s.name, ...r });
        } finally {
          bar.stop();
        }
      }
      emit({ folder: dir, pulled: done }, opts, () =>
        done
          .map(
            (d) =>
              `${d.name}: ${d.already ? 'already present' : `${(d.bytes / 2 ** 20).toFixed(1)} MiB${d.resumedFrom ? ` (resumed after ${(d.resumedFrom / 2 ** 20).toFixed(1)} MiB)` : ''}, MD5 verified`} → ${d.path}`,
          )
          .join('\n'),
      );
    });

  weights
    .command('import')
    .description('Register a weights file or folder brought by hand (Keras .h5, TensorFlow.js layers folder, .safetensors), checked layer by layer against the network')
    .argument('<path>', 'the file or folder')
    .requiredOption('--architecture <name>', `the network it is for: ${listArchitectures().join(', ')}`)
    .option('--json', 'machine-readable output')
    .action(async (path: string, opts: { architecture: string; json?: boolean }) => {
      const architecture = parseChoice('--architecture', opts.architecture, listArchitectures()) as Architecture;
      if (!existsSync(path)) throw new AffnetError('E_FILE_NOT_FOUND', 'no such file or folder', { file: path });
      const graph = buildNetwork(architecture, { inputSize: 224, numClasses: 2 });
      const tfjs = await import('@affnet/backend-tfjs');
      const isSafetensors = extname(path).toLowerCase() === '.safetensors';
      // strict: every trunk layer must be there with its shape; the error lists what does not fit.
      const { report } = await tfjs.loadPretrainedWeights(graph, path, { strict: true });
      const set = PRETRAINED_SETS.find((s) => s.architecture === architecture);
      const dir = weightsPullDir();
      mkdirSync(dir, { recursive: true });
      const isDir = statSync(path).isDirectory();
      const name = isDir ? `${architecture}-imagenet-notop` : isSafetensors ? `${architecture}-imagenet-notop.safetensors` : (set?.file ?? basename(path));
      const dest = join(dir, name);
      if (existsSync(dest)) throw new CliError(`weights import: ${dest} exists already; remove it first to replace it`, 2);
      const tmp = `${dest}.importing-${process.pid}`;
      if (isDir) cpSync(path, tmp, { recursive: true });
      else copyFileSync(path, tmp);
      renameSync(tmp, dest);
      emit({ architecture, path: dest, loadedLayers: report.loadedLayers.length }, opts, () => `${architecture}: ${report.loadedLayers.length} layers match; registered as ${dest}`);
    });
}
