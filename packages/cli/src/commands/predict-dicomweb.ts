/**
 * `affnet predict --dicomweb URL --study UID [--series UID] [--no-store]`: the server's DICOMweb
 * classifier (@affnet/serve `classifyStudy`) from the command line, on the same pipeline (decode
 * thread, micro-batcher): one JSON line per instance on stdout (classified, skipped with the reason,
 * or failed with the error), the results stored back unless --no-store. Exit 3 when an instance failed.
 */
import { AffnetError } from '@affnet/core';
import { classifyStudy, createDicomwebClient, createPreparePool, ModelPipeline } from '@affnet/serve';
import { CliError } from '../errors.js';
import { emitLine } from '../output.js';
import { loadBundleOn } from '../runtime/backends.js';

export interface PredictDicomwebOptions {
  bundle: string;
  runtime: string;
  dicomweb: string;
  study?: string;
  series?: string;
  store: boolean;
  batchSize: number;
  out?: string;
  cam?: boolean;
  clicks?: string;
}

export async function predictDicomweb(inputs: string[], o: PredictDicomwebOptions): Promise<void> {
  if (inputs.length > 0) throw new AffnetError('E_OPTION_INVALID', `--dicomweb classifies a study on the archive: give no files (got "${inputs[0]}")`);
  if (!o.study) throw new AffnetError('E_OPTION_INVALID', '--dicomweb: give --study UID (and optionally --series UID)');
  if (o.out || o.cam || o.clicks)
    throw new AffnetError(
      'E_OPTION_INVALID',
      `--dicomweb stores its results in the archive (a CAM Secondary Capture and an SR per image): ${o.out ? '--out' : o.cam ? '--cam' : '--clicks'} does not apply`,
    );
  const client = createDicomwebClient(o.dicomweb, process.env.AFFNET_DICOMWEB_TOKEN ? { token: process.env.AFFNET_DICOMWEB_TOKEN } : {});
  const model = await loadBundleOn(o.bundle, o.runtime, { features: o.store });
  const pool = createPreparePool(new Map([['bundle', model.bundle.manifest]]), 1);
  const pipeline = new ModelPipeline('bundle', model, pool, { maxBatch: o.batchSize });
  try {
    const outcome = await classifyStudy({ client, pipeline, study: o.study, ...(o.series ? { series: o.series } : {}), store: o.store, concurrency: o.batchSize, onInstance: (i) => emitLine(i) });
    for (const i of outcome.instances.filter((x) => x.status === 'skipped')) emitLine(i);
    process.stderr.write(`predict: ${outcome.classified} classified, ${outcome.skipped} skipped (not radiographs), ${outcome.failed} failed, ${outcome.stored} stored back\n`);
    if (outcome.failed > 0) throw new CliError(`predict: ${outcome.failed} instances failed (see their records)`, 3);
  } finally {
    await pool.close();
    await model.dispose();
  }
}
