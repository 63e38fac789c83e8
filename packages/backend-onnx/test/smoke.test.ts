import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('@affnet/backend-onnx', () => {
  it('loads its public API', () => {
    expect(typeof api).toBe('object');
  });
});
