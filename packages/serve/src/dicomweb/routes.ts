/**
 * The DICOMweb routes of `createServer` (a plugin, see `ServerOptions.plugins`):
 *
 *   POST /v1/dicomweb/studies/:study[/series/:series][?model=NAME][&store=false]
 *        → classify every radiograph in it on the configured DICOMweb server and (unless
 *          store=false) store the CAM Secondary Capture and the SR back; JSON summary per instance.
 *
 * The whole study counts as one admitted request (one slot, the request timeout).
 */
import type { FastifyInstance } from 'fastify';
import { ServeError } from '../http-errors.js';
import type { Affnet } from '../server.js';
import { classifyStudy } from './classify.js';
import { createDicomwebClient, type DicomwebClientOptions } from './client.js';

export interface DicomwebRouteOptions extends DicomwebClientOptions {
  /** The DICOMweb root, e.g. http://pacs:8042/dicom-web */
  url: string;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

export function dicomwebRoutes(options: DicomwebRouteOptions): (app: FastifyInstance, affnet: Affnet) => void {
  const client = createDicomwebClient(options.url, options);
  return (app, affnet) => {
    const handler = async (req: { params: unknown; query: unknown }) => {
      const { study, series } = req.params as { study: string; series?: string };
      const q = req.query as Record<string, string | undefined>;
      for (const [name, v] of [
        ['study', study],
        ['series', series],
      ] as const) {
        if (v !== undefined && (!UID.test(v) || v.length > 64)) {
          throw new ServeError('E_BAD_REQUEST', `${name} "${v.slice(0, 70)}" is not a DICOM UID`, 400);
        }
      }
      const pipeline = affnet.pipeline(q.model);
      return affnet.admitted(() => classifyStudy({ client, pipeline, study, ...(series ? { series } : {}), store: q.store !== 'false' }));
    };
    app.post('/v1/dicomweb/studies/:study', handler);
    app.post('/v1/dicomweb/studies/:study/series/:series', handler);
  };
}
