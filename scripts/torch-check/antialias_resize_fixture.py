"""Torch reference for tests/generate/antialias-resize.test.ts: the guidance classifier's preprocessing
(torchvision >= 0.17 tensor `Resize(232)` = interpolate bilinear antialias=True, CenterCrop, Normalize).
Writes tests/fixtures/torch/antialias-resize.json (a file, not a folder: tests/onnx/torch-reference.test.ts
treats every folder there as an exported-model fixture).

  matrices: torch's 1-D resampling weights, read off by resizing one-hot columns, stored sparsely per
            output row as [first nonzero column, weights...].
  cases:    decoded = -1.2 + 2.4*uniform(seed) ([1,3,H,W], float32; `uniform` is the integer hash below,
            re-implemented in the test), pixels = Normalize(CenterCrop(Resize(clamp(decoded/2 + 0.5)))),
            and d(sum(pixels * cot))/d decoded by autograd, cot = uniform(cotSeed) - 0.5. Small cases are
            stored whole (base64 little-endian float32), 512x512 as strided samples plus sums.

Run with Debian's python (torch 1.13 CPU, torchvision): /usr/bin/python3 scripts/torch-check/antialias_resize_fixture.py
"""
import base64
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'torch', 'antialias-resize.json')
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def uniform(seed, n):
    """lowbias32 hash of (i + seed*0x9E3779B9) mod 2^32, over 2^32: [0, 1), bit-identical in the TS test."""
    x = (np.arange(n, dtype=np.uint64) + np.uint64((seed * 0x9E3779B9) % 2**32)) % np.uint64(2**32)
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x.astype(np.float64) / 2**32


def b64(t):
    return base64.b64encode(t.detach().contiguous().numpy().astype('<f4').tobytes()).decode('ascii')


def f9(v):
    return float(f'{float(v):.9g}')  # 9 significant digits round-trip float32


def torch_matrix(n_in, n_out, antialias):
    """A [out, in] with resize(x)[o] = sum_i A[o, i] x[i]: channel c holds the one-hot column e_c."""
    eye = torch.eye(n_in, dtype=torch.float32).reshape(1, n_in, n_in, 1)
    y = F.interpolate(eye, size=(n_out, 1), mode='bilinear', align_corners=False, antialias=antialias)
    return y[0, :, :, 0].T.contiguous()


def sparse_rows(a):
    rows = []
    for r in a:
        nz = torch.nonzero(r).flatten()
        first, last = int(nz[0]), int(nz[-1])
        rows.append([first] + [f9(v) for v in r[first:last + 1].tolist()])
    return rows


def resize_size(h, w, short):
    """torchvision's Resize(int) output size: short side to `short`, long side int(short*long/short_in)."""
    s, l = min(h, w), max(h, w)
    other = int(short * l / s)
    return (short, other) if h <= w else (other, short)


def case(name, h, w, short, crop, seed, cot_seed, whole):
    decoded = torch.from_numpy((-1.2 + 2.4 * uniform(seed, 3 * h * w)).astype(np.float32)).reshape(1, 3, h, w)
    decoded.requires_grad_(True)
    image01 = torch.clamp(decoded / 2 + 0.5, 0, 1)
    tv = T.Compose([T.Resize(short, interpolation=T.InterpolationMode.BILINEAR, antialias=True), T.CenterCrop(crop), T.Normalize(MEAN, STD)])
    pixels = tv(image01)
    # The same through interpolate, to pin what torchvision's Resize does.
    rh, rw = resize_size(h, w, short)
    top, left = int(round((rh - crop) / 2.0)), int(round((rw - crop) / 2.0))
    direct = F.interpolate(image01, size=(rh, rw), mode='bilinear', align_corners=False, antialias=True)
    direct = (direct[..., top:top + crop, left:left + crop] - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    assert torch.equal(pixels, direct), (pixels - direct).abs().max()
    plain = F.interpolate(image01, size=(rh, rw), mode='bilinear', align_corners=False, antialias=False)
    plain = (plain[..., top:top + crop, left:left + crop] - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    cot = torch.from_numpy((uniform(cot_seed, 3 * crop * crop) - 0.5).astype(np.float32)).reshape(1, 3, crop, crop)
    (pixels * cot).sum().backward()
    grad = decoded.grad
    out = {
        'name': name, 'height': h, 'width': w, 'resizeShorter': short, 'crop': crop, 'seed': seed, 'cotSeed': cot_seed,
        'resized': [rh, rw], 'offset': [top, left],
        'antialiasVsPlainMaxAbs': f9((pixels - plain).abs().max()),
        'pixelsSum': float(pixels.double().sum()), 'pixelsSumSq': float((pixels.double() ** 2).sum()),
        'gradSum': float(grad.double().sum()), 'gradSumSq': float((grad.double() ** 2).sum()),
    }
    if whole:
        out['pixels'] = b64(pixels)
        out['pixelsPlain'] = b64(plain)
        out['grad'] = b64(grad)
    else:
        # Strided samples: pixels[:, :, ::7, ::7], grad[:, :, 3::16, 5::16].
        out['pixelsSample'] = {'start': [0, 0], 'step': [7, 7], 'data': b64(pixels[..., ::7, ::7])}
        out['gradSample'] = {'start': [3, 5], 'step': [16, 16], 'data': b64(grad[..., 3::16, 5::16])}
    print(name, 'antialias vs plain max |diff|', out['antialiasVsPlainMaxAbs'])
    return out


def main():
    torch.set_num_threads(2)
    matrices = []
    # 512->232 and 768->348: a 512x768 SD decode; 40->18, 56->25: the small case; 20->29: upsampling.
    for n_in, n_out in [(512, 232), (768, 348), (64, 29), (40, 18), (56, 25), (20, 29), (29, 29), (7, 3)]:
        a = torch_matrix(n_in, n_out, True)
        matrices.append({'in': n_in, 'out': n_out, 'antialias': True, 'rows': sparse_rows(a)})
    for n_in, n_out in [(512, 232), (64, 29), (20, 29)]:
        a = torch_matrix(n_in, n_out, False)
        matrices.append({'in': n_in, 'out': n_out, 'antialias': False, 'rows': sparse_rows(a)})
    up_aa, up_plain = torch_matrix(20, 29, True), torch_matrix(20, 29, False)
    print('20->29 antialias vs plain max |diff|', float((up_aa - up_plain).abs().max()))

    cases = [
        # round((25 - 16)/2) = round(4.5) = 4: Python's round to even, as torchvision's CenterCrop.
        case('small_40x56', 40, 56, 18, 16, seed=11, cot_seed=12, whole=True),
        case('resnet_512', 512, 512, 232, 224, seed=21, cot_seed=22, whole=False),
    ]
    fixture = {
        'generator': 'scripts/torch-check/antialias_resize_fixture.py',
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'mean': MEAN,
        'std': STD,
        'matrices': matrices,
        'cases': cases,
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print(OUT, os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()
