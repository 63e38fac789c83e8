import { it } from 'vitest';
import { buildNetwork, checkWeights, inferShapes } from '@affnet/core';
import { exportOnnx } from '../../src/export/exporter.js';
import { makePlan } from '../../src/export/plan.js';
import { encodeModel } from '../../src/proto/onnx.js';
import { randomWeights } from '../helpers/random.js';
it('archs', async () => {
    const graph = buildNetwork('vgg19', { inputSize: 64 });
    const weights = randomWeights(graph, 3);
    let t = Date.now();
    checkWeights(graph, weights, 'w'); console.log('check', Date.now() - t); t = Date.now();
    const e = exportOnnx(graph, weights); console.log('export', Date.now() - t); t = Date.now();
    encodeModel(e.model); console.log('encode', Date.now() - t); t = Date.now();
}, 120000);
