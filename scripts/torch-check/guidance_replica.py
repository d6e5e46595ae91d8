"""A torch autograd replica of the official guidance update (docs/METHOD.md §3), the independent reference for
tests/generate/guidance-replica.test.ts.

The official script divides the denoised latent by the VAE scaling factor, makes that the leaf
(`requires_grad_`), decodes, preprocesses as torchvision >= 0.17 does on tensors (Resize with antialias,
CenterCrop, Normalize), classifies, and steps the initial noise by the gradient w.r.t. that leaf:

    u = z0 / 0.18215;  x = clamp(dec(u)/2 + 0.5, 0, 1);  f = cls(normalize(crop(resize(x))))
    official: s = mean_c f - logsumexp f,  L = mean_batch (-5 - s)^2
    eps <- eps - r * dL/du

This script builds a small SD-VAE-like decoder and a small torchvision ResNet with random weights, exports both
with torch.onnx (the project then differentiates the ONNX graphs with its own engine), and writes, for a batch
of B = 2 images, the gradients and updated noise for the official loss, the energy hinge and MSP, each with the
loss reduced as the official script does (mean over the batch: each image's step is r/B * dl_i/du) and per image.

Run with Debian's python (torch, torchvision, onnx): /usr/bin/python3 scripts/torch-check/guidance_replica.py
"""
import base64
import json
import os
import sys

import torch
import torchvision.transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'fixtures', 'torch'))
from make_fixtures import SmallResNet, VaeDecoderLike, randomize_batchnorm  # noqa: E402

OUT = os.path.join(ROOT, 'tests', 'fixtures', 'guidance-replica')
SCALE = 0.18215
LATENT = (4, 16, 16)  # -> 64x64 decode (two x2 upsamplings)
RESIZE, CROP = 29, 28  # round(28 * 232 / 224) = 29: the ResNet-50 V2 ratio at a small size
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
LR = 10.0
ENERGY_MARGIN, ENERGY_TAU, OFFICIAL_TARGET = 5.0, 1.0, -5.0
B = 2
NUM_CLASSES = 200


def b64(t):
    return base64.b64encode(t.detach().contiguous().numpy().astype('<f4').tobytes()).decode('ascii')


def per_image_loss(objective, f):
    if objective == 'official':
        s = f.mean(1) - torch.logsumexp(f, 1)
        return (OFFICIAL_TARGET - s) ** 2
    if objective == 'energy':
        e = -ENERGY_TAU * torch.logsumexp(f / ENERGY_TAU, 1)
        return torch.relu(ENERGY_MARGIN - e) ** 2
    if objective == 'msp':
        return torch.softmax(f, 1).max(1).values
    raise ValueError(objective)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(2026)
    decoder = VaeDecoderLike(c=16, groups=4, ups=2).eval()
    # 200 classes: -ln C < -5, so the official target -5 is out of reach as with ImageNet's 1000 classes.
    classifier = SmallResNet(num_classes=NUM_CLASSES).eval()
    randomize_batchnorm(classifier, gen)
    with torch.no_grad():
        # A fresh ResNet's logits are almost uniform; spread them so the losses sit in their working range.
        classifier.fc.weight.mul_(40.0)
    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(decoder, torch.zeros(1, *LATENT), os.path.join(OUT, 'vae_decoder.onnx'), opset_version=17,
                      input_names=['latent_sample'], output_names=['sample'])
    torch.onnx.export(classifier, torch.zeros(1, 3, CROP, CROP), os.path.join(OUT, 'classifier.onnx'), opset_version=17,
                      training=torch.onnx.TrainingMode.EVAL, input_names=['input'], output_names=['logits'])

    preprocess = T.Compose([T.Resize(RESIZE, antialias=True), T.CenterCrop(CROP), T.Normalize(MEAN, STD)])
    z0 = 1.2 * torch.randn(B, *LATENT, generator=gen)
    eps = torch.randn(B, *LATENT, generator=gen)

    def logits_of(u):
        x = torch.clamp(decoder(u) / 2 + 0.5, 0, 1)
        return classifier(preprocess(x))

    cases = []
    for objective in ('official', 'energy', 'msp'):
        for reduction in ('batch-mean', 'per-image'):
            u = (z0 / SCALE).clone().requires_grad_(True)
            losses = per_image_loss(objective, logits_of(u))
            # batch-mean: the official script's loss over its batch; per-image: each image's own loss (B = 1),
            # which for images that do not interact is the sum of the per-image losses.
            total = losses.mean() if reduction == 'batch-mean' else losses.sum()
            (grad,) = torch.autograd.grad(total, u)
            with torch.no_grad():
                # The objective's loss after the same step applied to u itself, for the direction check.
                after = per_image_loss(objective, logits_of(u - LR * grad))  # grad holds the mean's 1/B
            cases.append({
                'objective': objective,
                'reduction': reduction,
                'batchSize': B if reduction == 'batch-mean' else 1,
                'losses': [float(v) for v in losses.detach()],
                'lossesAfterStepOnU': [float(v) for v in after],
                'grad': b64(grad),
                'epsUpdated': b64(eps - LR * grad),
            })
            print(objective, reduction, 'loss', [round(float(v), 5) for v in losses], '|grad|', float(grad.norm()))

    meta = {
        'torch': torch.__version__,
        'latentScale': SCALE,
        'latent': [B, *LATENT],
        'image': 64,
        'resizeShorter': RESIZE,
        'crop': CROP,
        'numClasses': NUM_CLASSES,
        'lr': LR,
        'energyMargin': ENERGY_MARGIN,
        'energyTemperature': ENERGY_TAU,
        'officialTarget': OFFICIAL_TARGET,
        'z0': b64(z0),
        'eps': b64(eps),
        'cases': cases,
    }
    with open(os.path.join(OUT, 'replica.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
