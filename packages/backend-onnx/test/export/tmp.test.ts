import { it } from 'vitest';
import { createTransformersBackend } from '../../src/hf/transformers-backend.js';
import { createOnnxBackend } from '../../src/runtime/onnx-backend.js';
import { randomBundle } from '../helpers/bundle.js';
import { maxAbsDiff } from '../helpers/ort.js';
import { randomImages } from '../helpers/random.js';
it('hf fp16/int8', async () => {
  const bundle = await randomBundle('resnet18', 32, 5);
  const x = { data: randomImages(4, 32, 1), shape: [4, 32, 32, 3] as [number, number, number, number] };
  const cal = [{ data: randomImages(8, 32, 2), shape: [8, 32, 32, 3] as [number, number, number, number] }];
  for (const precision of ['fp16', 'int8'] as const) {
    const q = precision === 'int8' ? { quantization: { calibration: cal } } : {};
    const hf = await createTransformersBackend().load(bundle, { precision, engines: ['cpu'], ...q });
    const ort = await createOnnxBackend({ cacheDir: false }).load(bundle, { precision, engines: ['cpu'], ...q });
    console.log(precision, hf.runtime, maxAbsDiff((await hf.forward(x)).probabilities, (await ort.forward(x)).probabilities));
  }
}, 300000);
