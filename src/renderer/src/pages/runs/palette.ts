/** Distinguishable in light and dark themes; a run keeps its colour across every chart of a comparison. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
export const colour = (i: number) => PALETTE[i % PALETTE.length]!;
