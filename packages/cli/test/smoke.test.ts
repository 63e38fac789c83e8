import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('@affnet/cli', () => {
  it('loads its public API', () => {
    expect(typeof api).toBe('object');
  });
});
