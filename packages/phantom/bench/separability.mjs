#!/usr/bin/env node
// Difficulty study: how separable AFF and NFF are at each difficulty D, for a simple classifier.
// Run after a build:   pnpm --filter @affnet/phantom build && node packages/phantom/bench/separability.mjs [perClass] [height]
// For each D in 0, 0.25, 0.5, 0.75, 1: `perClass` AFF and NFF patients (default 50), one AP radiograph
// each (default 700 px tall, to keep it quick), and two logistic regressions, 5-fold cross-validated
// (folds from @affnet/core's patientKFold):
//   measured — on cues measured from the pixels (|line angle|, lateral cortex thickening and periosteal
//              bump next to the line, cortical thickness away from it; src/measure/);
//   oracle   — on the drawn parameters as they project in that view (|apparent obliquity|, beak height,
//              comminution pieces, cortical thickness): what a perfect reader of these cues could reach.
// Prints accuracy (threshold 0.5) and ROC AUC of the out-of-fold probabilities.
import { createRng, patientKFold, rocAuc } from '@affnet/core';
import { drawPatient, drawView, fitLogistic, measureFeatures, predictLogistic, renderImage } from '../dist/index.js';

const perClass = Number(process.argv[2] ?? 50);
const height = Number(process.argv[3] ?? 700);

function crossValidate(rows, y, items) {
  const split = patientKFold({ items, positive: 'AFF' }, { k: 5, seed: 1 });
  const p = new Array(y.length);
  for (const fold of split.folds) {
    const m = fitLogistic(
      fold.train.map((i) => rows[i]),
      fold.train.map((i) => y[i]),
    );
    for (const i of fold.test) p[i] = predictLogistic(m, rows[i]);
  }
  const acc = p.filter((v, i) => (v > 0.5 ? 1 : 0) === y[i]).length / y.length;
  return { acc, auc: rocAuc(y, p) };
}

console.log(`difficulty study: ${perClass} AFF + ${perClass} NFF patients per D, one AP view each, ${height} px tall`);
console.log('D     measured acc / AUC    oracle acc / AUC');
for (const d of [0, 0.25, 0.5, 0.75, 1]) {
  const rng = createRng(1000 + Math.round(d * 100));
  const measured = [];
  const oracle = [];
  const y = [];
  const items = [];
  for (let i = 0; i < 2 * perClass; i++) {
    const label = i % 2 === 0 ? 'AFF' : 'NFF';
    const p = drawPatient(rng, i, label, d);
    const v = drawView(rng, p, 0, { height: [height, height] });
    const r = renderImage(p, v, createRng(rng.int(2 ** 32)));
    const m = measureFeatures({ width: r.width, height: r.height, data: r.stored }, r.truth);
    measured.push([m.angle, m.thickening, m.beak, m.cortex]);
    oracle.push([r.truth.fracture.angle, r.truth.fracture.beak, r.truth.fracture.pieces, p.femur.cortex]);
    y.push(label === 'AFF' ? 1 : 0);
    items.push({ label, patientId: p.patientId });
  }
  const a = crossValidate(measured, y, items);
  const o = crossValidate(oracle, y, items);
  console.log(`${d.toFixed(2)}  ${a.acc.toFixed(3)} / ${a.auc.toFixed(3)}         ${o.acc.toFixed(3)} / ${o.auc.toFixed(3)}`);
}
