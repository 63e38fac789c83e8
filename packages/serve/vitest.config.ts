import { affnetVitestConfig } from '../../vitest.shared.js';

export default affnetVitestConfig();
