// placeholder
import type { SweepSpec } from '../analysis/sweep-spec.js';
export async function runParallel(spec: SweepSpec, options: { hosts: string; shards?: number; retries: number; out?: string }): Promise<number> {
  return spec.name.length + options.retries;
}
