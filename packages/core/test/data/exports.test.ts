// The public entry point re-exports the data and metrics API (a sample of names, checked once).
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';

describe('@affnet/core exports data and metrics', () => {
  it.each([
    'loadManifest',
    'parseManifest',
    'writeManifest',
    'saveManifest',
    'FRACATLAS_MAPPING',
    'MANIFEST_PRESETS',
    'MANIFEST_HEADER_ALIASES',
    'patientKFold',
    'leaveOnePatientOut',
    'patientHoldout',
    'splitStats',
    'groupByPatient',
    'manifestTargets',
    'rocAuc',
    'rocCurve',
    'youdenThreshold',
    'thresholdForSensitivity',
    'bootstrapCi',
    'delongTest',
    'pairedBootstrapAuc',
    'expectedCalibrationError',
    'calibrationCurve',
    'meanSd',
    'aggregateByPatient',
    'binaryMetrics',
    'FoldMetricsAccumulator',
  ])('%s', (name) => {
    expect((core as Record<string, unknown>)[name]).toBeDefined();
  });
});
