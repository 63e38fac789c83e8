export { createHostApp, type Host, type HostOptions } from './fastify-mount.js';
export { createTriageApp, type TriageApp, type TriageOptions } from './express-embed.js';
export { loadModel } from './load-model.js';
