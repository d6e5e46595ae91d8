import { describe, expect, it } from 'vitest';
import {
  addNoise,
  DdimScheduler,
  PndmScheduler,
  SD2_INPAINT_SCHEDULER,
  timestepsForStrength,
} from '../../src/main/pipeline/generate/schedulers';

// Expected values are written from diffusers' published algorithm (PNDMScheduler.set_timesteps / step_plms /
// _get_prev_sample, StableDiffusionInpaintPipeline.get_timesteps), not from the code under test.

/** ᾱ_t from the scaled_linear formula, recomputed here: β_i = (√0.00085 + (√0.012 − √0.00085)·i/999)². */
function alphaBar(t: number): number {
  let p = 1;
  for (let i = 0; i <= t; i++) {
    const s = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / 999;
    p *= 1 - s * s;
  }
  return p;
}

/** diffusers' _get_prev_sample written out for one element (epsilon prediction). */
function plmsUpdate(x: number, eps: number, t: number, tPrev: number): number {
  const a = alphaBar(t);
  const ap = tPrev >= 0 ? alphaBar(tPrev) : alphaBar(0);
  return Math.sqrt(ap / a) * x - ((ap - a) * eps) / (a * Math.sqrt(1 - ap) + Math.sqrt(a * (1 - a) * ap));
}

describe('noise schedule', () => {
  it('ᾱ_601 matches the beta formula and torch float32 (diffusers computes in float32)', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    expect(s.alphasCumprod[601]).toBeCloseTo(alphaBar(601), 12);
    // torch: cumprod(1 - linspace(0.00085**0.5, 0.012**0.5, 1000, float32)**2)[601]
    expect(s.alphasCumprod[601]).toBeCloseTo(0.15981633961200714, 6);
    expect(s.alphasCumprod[0]).toBeCloseTo(1 - 0.00085, 12);
  });

  it('addNoise is sqrt(ᾱ)·x + sqrt(1−ᾱ)·ε', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    const a = alphaBar(601);
    const out = addNoise(s.alphasCumprod, new Float32Array([2, -1]), new Float32Array([0.5, 3]), 601);
    expect(out[0]).toBeCloseTo(Math.sqrt(a) * 2 + Math.sqrt(1 - a) * 0.5, 5);
    expect(out[1]).toBeCloseTo(-Math.sqrt(a) + Math.sqrt(1 - a) * 3, 5);
  });
});

describe('PNDM timesteps (skip_prk_steps, steps_offset 1)', () => {
  it('20 steps: leading spacing 50, the second-highest timestep repeated', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(20);
    // _timesteps = [1, 51, ..., 951]; concat([_t[:-1], _t[-2:-1], _t[-1:]])[::-1]
    expect(s.timesteps).toEqual([951, 901, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201, 151, 101, 51, 1]);
  });

  it('strength 0.6 of 20 steps starts at t=601 with 13 model calls', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(20);
    // init_timestep = int(20·0.6) = 12, t_start = 8, timesteps[8:]
    expect(timestepsForStrength(s, 20, 0.6)).toEqual([601, 551, 501, 451, 401, 351, 301, 251, 201, 151, 101, 51, 1]);
  });

  it('strength 1 keeps every call; tiny strength is refused rather than doing nothing', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(4);
    // step ratio 250: _t = [1, 251, 501, 751] → [751, 501, 501, 251, 1]
    expect(timestepsForStrength(s, 4, 1)).toEqual([751, 501, 501, 251, 1]);
    expect(() => timestepsForStrength(s, 4, 0.1)).toThrow(/no denoising step/);
  });
});

describe('PNDM arithmetic', () => {
  const x = [1, -0.5, 0.25];
  const e0 = [0.3, 0.1, -0.2];
  const e1 = [0.1, -0.4, 0.5];
  const e2 = [-0.2, 0.2, 0.6];
  const e3 = [0.05, 0.3, -0.1];
  const f = (a: number[]) => new Float32Array(a);

  it('follows the counter-based multistep through the img2img start at 601', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(20);
    // Call 0 (t=601, counter 0): plain step 601 → 551 with e0; the start sample is remembered.
    const x1 = s.step(f(e0), 601, f(x));
    const exp1 = x.map((xi, i) => plmsUpdate(xi, e0[i]!, 601, 551));
    exp1.forEach((v, i) => expect(x1[i]).toBeCloseTo(v, 5));

    // Call 1 (t=551, counter 1): re-does 601 → 551 FROM THE START SAMPLE with (e1 + e0)/2; e1 not stored.
    const x2 = s.step(f(e1), 551, x1);
    const exp2 = x.map((xi, i) => plmsUpdate(xi, (e1[i]! + e0[i]!) / 2, 601, 551));
    exp2.forEach((v, i) => expect(x2[i]).toBeCloseTo(v, 5));

    // Call 2 (t=501, counter 2): ets = [e0, e2], two-step Adams-Bashforth (3·e2 − e0)/2, 501 → 451.
    const x3 = s.step(f(e2), 501, x2);
    const exp3 = exp2.map((xi, i) => plmsUpdate(xi, (3 * e2[i]! - e0[i]!) / 2, 501, 451));
    exp3.forEach((v, i) => expect(x3[i]).toBeCloseTo(v, 5));

    // Call 3 (t=451): ets = [e0, e2, e3], (23·e3 − 16·e2 + 5·e0)/12, 451 → 401.
    const x4 = s.step(f(e3), 451, x3);
    const exp4 = exp3.map((xi, i) => plmsUpdate(xi, (23 * e3[i]! - 16 * e2[i]! + 5 * e0[i]!) / 12, 451, 401));
    exp4.forEach((v, i) => expect(x4[i]).toBeCloseTo(v, 5));
  });

  it('the last call (t=1) steps to ᾱ_0 (set_alpha_to_one false)', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(20);
    // Counter 0 at t=1: prev = 1 − 50 < 0, so ᾱ_prev = final_alpha_cumprod = ᾱ_0.
    const out = s.step(f(e0), 1, f(x));
    x.forEach((xi, i) => expect(out[i]).toBeCloseTo(plmsUpdate(xi, e0[i]!, 1, -49), 5));
  });

  it('the PNDM update equals the DDIM η=0 update (an independent algebraic form)', () => {
    const s = new PndmScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(20);
    const out = s.step(f(e0), 601, f(x));
    const a = alphaBar(601);
    const ap = alphaBar(551);
    x.forEach((xi, i) => {
      const x0 = (xi - Math.sqrt(1 - a) * e0[i]!) / Math.sqrt(a);
      expect(out[i]).toBeCloseTo(Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * e0[i]!, 5);
    });
  });
});

describe('DDIM (η = 0)', () => {
  it('timesteps are the leading spacing without repetition, and the step is eq. (12)', () => {
    const s = new DdimScheduler(SD2_INPAINT_SCHEDULER);
    s.setTimesteps(20);
    expect(s.timesteps).toEqual([951, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201, 151, 101, 51, 1]);
    // init_timestep 12, t_start 8 → starts at 551 for DDIM (no repeated entry).
    expect(timestepsForStrength(s, 20, 0.6)[0]).toBe(551);
    const x = 0.7;
    const eps = -0.3;
    const out = s.step(new Float32Array([eps]), 551, new Float32Array([x]));
    const a = alphaBar(551);
    const ap = alphaBar(501);
    const x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
    expect(out[0]).toBeCloseTo(Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eps, 5);
  });
});
