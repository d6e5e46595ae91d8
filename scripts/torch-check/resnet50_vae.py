"""Local-only full-size check (not run in CI; writes big files under /tmp/torch-check):
torchvision ResNet-50 (random weights, eval, BatchNorm folded by the export) and a VAE decoder with
Stable Diffusion's geometry (diffusers Decoder layout: 512-channel mid block with single-head attention,
up blocks [512, 512, 256, 128] x 3 ResNet blocks, GroupNorm(32), SiLU, nearest x2 upsampling).
Each is exported with torch.onnx (opset 17) next to an input, a random cotangent, torch's output and
torch autograd's input gradient, in the same format as tests/fixtures/torch. Then run
    npx tsx scripts/torch-check/check-vjp.ts /tmp/torch-check/resnet50 /tmp/torch-check/vae_decoder
Usage: /usr/bin/python3 scripts/torch-check/resnet50_vae.py [--latent 64] [--batch 2]
"""
import argparse
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

OUT = '/tmp/torch-check'


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(32, cin, eps=1e-6), nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2, self.conv2 = nn.GroupNorm(32, cout, eps=1e-6), nn.Conv2d(cout, cout, 3, padding=1)
        self.shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return self.shortcut(x) + self.conv2(F.silu(self.norm2(h)))


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.group_norm = nn.GroupNorm(32, c, eps=1e-6)
        self.to_q, self.to_k, self.to_v, self.to_out = (nn.Linear(c, c) for _ in range(4))

    def forward(self, x):
        n, c, h, w = x.shape
        t = self.group_norm(x).reshape(n, c, h * w).transpose(1, 2)
        p = torch.softmax(self.to_q(t) @ self.to_k(t).transpose(1, 2) / math.sqrt(c), dim=-1)
        return x + self.to_out(p @ self.to_v(t)).transpose(1, 2).reshape(n, c, h, w)


class VaeDecoder(nn.Module):
    def __init__(self, channels=(128, 256, 512, 512), layers_per_block=2):
        super().__init__()
        self.post_quant_conv = nn.Conv2d(4, 4, 1)
        ch = channels[-1]
        self.conv_in = nn.Conv2d(4, ch, 3, padding=1)
        self.mid = nn.Sequential(ResnetBlock(ch, ch), Attention(ch), ResnetBlock(ch, ch))
        self.up = nn.ModuleList()
        for i, cout in enumerate(reversed(channels)):
            blocks = []
            for _ in range(layers_per_block + 1):
                blocks.append(ResnetBlock(ch, cout))
                ch = cout
            self.up.append(nn.ModuleDict({'resnets': nn.Sequential(*blocks),
                                          'conv': nn.Conv2d(ch, ch, 3, padding=1) if i < len(channels) - 1 else nn.Identity()}))
        self.norm_out, self.conv_out = nn.GroupNorm(32, ch, eps=1e-6), nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, z):
        h = self.mid(self.conv_in(self.post_quant_conv(z)))
        for i, up in enumerate(self.up):
            h = up['resnets'](h)
            if i < len(self.up) - 1:
                h = up['conv'](F.interpolate(h, scale_factor=2.0, mode='nearest'))
        return self.conv_out(F.silu(self.norm_out(h)))


def save_f32(path, t):
    t.detach().numpy().astype('<f4').tofile(path)


def make(name, model, x, in_name, out_name, gen):
    out_dir = os.path.join(OUT, name)
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    torch.onnx.export(model, x, os.path.join(out_dir, 'model.onnx'), opset_version=17,
                      input_names=[in_name], output_names=[out_name])
    for p in model.parameters():
        p.requires_grad_(False)
    xi = x.clone().requires_grad_(True)
    y = model(xi)
    cot = torch.randn(y.shape, generator=gen)
    y.backward(cot)
    for fname, t in (('input.f32', x), ('cotangent.f32', cot), ('output.f32', y), ('grad_input.f32', xi.grad)):
        save_f32(os.path.join(out_dir, fname), t)
    meta = {'name': name, 'model': 'model.onnx',
            'input': {'name': in_name, 'shape': list(x.shape), 'file': 'input.f32'},
            'output': {'name': out_name, 'shape': list(y.shape), 'file': 'output.f32'},
            'cotangent': 'cotangent.f32',
            'grads': [{'wrt': in_name, 'file': 'grad_input.f32', 'shape': list(x.shape)}]}
    with open(os.path.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    print(name, 'exported;', sum(p.numel() for p in model.parameters()), 'parameters')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--latent', type=int, default=64)
    ap.add_argument('--batch', type=int, default=2)
    ap.add_argument('--only', default='resnet50,vae_decoder')
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(99)
    only = args.only.split(',')
    if 'resnet50' in only:
        resnet = torchvision.models.resnet50()
        # Fresh BatchNorms are identities; real statistics make the folded Conv weights non-trivial.
        for m in resnet.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.data = 1 + 0.2 * torch.randn(m.num_features, generator=gen)
                m.bias.data = 0.1 * torch.randn(m.num_features, generator=gen)
                m.running_mean = 0.1 * torch.randn(m.num_features, generator=gen)
                m.running_var = 0.5 + torch.rand(m.num_features, generator=gen)
        make('resnet50', resnet, torch.randn(args.batch, 3, 224, 224, generator=gen), 'input', 'logits', gen)
    if 'vae_decoder' in only:
        make('vae_decoder', VaeDecoder(), torch.randn(1, 4, args.latent, args.latent, generator=gen), 'latent_sample', 'sample', gen)


if __name__ == '__main__':
    main()
