/**
 * Dynamic micro-batching: images from concurrent requests are grouped into one forward pass of up to
 * `maxBatch` images. When the model is idle the first image waits at most `maxDelayMs` for others
 * (not at all when no other image is being decoded);
 * images that arrive while a pass runs go into the next pass as soon as it ends. One pass runs at a
 * time per model (a runtime uses every core for one pass already). The forward is core's
 * runtime-neutral `predictImages`, so a served probability is the one `affnet predict` gives.
 */
import { AffnetError, predictImages, type ImagePrediction, type LoadedModel } from '@affnet/core';

export interface BatcherOptions {
  /** @defaultValue 16 */
  maxBatch?: number;
  /** @defaultValue 5 */
  maxDelayMs?: number;
  /** Decision threshold on the positive probability. @defaultValue 0.5 */
  threshold?: number;
  /**
   * How many images are on their way (being decoded) and not submitted yet: when none is, an idle
   * model runs at once instead of waiting `maxDelayMs` for images that are not coming.
   */
  upstream?: () => number;
  /** Told after each pass: how many images, how long the forward took (ms). */
  onBatch?: (size: number, forwardMs: number) => void;
}

export interface BatchedPrediction {
  prediction: ImagePrediction;
  /** Images in the pass this one ran in. */
  batchSize: number;
  /** Time from submit to the start of its pass (ms). */
  queueMs: number;
  forwardMs: number;
}

interface Pending {
  data: Float32Array;
  cam: boolean;
  at: number;
  resolve: (r: BatchedPrediction) => void;
  reject: (e: unknown) => void;
}

export class MicroBatcher {
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  private readonly pending: Pending[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly model: LoadedModel,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 16;
    this.maxDelayMs = options.maxDelayMs ?? 5;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1 || this.maxBatch > 256) throw new AffnetError('E_OPTION_INVALID', `maxBatch: ${this.maxBatch}; valid: 1..256`);
    if (!(this.maxDelayMs >= 0 && this.maxDelayMs <= 10_000)) throw new AffnetError('E_OPTION_INVALID', `maxDelayMs: ${this.maxDelayMs}; valid: 0..10000`);
  }

  /** Images waiting for a pass. */
  get depth(): number {
    return this.pending.length;
  }

  /** Whether a pass is running. */
  get busy(): boolean {
    return this.running;
  }

  /** One preprocessed image (`[N, N, 3]` values); resolves with its prediction once its pass has run. */
  submit(data: Float32Array, cam = false): Promise<BatchedPrediction> {
    return new Promise((resolve, reject) => {
      this.pending.push({ data, cam, at: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is waiting and no pass runs. */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private schedule(): void {
    if (this.running || this.pending.length === 0) return;
    if (this.pending.length >= this.maxBatch || this.maxDelayMs === 0 || this.options.upstream?.() === 0) {
      this.flush();
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.maxDelayMs - (performance.now() - this.pending[0]!.at));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.pending.length === 0) return;
    const items = this.pending.splice(0, this.maxBatch);
    this.running = true;
    void this.run(items).finally(() => {
      this.running = false;
      // Whatever arrived during the pass has waited long enough: run it now.
      if (this.pending.length > 0) this.flush();
      else for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async run(items: Pending[]): Promise<void> {
    const start = performance.now();
    const cam = items.some((i) => i.cam);
    try {
      const predictions = await predictImages(this.model, items, { cam, batchSize: items.length, threshold: this.options.threshold ?? 0.5 });
      const forwardMs = performance.now() - start;
      this.options.onBatch?.(items.length, forwardMs);
      items.forEach((item, k) => {
        const { cam: map, ...rest } = predictions[k]!;
        item.resolve({ prediction: item.cam && map ? { ...rest, cam: map } : rest, batchSize: items.length, queueMs: start - item.at, forwardMs });
      });
    } catch (e) {
      for (const item of items) item.reject(e);
    }
  }
}
