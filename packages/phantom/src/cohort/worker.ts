/** Worker thread entry of the cohort pool: renders and writes the images it is sent. @internal */
import { parentPort } from 'node:worker_threads';
import { isAffnetError } from '@affnet/core';
import type { ImageJob } from './plan.js';
import { writeImage, type WriteSettings } from './write-image.js';

parentPort?.on('message', async (msg: { index: number; job: ImageJob; settings: WriteSettings }) => {
  try {
    const record = await writeImage(msg.job, msg.settings);
    parentPort!.postMessage({ index: msg.index, record });
  } catch (e) {
    const error = { message: e instanceof Error ? e.message : String(e), code: isAffnetError(e) ? e.code : 'E_IO' };
    parentPort!.postMessage({ index: msg.index, error });
  }
});
