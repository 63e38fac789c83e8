#!/usr/bin/env node
// Usage: node examples/dist/fastify-mount-main.js BUNDLE_DIR [PORT]
//   curl --data-binary @image.dcm http://127.0.0.1:PORT/affnet/v1/predict
import { createHostApp } from './fastify-mount.js';

const [bundle, port = '8080'] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write('usage: fastify-mount BUNDLE_DIR [PORT]\n');
  process.exit(2);
}
const host = await createHostApp({ bundle });
const url = await host.app.listen({ port: Number(port), host: '127.0.0.1' });
process.stderr.write(`host app on ${url}; affnet under ${url}/affnet\n`);
const stop = () => void host.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
