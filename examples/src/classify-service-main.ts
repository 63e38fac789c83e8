#!/usr/bin/env node
// Usage: node examples/dist/classify-service-main.js BUNDLE_DIR [PORT]
import { createClassifyService } from './classify-service.js';

const [bundle, port = '8080'] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write('usage: classify-service BUNDLE_DIR [PORT]\n');
  process.exit(2);
}
const service = await createClassifyService({ bundle, log: (l) => process.stderr.write(`${l}\n`) });
service.server.listen(Number(port), '127.0.0.1', () => process.stderr.write(`listening on http://127.0.0.1:${port}\n`));
