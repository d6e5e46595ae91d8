/** Distinguishable in light and dark themes. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
export const colour = (i: number) => PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;

/**
 * A run's colour, from its id: the same in every chart and whatever else is selected beside it (colouring by
 * position in the selection gave a run another colour whenever a run before it was added or removed).
 */
export const runColour = (runId: number) => colour(runId - 1);
