// placeholder
import type { SweepSpec } from '../analysis/sweep-spec.js';
export function k8sManifest(spec: SweepSpec, shards: number, options: { image?: string; claim?: string }): string {
  return `${spec.name} ${shards} ${options.image ?? ''}\n`;
}
