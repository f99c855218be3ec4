// `dmsim sweep SPEC --k8s-manifest`: the shards as a Kubernetes Indexed Job, one pod per
// completion index, each running `--shard $JOB_COMPLETION_INDEX/N` on the project folder from a
// shared volume (cache and markers included), as Slurm's array tasks do on a shared file
// system. Kubernetes has no "after any" dependency: the merge is run once the Job has ended.
import type { SweepSpec } from '../analysis/sweep-spec.js';
import { shellWord } from './slurm.js';

export interface K8sOptions {
  /** Container image with Node.js (the project itself comes from the volume). */
  image?: string;
  /** PersistentVolumeClaim holding the project folder (with node_modules and .cache). */
  claim?: string;
}

export const DEFAULT_IMAGE = 'node:20-bookworm-slim';
export const DEFAULT_CLAIM = 'dmsim-project';
const MOUNT = '/work/dmsim';

/** The manifest text (YAML), the same for the same spec, shard count and options. */
export function k8sManifest(spec: SweepSpec, shards: number, options: K8sOptions = {}): string {
  const name = `dmsim-${spec.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 52).replace(/-+$/, '');
  const shard = `exec node bin/dmsim.js sweep ${shellWord(spec.file)} --shard "$JOB_COMPLETION_INDEX/${shards}"`;
  return `# The dmsim sweep ${spec.file} as a Kubernetes Indexed Job: ${shards} shards, one pod each.
# The project folder (with node_modules, installed by npm ci) is on the volume claim
# ${options.claim ?? DEFAULT_CLAIM}, mounted at ${MOUNT}; the cache and the shards' markers go there too.
#   kubectl apply -f job.yaml      # then, once job/${name} has ended (Complete or Failed):
#   dmsim sweep merge ${spec.file} --out table.csv      # in the project folder; names what is missing
# A failed index is retried once (backoffLimitPerIndex, Kubernetes 1.29+); the others go on.
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: dmsim-sweep
spec:
  completionMode: Indexed
  completions: ${shards}
  parallelism: ${shards}
  backoffLimitPerIndex: 1
  maxFailedIndexes: ${shards}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: dmsim-sweep
    spec:
      restartPolicy: Never
      containers:
        - name: shard
          image: ${options.image ?? DEFAULT_IMAGE}
          workingDir: ${MOUNT}
          command: ["sh", "-c", ${JSON.stringify(shard)}]
          env:
            # Markers name the node a shard ran on (the nondeterminism check compares hosts).
            - name: DMSIM_HOST
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
          resources:
            requests:
              cpu: "1"
          volumeMounts:
            - name: project
              mountPath: ${MOUNT}
      volumes:
        - name: project
          persistentVolumeClaim:
            claimName: ${options.claim ?? DEFAULT_CLAIM}
`;
}
