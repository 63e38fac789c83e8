// Stands in for node:module inside the GPU comparison bundle: core loads the DICOM libraries
// (dicom-parser, dcmjs) with createRequire at module load, which a bundler leaves to run time. The
// comparison never reads DICOM, so those resolve to stand-ins that fail loudly if ever used.
import * as real from 'node:module?real';
const absent = new Set(['dicom-parser', 'dcmjs']);
export function createRequire(url) {
  const req = real.createRequire(url);
  const wrapped = (name) => {
    if (absent.has(name)) {
      return new Proxy(
        {},
        {
          get: (_t, key) => {
            throw new Error(`${name} is not in the GPU comparison bundle (used: ${String(key)})`);
          },
        },
      );
    }
    return req(name);
  };
  wrapped.resolve = req.resolve;
  return wrapped;
}
export default { ...real, createRequire };
