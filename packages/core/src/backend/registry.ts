/**
 * A registry *instance* of backends (no global state, so tests can make their own). Backends
 * register by name and priority; `resolve` tries the caller's preferences in order, else by
 * priority, and when none works throws one error listing every candidate with its reason.
 * A backend the caller asked for but that is missing is named, never silently replaced.
 */
import { AffnetError } from '../errors.js';
import type { InferenceBackend } from './types.js';

export type BackendFactory = () => Promise<InferenceBackend>;

export interface Resolved {
  backend: InferenceBackend;
  name: string;
  skipped: { name: string; reason: string }[];
}

export interface BackendRegistry {
  register(name: string, factory: BackendFactory, priority?: number): void;
  names(): string[];
  resolve(preferences?: string[], options?: { allowFallback?: boolean }): Promise<Resolved>;
}

export function createBackendRegistry(): BackendRegistry {
  const entries = new Map<string, { factory: BackendFactory; priority: number }>();
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
    register(name, factory, priority = 0) {
      entries.set(name, { factory, priority });
      initialised.delete(name);
    },
    names() {
      return [...entries.keys()];
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
      throw new AffnetError(
        'E_BACKEND_UNAVAILABLE',
        `no backend could be initialised: ${skipped.map((s) => `[${s.name}] ${s.reason}`).join('; ') || 'none registered'}`,
      );
    },
  };
}
