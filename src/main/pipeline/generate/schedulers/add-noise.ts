/** The forward process q(x_t | x_0): sqrt(ᾱ_t)·x0 + sqrt(1−ᾱ_t)·ε (diffusers' `add_noise`). */
export function addNoise(alphasCumprod: Float64Array, x0: Float32Array, noise: Float32Array, timestep: number): Float32Array {
  const a = alphasCumprod[timestep];
  if (a === undefined) throw new Error(`timestep ${timestep} is outside the training schedule (0..${alphasCumprod.length - 1})`);
  if (x0.length !== noise.length) throw new Error(`addNoise: latent has ${x0.length} values, noise ${noise.length}`);
  const sa = Math.sqrt(a);
  const sb = Math.sqrt(1 - a);
  const out = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = sa * x0[i]! + sb * noise[i]!;
  return out;
}
