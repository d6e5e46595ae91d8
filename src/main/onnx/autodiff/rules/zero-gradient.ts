import type { GradientRule } from '../rule-types';

// Float-valued ops that are piecewise constant or ignore their input's values: their gradient is zero
// almost everywhere, so they stop the flow without an error. (Integer/bool-valued ops such as Shape, Size,
// Equal or NonZero never carry a gradient in the first place and need no entry.)
const none: GradientRule = () => [];

export const zeroGradientRules: Record<string, GradientRule> = Object.fromEntries(
  ['Floor', 'Ceil', 'Round', 'Sign', 'ConstantOfShape', 'RandomNormalLike', 'RandomUniformLike', 'EyeLike', 'Range'].map(
    (op) => [op, none],
  ),
);
