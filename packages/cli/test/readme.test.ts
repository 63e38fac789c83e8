import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { optionTable } from '../src/options/table.js';

describe('packages/cli/README.md', () => {
  it('holds the option table of the program as it is (regenerate with optionTable(buildProgram()))', () => {
    const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- options:start -->\n([\s\S]*?)\n<!-- options:end -->/.exec(text)?.[1];
    expect(block).toBe(optionTable(buildProgram()));
  });

  it('lists no retired flag among the options', () => {
    expect(optionTable(buildProgram())).not.toMatch(/`--(backend|engine|precision|cam-cases|cam-images|batch) /);
  });
});
