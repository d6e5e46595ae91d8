import path from 'node:path';

/** Files of one run under <project>/runs/<runId>/; fixed names, so a redone epoch overwrites rather than adds. */
export function runFiles(runsDir: string, runId: number) {
  const dir = path.join(runsDir, String(runId));
  return {
    dir,
    checkpoint: path.join(dir, 'checkpoint.bin'),
    projection: path.join(dir, 'projection.bin'),
    labelFeatures: path.join(dir, 'label-features.bin'),
    /** An epoch's step metrics, written before its checkpoint, so a kill between the two loses nothing. */
    epochMetrics: (epoch: number) => path.join(dir, `epoch-${epoch}-metrics.json`),
  };
}

/** Project-relative form stored in the database ('runs/12/checkpoint.bin'). */
export function runRelative(runId: number, file: string): string {
  return `runs/${runId}/${path.basename(file)}`;
}
