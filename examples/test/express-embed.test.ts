import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictImages, preprocess, readRadiograph } from '@affnet/core';
import { createTriageApp, type TriageApp } from '../src/index.js';
import { png, tinyBundle } from './helpers.js';

let triage: TriageApp;
let url: string;
const lines: string[] = [];

beforeAll(async () => {
  triage = await createTriageApp({ bundle: tinyBundle(4), reviewAt: 0.5, maxBytes: 200_000, log: (l) => lines.push(l) });
  url = (await triage.listen()).url;
}, 120_000);
afterAll(async () => triage?.close());

describe('affnet embedded in an existing express app (examples/src/express-embed.ts)', () => {
  it('triages concurrent uploads in shared forward passes, each with the probability core gives', async () => {
    const bodies = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => png(k)));
    const answers = await Promise.all(bodies.map(async (body) => (await (await fetch(`${url}/triage`, { method: 'POST', body })).json()) as { review: boolean; probability: number }));
    for (let i = 0; i < bodies.length; i++) {
      const r = await readRadiograph(new Uint8Array(bodies[i]!));
      const [p] = await predictImages(triage.pipeline.model, [preprocess(r, triage.pipeline.model.bundle.manifest.preprocessing)]);
      expect(answers[i]!.probability).toBeCloseTo(p!.probability, 6);
      expect(answers[i]!.review).toBe(p!.probability >= 0.5);
    }
  });

  it('answers unreadable uploads with 422 and the code, too-large ones with 413; logs codes only', async () => {
    const bad = await fetch(`${url}/triage`, { method: 'POST', body: Buffer.from('PatientName=DOE^JOHN') });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^E_IMAGE_|^E_DICOM_/);
    expect((await fetch(`${url}/triage`, { method: 'POST', body: Buffer.alloc(300_000, 7) })).status).toBe(413);
    expect(lines.join('\n')).not.toContain('DOE');
    expect(lines.some((l) => /^triage failed E_/.test(l))).toBe(true);
  });
});
