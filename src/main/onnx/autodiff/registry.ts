import type { GradientRule } from './rule-types';
import { activationRules } from './rules/activations';
import { convRules } from './rules/conv';
import { elementwiseRules } from './rules/elementwise';
import { gatherRules } from './rules/gather';
import { matmulRules } from './rules/matmul';
import { normalizationRules } from './rules/normalization';
import { poolRules } from './rules/pool';
import { reduceRules } from './rules/reduce';
import { resizeRules } from './rules/resize';
import { shapeOpRules } from './rules/shape-ops';
import { softmaxRules } from './rules/softmax';
import { zeroGradientRules } from './rules/zero-gradient';

// The single op-type -> gradient rule table used by vjp.
export const gradientRegistry: ReadonlyMap<string, GradientRule> = new Map(
  Object.entries({
    ...elementwiseRules,
    ...activationRules,
    ...softmaxRules,
    ...shapeOpRules,
    ...gatherRules,
    ...matmulRules,
    ...convRules,
    ...poolRules,
    ...normalizationRules,
    ...reduceRules,
    ...resizeRules,
    ...zeroGradientRules,
  }),
);
