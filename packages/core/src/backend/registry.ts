/**
 * A registry *instance* of backends (no global state, so tests can make their own). Backends
 * register by name and priority; `resolve` tries the caller's preferences in order, else by
 * priority, and when none works throws one error listing every candidate with its reason.
 * A backend the caller asked for but that is missing is named, never silently replaced.
 */
import { AffnetError } from '../errors.js';
import type { BackendCapabilities, InferenceBackend } from './types.js';

export type BackendFactory = () => Promise<InferenceBackend>;

export interface BackendEntryOptions {
  /** Higher first, when no preference is given and for `auto`. @defaultValue 0 */
  priority?: number;
  /** What the backend can do, known before it is created (checked against requests before any work). */
  capabilities?: BackendCapabilities;
  /**
   * Whether `auto` may choose this backend, and on which engine (unset: the backend's best
   * available). `false`: only when named. @defaultValue {}
   */
  auto?: { engine?: string } | false;
}

export interface BackendEntry {
  name: string;
  priority: number;
  capabilities?: BackendCapabilities;
  auto: { engine?: string } | false;
}

export interface Resolved {
  backend: InferenceBackend;
  name: string;
  skipped: { name: string; reason: string }[];
}

export interface BackendRegistry {
  /** @param options - a priority, or the entry's options */
  register(name: string, factory: BackendFactory, options?: number | BackendEntryOptions): void;
  names(): string[];
  /** Registered backends, highest priority first (nothing is created). */
  entries(): BackendEntry[];
  /** Initialise one backend by name (once; a failure is retried on the next call). */
  create(name: string): Promise<InferenceBackend>;
  resolve(preferences?: string[], options?: { allowFallback?: boolean }): Promise<Resolved>;
}

export function createBackendRegistry(): BackendRegistry {
  const entries = new Map<string, { factory: BackendFactory } & BackendEntry>();
  const initialised = new Map<string, Promise<InferenceBackend>>();

  const init = (name: string): Promise<InferenceBackend> => {
    let p = initialised.get(name);
    if (!p) {
      p = entries.get(name)!.factory();
      initialised.set(name, p);
      p.catch(() => initialised.delete(name));
    }
    return p;
  };

  return {
    register(name, factory, options = 0) {
      const o: BackendEntryOptions = typeof options === 'number' ? { priority: options } : options;
      entries.set(name, { name, factory, priority: o.priority ?? 0, ...(o.capabilities ? { capabilities: o.capabilities } : {}), auto: o.auto ?? {} });
      initialised.delete(name);
    },
    names() {
      return [...entries.keys()];
    },
    entries() {
      return [...entries.values()].sort((a, b) => b.priority - a.priority).map(({ factory: _f, ...e }) => e);
    },
    create(name) {
      if (!entries.has(name)) {
        return Promise.reject(new AffnetError('E_BACKEND_UNAVAILABLE', `backend "${name}" is not registered (available: ${[...entries.keys()].join(', ') || 'none'})`));
      }
      return init(name);
    },
    async resolve(preferences = [], options = {}) {
      const byPriority = [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
      const unknown = preferences.filter((p) => !entries.has(p));
      const skipped: { name: string; reason: string }[] = unknown.map((name) => ({
        name,
        reason: `not registered (available: ${byPriority.join(', ') || 'none'})`,
      }));
      const order =
        preferences.length === 0
          ? byPriority
          : options.allowFallback
            ? [...preferences.filter((p) => entries.has(p)), ...byPriority.filter((n) => !preferences.includes(n))]
            : preferences.filter((p) => entries.has(p));
      for (const name of order) {
        try {
          return { backend: await init(name), name, skipped };
        } catch (e) {
          skipped.push({ name, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      throw new AffnetError('E_BACKEND_UNAVAILABLE', `no backend could be initialised: ${skipped.map((s) => `[${s.name}] ${s.reason}`).join('; ') || 'none registered'}`);
    },
  };
}
