import { checkShardCount, shardArgs, type ShardJobOptions } from './scheduler-common';
import { toYaml, type Yaml } from './yaml';

export interface K8sOptions extends ShardJobOptions {
  image: string;
  /** Pods at once (default: all shards). */
  parallelism?: number;
  jobName?: string;
  namespace?: string;
  /** A PersistentVolumeClaim holding the project, the bundles and the models. */
  claim: string;
  /** Where the claim is mounted: project, bundle and model paths must be the paths seen under it. */
  mountPath: string;
  gpus?: number;
  cpu?: string;
  memory?: string;
  /** Retries of one shard before its index counts as failed. */
  retriesPerShard?: number;
}

const INDEX_ANNOTATION = "metadata.annotations['batch.kubernetes.io/job-completion-index']";

/**
 * A Kubernetes Indexed Job: `completions` shards, pod i gets completion index i and runs shard i. The index is
 * declared as JOB_COMPLETION_INDEX from the pod's annotation (the downward API), so the $(…) reference in the
 * arguments is expanded by the kubelet without a shell in the image.
 */
export function k8sManifest(o: K8sOptions): string {
  checkShardCount(o.shards);
  const name = o.jobName ?? `synood-${o.plan.stage}`;
  const labels = { 'app.kubernetes.io/name': 'synood', 'synood/stage': o.plan.stage };
  const limits: Record<string, Yaml> = {};
  const requests: Record<string, Yaml> = {};
  if (o.gpus) limits['nvidia.com/gpu'] = o.gpus;
  if (o.cpu) requests.cpu = limits.cpu = o.cpu;
  if (o.memory) requests.memory = limits.memory = o.memory;
  const [cmd, ...rest] = [o.synood ?? 'synood', ...shardArgs(o, '$(JOB_COMPLETION_INDEX)')];
  const job: Yaml = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: Math.min(o.parallelism ?? o.shards, o.shards),
      backoffLimitPerIndex: o.retriesPerShard ?? 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'shard',
              image: o.image,
              command: [cmd!],
              args: rest,
              env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: INDEX_ANNOTATION } } }],
              ...(Object.keys(limits).length ? { resources: { ...(Object.keys(requests).length ? { requests } : {}), limits } } : {}),
              volumeMounts: [{ name: 'synood-data', mountPath: o.mountPath }],
            },
          ],
          volumes: [{ name: 'synood-data', persistentVolumeClaim: { claimName: o.claim } }],
        },
      },
    },
  };
  return toYaml(job);
}
