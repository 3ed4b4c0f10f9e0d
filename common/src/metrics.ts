import { Registry, collectDefaultMetrics } from 'prom-client';

/** A Prometheus registry with the process's default metrics, prefixed `sift_`. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'sift_' });
  return registry;
}
