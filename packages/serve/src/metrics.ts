/**
 * The service's Prometheus metrics (prom-client, one registry per server so that two servers in one
 * process do not mix): requests by route and status, errors by code, queue depth, batch sizes,
 * latency per stage, and which runtime and engine each model runs on. No label ever carries
 * request content (no file names, no UIDs).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const STAGES = ['decode', 'preprocess', 'queue', 'forward', 'overlay', 'total'] as const;
export type Stage = (typeof STAGES)[number];

export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'affnet_http_requests_total', help: 'HTTP requests answered, by route and status', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'affnet_errors_total', help: 'Errors answered, by error code', labelNames: ['code'], registers: [this.registry] });
  readonly images = new Counter({ name: 'affnet_images_total', help: 'Images predicted, by model', labelNames: ['model'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'affnet_queue_depth', help: 'Images waiting for a forward pass, by model', labelNames: ['model'], registers: [this.registry] });
  readonly decodeQueue = new Gauge({ name: 'affnet_decode_queue_depth', help: 'Images waiting for a decode thread', registers: [this.registry] });
  readonly inFlight = new Gauge({ name: 'affnet_requests_in_flight', help: 'Prediction requests being processed', registers: [this.registry] });
  readonly waiting = new Gauge({ name: 'affnet_requests_waiting', help: 'Prediction requests waiting for a processing slot', registers: [this.registry] });
  readonly batchSize = new Histogram({ name: 'affnet_batch_size', help: 'Images per forward pass', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly stage = new Histogram({
    name: 'affnet_stage_seconds',
    help: 'Latency per image and stage (decode, preprocess, queue, forward, overlay, total)',
    labelNames: ['stage', 'model'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly modelInfo = new Gauge({
    name: 'affnet_model_info',
    help: 'Models served (value 1), with their runtime',
    labelNames: ['model', 'architecture', 'pathway', 'backend', 'engine', 'precision'],
    registers: [this.registry],
  });
  readonly ready = new Gauge({ name: 'affnet_ready', help: '1 when every model is loaded and warm and the server is not draining', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'affnet_' });
  }

  observe(stage: Stage, model: string, ms: number): void {
    this.stage.observe({ stage, model }, ms / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
