// Shared vitest settings: tests import sibling packages from their sources, so a change in
// @affnet/core is seen by every package's tests without a rebuild.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export function affnetVitestConfig(overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: {
      alias: {
        '@affnet/core': pkg('core'),
        '@affnet/phantom': pkg('phantom'),
        '@affnet/backend-tfjs': pkg('backend-tfjs'),
        '@affnet/backend-onnx': pkg('backend-onnx'),
        '@affnet/eval': pkg('eval'),
        '@affnet/serve': pkg('serve'),
      },
    },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest-report.json' },
      maxWorkers: 2,
    },
  });
}
