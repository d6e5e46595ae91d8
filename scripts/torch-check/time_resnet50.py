"""Torch reference timings for bench/vjp.bench.ts: torchvision ResNet-50 (random weights, eval mode),
forward vs forward+backward to the INPUT only (parameters frozen, as our VJP graph computes only the
input gradient). Prints one JSON line: {"torch": version, "threads": n, "b1": {...}, "b8": {...}}.
Usage: /usr/bin/python3 scripts/torch-check/time_resnet50.py --threads 2 --batches 1,8 --reps 5
"""
import argparse
import json
import statistics
import time

import torch
import torchvision


def median_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batches', default='1,8')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = torchvision.models.resnet50().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    result = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
    for batch in (int(b) for b in args.batches.split(',')):
        x = torch.randn(batch, 3, 224, 224)
        cot = torch.randn(batch, 1000)

        def forward():
            with torch.no_grad():
                model(x)

        def backward():
            xi = x.clone().requires_grad_(True)
            (grad,) = torch.autograd.grad(model(xi), xi, cot)
            return grad

        result[f'b{batch}'] = {
            'forward_ms': median_ms(forward, args.warmup, args.reps),
            'fwd_bwd_ms': median_ms(backward, args.warmup, args.reps),
        }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
