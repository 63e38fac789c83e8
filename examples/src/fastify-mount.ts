/**
 * An existing fastify application that mounts affnet's service under a prefix: the host keeps its
 * own routes, body parsers and error handling; affnet's plugin brings POST /affnet/v1/predict
 * (micro-batched, decoding on worker threads), /affnet/v1/models, /affnet/health, /affnet/ready
 * and /affnet/metrics, each under its own token when one is given (fastify encapsulation keeps
 * the two apart). On close the host drains affnet (accepted requests are answered) before it
 * disposes the model.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { LoadedModel, ModelBundle } from '@affnet/core';
import { affnetPlugin, createAffnet, type Affnet } from '@affnet/serve';
import { loadModel } from './load-model.js';

export interface HostOptions {
  bundle: string | ModelBundle;
  /** @defaultValue 'auto' */
  runtime?: string;
  /** Where affnet's routes go. @defaultValue '/affnet' */
  prefix?: string;
  /** Bearer token for affnet's routes (the host's own routes have their own rules). */
  token?: string;
  /** Decode threads. @defaultValue 1 */
  decodeThreads?: number;
}

export interface Host {
  app: FastifyInstance;
  affnet: Affnet;
  model: LoadedModel;
  close(): Promise<void>;
}

export async function createHostApp(options: HostOptions): Promise<Host> {
  const model = await loadModel(options.bundle, options.runtime ?? 'auto');
  const affnet = await createAffnet({ models: [{ name: 'femur', model }], decodeThreads: options.decodeThreads ?? 1, maxBatch: 8 });
  await affnet.warm();

  const app = Fastify({ logger: false });
  // the host's own API: JSON in, JSON out, untouched by affnet's body parsers
  const notes: { patient: string; text: string }[] = [];
  app.post('/api/notes', async (req, reply) => {
    const body = req.body as { patient?: string; text?: string };
    if (!body?.patient || !body.text) return reply.code(400).send({ error: 'patient and text are required' });
    notes.push({ patient: body.patient, text: body.text });
    return reply.code(201).send({ id: notes.length });
  });
  app.get('/api/status', async () => ({ service: 'host', notes: notes.length, affnetReady: affnet.ready }));

  await app.register(affnetPlugin(affnet, options.token ? { token: options.token } : {}), { prefix: options.prefix ?? '/affnet' });
  return {
    app,
    affnet,
    model,
    async close() {
      affnet.drain(); // affnet's routes answer 503 from now on; accepted requests finish
      await app.close();
      await affnet.close();
      await model.dispose();
    },
  };
}
