/** `affnet predict` over a folder: JSON lines, a corrupt file's error record, append + rerun skips, CAM overlays. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program.js';
import { overlayName } from '../src/commands/predict.js';
import { captureOutput, io, writeTinyBundle, writeTinyImages } from './helpers.js';

captureOutput();
const dir = mkdtempSync(join(tmpdir(), 'affnet-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (text: string): Array<Record<string, unknown>> =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('affnet predict', () => {
  let bundle: string;
  const images = join(dir, 'images');
  beforeAll(async () => {
    bundle = await writeTinyBundle(join(dir, 'bundle'));
    const { files } = await writeTinyImages(images, 4);
    // a PNG cut off after 120 bytes, as a failed copy leaves it
    writeFileSync(join(images, 'corrupt.png'), readFileSync(files[0]!).subarray(0, 120));
    writeFileSync(join(images, 'notes.txt'), 'not an image: skipped by name');
  });

  it('writes one record per image, an error record for the corrupt file, goes on, and exits 3', async () => {
    const out = join(dir, 'run', 'predictions.jsonl');
    const code = await runCli(['predict', images, '--bundle', bundle, '--runtime', 'tfjs:cpu', '--out', join(dir, 'run'), '--cam', '--batch-size', '2']);
    expect(code).toBe(3);
    const records = lines(io.out);
    expect(records.map((r) => (r.file as string).split('/').pop())).toEqual(['corrupt.png', 'img-00.png', 'img-01.png', 'img-02.png', 'img-03.png']);
    const bad = records[0]!;
    expect(bad.error).toMatchObject({ code: 'E_IMAGE_DECODE' });
    expect((bad.error as { message: string }).message).toContain('corrupt.png');
    for (const r of records.slice(1)) {
      expect(r).toMatchObject({ runtime: 'tfjs:cpu/fp32', positiveLabel: 'AFF' });
      expect(r.cam).toMatch(new RegExp(`^${join(dir, 'run', 'cam')}/`));
      expect(['AFF', 'NFF']).toContain(r.label);
      expect(r.probability).toBeGreaterThanOrEqual(0);
      expect(r.probability).toBeLessThanOrEqual(1);
      expect(r.label).toBe((r.probability as number) >= 0.5 ? 'AFF' : 'NFF');
      // the overlay is the original image's size (48×40, under the 384 px thumbnail limit), in colour
      const png = readFileSync(r.cam as string);
      // IHDR: width, height (big-endian) at bytes 16 and 20; colour type 2 = RGB at byte 25
      expect([png.readUInt32BE(16), png.readUInt32BE(20), png[25]]).toEqual([48, 40, 2]);
    }
    expect(lines(readFileSync(out, 'utf8'))).toEqual(records);
    expect(io.err).toContain('predict: 4 predicted, 1 failed, 0 already done');
  }, 60_000);

  it('a rerun skips the images already done and retries only the failed one', async () => {
    const out = join(dir, 'run', 'predictions.jsonl');
    const before = readFileSync(out, 'utf8');
    const code = await runCli(['predict', images, '--bundle', bundle, '--runtime', 'tfjs:cpu', '--out', join(dir, 'run')]);
    expect(code).toBe(3);
    expect(lines(io.out).map((r) => (r.file as string).split('/').pop())).toEqual(['corrupt.png']);
    expect(io.err).toContain('predict: 0 predicted, 1 failed, 4 already done');
    expect(readFileSync(out, 'utf8').startsWith(before)).toBe(true);
  }, 60_000);

  it('continues a log whose last line was cut by a kill', async () => {
    const out = join(dir, 'torn', 'predictions.jsonl');
    mkdirSync(join(dir, 'torn'));
    const first = join(images, 'img-00.png');
    writeFileSync(out, `${JSON.stringify({ file: first, label: 'AFF', probability: 0.9 })}\n{"file": "${join(images, 'img-01.png')}", "lab`);
    expect(await runCli(['predict', join(images, 'img-00.png'), join(images, 'img-01.png'), '--bundle', bundle, '--runtime', 'tfjs:cpu', '--out', join(dir, 'torn')])).toBe(0);
    expect(lines(io.out).map((r) => (r.file as string).split('/').pop())).toEqual(['img-01.png']);
    const text = readFileSync(out, 'utf8').split('\n');
    expect(JSON.parse(text[2]!).file).toBe(join(images, 'img-01.png'));
  }, 60_000);

  it('an intervention bundle without clicks gives per-file errors naming --clicks; with them it predicts', async () => {
    const iv = await writeTinyBundle(join(dir, 'bundle-iv'), { pathway: 'intervention' });
    const file = join(images, 'img-00.png');
    expect(await runCli(['predict', file, '--bundle', iv, '--runtime', 'tfjs:cpu'])).toBe(3);
    expect(lines(io.out)[0]!.error).toMatchObject({ code: 'E_OPTION_INVALID' });
    expect(JSON.stringify(lines(io.out)[0])).toContain('--clicks');
    io.out = '';
    expect(await runCli(['predict', file, '--bundle', iv, '--runtime', 'tfjs:cpu', '--clicks', join(images, 'manifest.csv')])).toBe(0);
    expect(lines(io.out)[0]).toMatchObject({ runtime: 'tfjs:cpu/fp32' });
  }, 60_000);

  it('an intervention bundle carrying an aligner predicts without clicks and says so per record; --clicks still wins', async () => {
    const aligner = join(dir, 'aligner.json');
    expect(await runCli(['align', 'train', '--manifest', join(images, 'manifest.csv'), '--out', aligner, '--grid', '32', '--epochs', '2', '--json'])).toBe(0);
    const { readAligner, readBundle, writeBundle } = await import('@affnet/core');
    const iv = await writeTinyBundle(join(dir, 'bundle-iv-aligned'), { pathway: 'intervention' });
    const b = await readBundle(iv);
    b.manifest.aligner = await readAligner(aligner);
    await writeBundle(iv, b);
    const file = join(images, 'img-00.png');
    io.out = '';
    expect(await runCli(['predict', file, '--bundle', iv, '--runtime', 'tfjs:cpu'])).toBe(0);
    const auto = lines(io.out)[0]!;
    expect(auto).toMatchObject({ alignment: 'auto' });
    expect(auto.points).toMatchObject({ fracture: { x: expect.any(Number) }, axis: { y: expect.any(Number) } });
    expect(auto.alignmentConfidence).toBeGreaterThanOrEqual(0);
    io.out = '';
    expect(await runCli(['predict', file, '--bundle', iv, '--runtime', 'tfjs:cpu', '--clicks', join(images, 'manifest.csv')])).toBe(0);
    expect(lines(io.out)[0]).toMatchObject({ alignment: 'clicks', points: { fracture: { x: 24, y: 20 }, axis: { x: 24, y: 4 } } });
    // An auto bundle that lost its aligner is refused before any image is read.
    const bare = await writeTinyBundle(join(dir, 'bundle-auto-bare'), { pathway: 'auto' });
    io.err = '';
    expect(await runCli(['predict', file, '--bundle', bare, '--runtime', 'tfjs:cpu'])).toBe(2);
    expect(io.err).toContain('carries no aligner');
  }, 60_000);

  it.each([
    [['predict', '/nonexistent/folder', '--bundle', '/nonexistent/bundle'], 2, 'E_FILE_NOT_FOUND'],
    [['predict', 'x.png'], 1, "required option '--bundle <dir>' not specified"], // commander's usage error
    // the flags replaced by --runtime and --batch-size: refused before any work, with what to type
    [['predict', 'x.png', '--bundle', 'b', '--backend', 'onnx', '--engine', 'cpu', '--precision', 'int8'], 2, 'did you mean --runtime onnx:cpu/int8?'],
    [['predict', 'x.png', '--bundle', 'b', '--batch', '4'], 2, 'did you mean --batch-size 4?'],
    [['predict', 'x.png', '--bundle', 'b', '--out', 'p.jsonl'], 2, '--out is a folder on every command; give --out DIR and the file is written as DIR/predictions.jsonl'],
    [['predict', 'x.png', '--bundle', 'b', '--cam'], 2, '--cam writes overlays into OUT/cam/: give --out DIR'],
    [['predict', 'x.png', '--bundle', 'b', '--runtime', 'onnx:cpu/int4'], 2, 'unknown precision "int4"'],
  ])('%j exits %d', async (argv, code, message) => {
    io.err = '';
    expect(await runCli(argv)).toBe(code);
    expect(io.err).toContain(message);
  });

  it('names overlays after the full path so that equal file names in two folders do not collide', () => {
    expect(overlayName('/a/b/x.png')).toBe('a__b__x.png.cam.png');
    expect(overlayName('/a/c/x.png')).not.toBe(overlayName('/a/b/x.png'));
  });
});

describe('affnet predict --accept-truncated', () => {
  it('refuses a PNG that ends early by default; with the flag reads it and says so in the record', async () => {
    const bundle = await writeTinyBundle(join(dir, 'bundle-truncated'));
    const folder = join(dir, 'truncated');
    const { files } = await writeTinyImages(folder, 1);
    const whole = readFileSync(files[0]!);
    writeFileSync(files[0]!, whole.subarray(0, whole.length - 16)); // IEND and the last IDAT checksum gone
    io.out = '';
    expect(await runCli(['predict', folder, '--bundle', bundle, '--runtime', 'tfjs:cpu'])).toBe(3);
    const refused = lines(io.out)[0]!;
    expect(refused.error).toMatchObject({ code: 'E_IMAGE_DECODE' });
    expect((refused.error as { message: string }).message).toMatch(/truncated/);
    // The remedy is worded for the command line, not the library.
    expect((refused.error as { message: string }).message).toContain('give --accept-truncated to decode the partial image');
    expect((refused.error as { message: string }).message).not.toContain("pass { truncated: 'accept' }");
    io.out = '';
    const code = await runCli(['predict', folder, '--bundle', bundle, '--runtime', 'tfjs:cpu', '--accept-truncated']);
    expect(code, io.out).toBe(0);
    const read = lines(io.out)[0]!;
    expect(read.error).toBeUndefined();
    expect(read.probability).toBeGreaterThanOrEqual(0);
    expect(read.warnings).toEqual([{ kind: 'truncated-read', file: files[0], detail: expect.stringMatching(/^truncated PNG decoded \(truncated: 'accept'\)/) }]);
  });
});
