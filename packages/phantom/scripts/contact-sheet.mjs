#!/usr/bin/env node
// Renders packages/phantom/docs/contact-sheet.png (shown in the README) with the package itself.
// Run after a build:  pnpm --filter @affnet/phantom build && node packages/phantom/scripts/contact-sheet.mjs
import { writeFile } from 'node:fs/promises';
import { renderContactSheet } from '../dist/index.js';

const target = new URL('../docs/contact-sheet.png', import.meta.url);
const png = await renderContactSheet({ seed: 7, difficulty: 0.3 });
await writeFile(target, png);
console.log(`wrote ${target.pathname} (${(png.length / 1024).toFixed(0)} KB)`);
