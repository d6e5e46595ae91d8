"""Torch side of bench/real-shape.bench.ts (npm run bench:real-shape).

`export DIR`: writes, with seeded random weights, the two guidance models as ONNX (opset 17) for our side:
  DIR/vae_decoder.onnx  Stable Diffusion's VAE decoder geometry (scripts/torch-check/resnet50_vae.py VaeDecoder:
                        latent_sample [1,4,h,w] -> sample [1,3,8h,8w])
  DIR/resnet50.onnx     torchvision resnet50 (eval; the export folds BatchNorm into the convs), input -> logits
`measure`: the guidance step in torch autograd with the very same weights (same seed): u -> decoder ->
  clamp(x/2+0.5) -> bilinear antialias resize to 232 -> centre crop 224 -> ImageNet normalise -> resnet50 ->
  the official loss (-5 - (mean f - logsumexp f))^2 -> backward to u. Prints one JSON line with the median
  forward (no_grad) and forward+backward times and the process's peak RSS (VmHWM, read from /proc so the
  parent's memory is not counted).
`idle`: the peak RSS of this process with torch and torchvision imported and nothing run (the runtime's own
  baseline, printed beside the measured peak; the goal compares the whole peaks).
Usage: /usr/bin/python3 bench/real-shape-reference.py export DIR [--latent 64]
       /usr/bin/python3 bench/real-shape-reference.py measure [--latent 64] [--threads 2] [--reps 2] [--device cuda]
`--device cuda` (bench/gpu/run.sh) also times ResNet-50 forward+backward to the input at batch 8; peak RSS is then
not comparable (CUDA context) and the GPU's peak allocation is reported instead.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts', 'torch-check'))
from resnet50_vae import VaeDecoder  # noqa: E402

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def models():
    torch.manual_seed(0)
    decoder = VaeDecoder().eval()
    resnet = torchvision.models.resnet50().eval()
    for p in list(decoder.parameters()) + list(resnet.parameters()):
        p.requires_grad_(False)
    return decoder, resnet


def peak_rss_mb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(out_dir, latent):
    os.makedirs(out_dir, exist_ok=True)
    decoder, resnet = models()
    torch.onnx.export(decoder, torch.zeros(1, 4, latent, latent), os.path.join(out_dir, 'vae_decoder.onnx'),
                      opset_version=17, input_names=['latent_sample'], output_names=['sample'])
    torch.onnx.export(resnet, torch.zeros(1, 3, 224, 224), os.path.join(out_dir, 'resnet50.onnx'),
                      opset_version=17, input_names=['input'], output_names=['logits'])
    print(json.dumps({'exported': out_dir, 'decoder_params': sum(p.numel() for p in decoder.parameters()),
                      'resnet_params': sum(p.numel() for p in resnet.parameters())}))


def guidance_loss(decoder, resnet, u):
    mean, std = MEAN.to(u.device), STD.to(u.device)
    image01 = torch.clamp(decoder(u) / 2 + 0.5, 0, 1)
    resized = F.interpolate(image01, size=(232, 232), mode='bilinear', antialias=True, align_corners=False)
    top = round((232 - 224) / 2)
    pixels = (resized[:, :, top:top + 224, top:top + 224] - mean) / std
    f = resnet(pixels)
    s = f.mean(dim=1) - torch.logsumexp(f, dim=1)
    return ((-5 - s) ** 2).mean()


def measure(latent, threads, reps, device='cpu'):
    torch.set_num_threads(threads)
    decoder, resnet = models()
    decoder, resnet = decoder.to(device), resnet.to(device)
    u = torch.randn(1, 4, latent, latent, generator=torch.Generator().manual_seed(1)).to(device)
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)

    def forward():
        with torch.no_grad():
            guidance_loss(decoder, resnet, u)

    def gradient():
        ui = u.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(guidance_loss(decoder, resnet, ui), ui)
        return g

    x8 = torch.randn(8, 3, 224, 224).to(device)

    def resnet_b8_vjp():
        xi = x8.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(resnet(xi).sum(), xi)
        return g

    parts = [('forward_ms', forward), ('step_ms', gradient)]
    if device == 'cuda':
        parts.append(('resnet_b8_vjp_ms', resnet_b8_vjp))
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'device': device}
    for name, fn in parts:
        fn()  # warm-up
        sync()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            sync()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = statistics.median(times)
        out[name.replace('_ms', '_min_ms')] = min(times)
    out['peak_rss_mb'] = peak_rss_mb()
    if device == 'cuda':
        out['cuda_peak_mb'] = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['export', 'measure', 'idle'])
    ap.add_argument('dir', nargs='?')
    ap.add_argument('--latent', type=int, default=64)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--reps', type=int, default=2)
    ap.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    args = ap.parse_args()
    if args.mode == 'export':
        if not args.dir:
            ap.error('export needs DIR')
        export(args.dir, args.latent)
    elif args.mode == 'idle':
        print(json.dumps({'torch': torch.__version__, 'peak_rss_mb': peak_rss_mb()}))
    else:
        measure(args.latent, args.threads, args.reps, args.device)


if __name__ == '__main__':
    main()
