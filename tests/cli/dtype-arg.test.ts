import { describe, expect, it } from 'vitest';
import { dtypeArg } from '../../src/cli/commands/models';

describe('synood models download --dtype', () => {
  it('takes one dtype for every file, or one per transformers.js session name', () => {
    expect(dtypeArg('q4')).toBe('q4');
    expect(dtypeArg(' fp16 ')).toBe('fp16');
    expect(dtypeArg('decoder_model_merged=q4, vision_encoder=fp16')).toEqual({ decoder_model_merged: 'q4', vision_encoder: 'fp16' });
  });

  it('names the part it cannot read', () => {
    expect(() => dtypeArg('q3')).toThrow("'q3' is neither a dtype");
    expect(() => dtypeArg('decoder_model_merged=q4=x')).toThrow("'decoder_model_merged=q4=x' is neither a dtype");
    expect(() => dtypeArg('embed_tokens=int4')).toThrow("'int4' (for embed_tokens) is not one of fp32, fp16, q8");
  });
});
