// Thrown while building a gradient graph when a node on the path from `wrt` to `of` has no gradient rule.
export class MissingGradientError extends Error {
  readonly opType: string;
  readonly nodeName: string;

  constructor(opType: string, nodeName: string, detail?: string) {
    super(`no gradient rule for op ${opType} (node "${nodeName}")${detail ? `: ${detail}` : ''}`);
    this.name = 'MissingGradientError';
    this.opType = opType;
    this.nodeName = nodeName;
  }
}

// The op has a rule, but this particular use of it is outside what the rule supports (e.g. unknown static shape).
export class UnsupportedGradientError extends Error {
  constructor(opType: string, nodeName: string, reason: string) {
    super(`cannot differentiate ${opType} node "${nodeName}": ${reason}`);
    this.name = 'UnsupportedGradientError';
  }
}
