import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('@affnet/phantom', () => {
  it('loads its public API', () => {
    expect(typeof api).toBe('object');
  });
});
