/**
 * DICOMweb against a real Orthanc (see orthanc.ts): QIDO-RS → WADO-RS → classify → STOW-RS of the
 * CAM Secondary Capture and the Comprehensive SR, through the server's route; re-storing is
 * idempotent; non-radiographs are skipped; a bad instance is an error entry and the rest go on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFingerprint, readDicomAttributes, readRadiograph, writeDicom, type LoadedModel } from '@affnet/core';
import { generateCohort } from '@affnet/phantom';
import { buildMultipart, createDicomwebClient, createServer, dicomwebRoutes, parseMultipart, resultUids, type AffnetServer, type StudyOutcome } from '../src/index.js';
import { loadTiny } from './helpers.js';
import { orthancMissing, startOrthanc, type Orthanc } from './orthanc.js';

describe('multipart/related', () => {
  it('round-trips DICOM parts byte for byte, whatever bytes they hold', () => {
    const files = [new Uint8Array([1, 2, 3, 13, 10, 45, 45]), new Uint8Array(1000).map((_v, i) => (i * 37) % 256), new Uint8Array(0)];
    const { body, contentType } = buildMultipart(files);
    const boundary = /boundary=(\S+)/.exec(contentType)![1]!;
    const parts = parseMultipart(body, boundary);
    expect(parts.map((p) => Array.from(p.body))).toEqual(files.map((f) => Array.from(f)));
    expect(parts[0]!.headers['content-type']).toBe('application/dicom');
  });
});

describe.skipIf(Boolean(orthancMissing))('DICOMweb with Orthanc', () => {
  let orthanc: Orthanc;
  let model: LoadedModel;
  let server: AffnetServer;
  let url: string;
  let dir: string;
  const studies: string[] = [];
  const dcmFiles: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-dicomweb-'));
    orthanc = await startOrthanc();
    await generateCohort({ out: join(dir, 'cohort'), patients: 2, imagesPerPatient: [2, 2], height: [300, 320], seed: 11, dicom: true, workers: 0 });
    for (const p of readdirSync(join(dir, 'cohort', 'dicom'))) for (const f of readdirSync(join(dir, 'cohort', 'dicom', p))) dcmFiles.push(join(dir, 'cohort', 'dicom', p, f));
    for (const f of dcmFiles) {
      const bytes = readFileSync(f);
      await orthanc.upload(bytes);
      const study = String(readDicomAttributes(bytes).StudyInstanceUID);
      if (!studies.includes(study)) studies.push(study);
    }
    // a radiograph of the first study that cannot be classified: a uniform image (nothing to normalise)
    const first = readDicomAttributes(readFileSync(dcmFiles[0]!));
    await orthanc.upload(
      writeDicom(
        { width: 40, height: 40, pixels: new Uint16Array(1600).fill(500), bitsStored: 12, signed: false },
        { StudyInstanceUID: String(first.StudyInstanceUID), PatientID: String(first.PatientID), PatientName: String(first.PatientName) },
      ),
    );
    model = await loadTiny();
    server = await createServer({ models: [{ name: 'tiny', model }], decodeThreads: 1, plugins: [dicomwebRoutes({ url: orthanc.dicomweb })] });
    url = await server.listen(0);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await model?.dispose();
    await orthanc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const classify = async (path: string): Promise<{ status: number; body: StudyOutcome & { error?: string } }> => {
    const res = await fetch(`${url}/v1/dicomweb/studies/${path}`, { method: 'POST' });
    return { status: res.status, body: (await res.json()) as StudyOutcome & { error?: string } };
  };

  it('classifies every radiograph of a study and stores a CAM capture and an SR per image, referencing the source', async () => {
    const before = await orthanc.instanceCount();
    const { status, body } = await classify(studies[0]!);
    expect(status).toBe(200);
    expect(body.classified).toBe(2);
    expect(body.failed).toBe(1);
    expect(body.stored).toBe(2);
    const bad = body.instances.find((i) => i.status === 'failed')!;
    expect(bad.error!.code).toBe('E_IMAGE_UNIFORM');
    expect(await orthanc.instanceCount()).toBe(before + 4);

    const fingerprint = bundleFingerprint(model.bundle);
    const client = createDicomwebClient(orthanc.dicomweb);
    for (const inst of body.instances.filter((i) => i.status === 'classified')) {
      const uids = resultUids(studies[0]!, inst.sopInstanceUid, fingerprint);
      expect(inst.stored).toEqual({ secondaryCapture: uids.scInstance, report: uids.srInstance });
      // the probability the service gives is the one reading the same file in-process gives
      const source = dcmFiles.map((f) => readFileSync(f)).find((b) => readDicomAttributes(b).SOPInstanceUID === inst.sopInstanceUid)!;
      const direct = (await (await fetch(`${url}/v1/predict`, { method: 'POST', body: source })).json()) as { probability: number };
      expect(inst.prediction!.probability).toBeCloseTo(direct.probability, 6);

      const sr = readDicomAttributes(await client.retrieveInstance(studies[0]!, uids.srSeries, uids.srInstance));
      expect(sr.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.88.33');
      const srcAttrs = readDicomAttributes(source);
      expect(sr.PatientID).toBe(srcAttrs.PatientID);
      const content = sr.ContentSequence as Record<string, unknown>[];
      const num = content.find((c) => c.ValueType === 'NUM') as {
        MeasuredValueSequence: { NumericValue: number | string }[];
        ContentSequence: { ReferencedSOPSequence: { ReferencedSOPInstanceUID: string }[] }[];
      };
      expect(Number(num.MeasuredValueSequence[0]!.NumericValue)).toBeCloseTo(inst.prediction!.probability, 5);
      expect(num.ContentSequence[0]!.ReferencedSOPSequence[0]!.ReferencedSOPInstanceUID).toBe(inst.sopInstanceUid);
      const evidence = sr.CurrentRequestedProcedureEvidenceSequence as { ReferencedSeriesSequence: { ReferencedSOPSequence: { ReferencedSOPInstanceUID: string }[] }[] }[];
      expect(evidence[0]!.ReferencedSeriesSequence[0]!.ReferencedSOPSequence[0]!.ReferencedSOPInstanceUID).toBe(inst.sopInstanceUid);
      expect(JSON.stringify(content)).toContain(fingerprint);

      const scBytes = await client.retrieveInstance(studies[0]!, uids.scSeries, uids.scInstance);
      const sc = readDicomAttributes(scBytes);
      expect([sc.SOPClassUID, sc.PhotometricInterpretation, sc.SamplesPerPixel]).toEqual(['1.2.840.10008.5.1.4.1.1.7', 'RGB', 3]);
      expect((sc.SourceImageSequence as { ReferencedSOPInstanceUID: string }[])[0]!.ReferencedSOPInstanceUID).toBe(inst.sopInstanceUid);
      expect([sc.Columns, sc.Rows]).toEqual([inst.prediction!.width, inst.prediction!.height]);
      // dcmtk reads both objects (and checks the SR's structure) where it is installed
      if (spawnSync('sh', ['-c', 'command -v dsrdump']).status === 0) {
        const f = join(dir, 'sr.dcm');
        writeFileSync(f, await client.retrieveInstance(studies[0]!, uids.srSeries, uids.srInstance));
        const dump = spawnSync('dsrdump', [f], { encoding: 'utf8' });
        expect(dump.status, dump.stderr).toBe(0);
        expect(dump.stderr).not.toMatch(/^E:/m);
        expect(dump.stdout).toContain('Probability of AFF');
      }
      expect((await readRadiograph(scBytes)).width).toBe(inst.prediction!.width);
    }
  });

  it('storing the same study again duplicates nothing: same UIDs, affnet results skipped', async () => {
    const before = await orthanc.instanceCount();
    const first = (await classify(studies[0]!)).body;
    expect(await orthanc.instanceCount()).toBe(before);
    expect(first.classified).toBe(2);
    expect(first.skipped).toBe(4);
    expect(first.instances.filter((i) => i.status === 'skipped').every((i) => /not a radiograph/.test(i.reason!))).toBe(true);
  });

  it('classifies one series only, and can leave the archive untouched (store=false)', async () => {
    const client = createDicomwebClient(orthanc.dicomweb);
    const series = (await client.searchSeries(studies[1]!)).map((s) => String(s['0020000E']!.Value![0]));
    const before = await orthanc.instanceCount();
    const { body } = await classify(`${studies[1]}/series/${series[0]}?store=false`);
    expect(body.classified).toBe(1);
    expect(body.stored).toBe(0);
    expect(await orthanc.instanceCount()).toBe(before);
  });

  it('refuses a bad UID (400) and reports an unreachable archive as 502 E_DICOMWEB', async () => {
    expect((await classify('not-a-uid')).status).toBe(400);
    const s = await createServer({ models: [{ name: 'tiny', model }], decodeThreads: 0, plugins: [dicomwebRoutes({ url: 'http://127.0.0.1:9/dicom-web', timeoutMs: 2000 })] });
    const u = await s.listen(0);
    try {
      const res = await fetch(`${u}/v1/dicomweb/studies/1.2.3`, { method: 'POST' });
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: string }).error).toBe('E_DICOMWEB');
    } finally {
      await s.close();
    }
  });
});
