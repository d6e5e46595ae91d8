"""Real-export layout fixtures for tests/onnx/real-layouts.test.ts (issue 15, "real-scale readiness").

Run with Debian's python (torch 1.13 CPU, torchvision, onnx 1.12):
    /usr/bin/python3 scripts/real-layouts/make_real_layouts.py
It writes tests/fixtures/real-layouts/<name>/: model.onnx, meta.json and raw little-endian float32 files.

Each model is a reduced-width copy of a layout the studio differentiates or loads, exported the way the real
one is exported, with dynamic axes, so the ONNX graphs carry the Shape -> Gather -> Concat -> Reshape,
Unsqueeze, Expand and ConstantOfShape chains of real exports:
  - resnet_dynamic: torchvision's ResNet (Bottleneck blocks, BatchNorm folded by EVAL export), opset 15,
    `input` [batch, 3, 32, 32] -> `logits` [batch, 10] (torch.onnx export of a guidance classifier).
  - clip_vision_dynamic: Hugging Face's CLIPVisionModelWithProjection code path (patch conv, class token
    expand + concat, position embeddings, CLIPAttention's view/transpose/bmm, quick_gelu, pre/post LayerNorm,
    visual projection), 2 layers, width 64, opset 14 (Optimum's default for CLIP; LayerNorm decomposed), with
    Optimum's dynamic axes: pixel_values {0: batch_size, 1: num_channels, 2: height, 3: width}.
  - vae_decoder_dynamic: diffusers' AutoencoderKL decoder code path (post_quant_conv, conv_in, mid block with
    ResnetBlock2D + the classic attention processor: view, head_to_batch_dim, baddbmm over torch.empty,
    batch_to_head_dim; up blocks with nearest x2 Upsample2D; GroupNorm + SiLU + conv_out), opset 17, with
    latent_sample {0: batch_size, 2: height, 3: width}.
The torch references (outputs and vector-Jacobian products) are taken at a batch and size other than the
ones traced, so a graph that baked the traced shapes in would fail.

Two float16 fixtures are made from these exports by a hand-written converter (python3-onnx 1.12 has no
onnxconverter-common) that does what `convert_float_to_float16` does: float initializers and Constant
tensors to float16, Cast(to=float) retargeted to float16, ConstantOfShape values to float16, Resize
roi/scales kept float32, value infos re-inferred, and op_block_list nodes kept float32 behind Casts:
  - clip_vision_fp16: keep_io_types=True (float32 pixel_values/outputs behind Casts), Softmax blocked (the
    graph then has Casts both ways). Its torch model's parameters were rounded to float16 values before the
    export, so the float32 torch reference is the same function up to float16 rounding of a few scalar
    constants (quick_gelu's 1.702, LayerNorm's epsilon).
  - resnet_fp16: float16 inputs and outputs (Optimum --fp16 style); its reference is the float32 model.
"""
import json
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'fixtures', 'torch'))
from make_fixtures import SmallResNet, randomize_batchnorm, save_f32, save_grads  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'tests', 'fixtures', 'real-layouts')


# ---------------------------------------------------------------------------------------------- ResNet


# The same small torchvision ResNet as the torch-reference fixtures, at the widths these fixtures use.
RESNET_SHAPE = dict(widths=(4, 8, 16, 32), layers=(1, 1, 1, 1), num_classes=10, stem=8)


# ------------------------------------------------------------------------------- CLIP vision (HF code)


class ClipConfig:
    hidden_size = 64
    intermediate_size = 128
    num_attention_heads = 4
    num_hidden_layers = 2
    image_size = 32
    patch_size = 8
    num_channels = 3
    projection_dim = 32
    layer_norm_eps = 1e-5


class CLIPVisionEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_dim = config.hidden_size
        self.class_embedding = nn.Parameter(torch.randn(self.embed_dim))
        self.patch_embedding = nn.Conv2d(config.num_channels, self.embed_dim, kernel_size=config.patch_size,
                                         stride=config.patch_size, bias=False)
        self.num_patches = (config.image_size // config.patch_size) ** 2
        self.num_positions = self.num_patches + 1
        self.position_embedding = nn.Embedding(self.num_positions, self.embed_dim)
        self.register_buffer('position_ids', torch.arange(self.num_positions).expand((1, -1)))

    def forward(self, pixel_values):
        batch_size = pixel_values.shape[0]
        patch_embeds = self.patch_embedding(pixel_values)
        patch_embeds = patch_embeds.flatten(2).transpose(1, 2)
        class_embeds = self.class_embedding.expand(batch_size, 1, -1)
        embeddings = torch.cat([class_embeds, patch_embeds], dim=1)
        return embeddings + self.position_embedding(self.position_ids)


class CLIPAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_dim = config.hidden_size
        self.num_heads = config.num_attention_heads
        self.head_dim = self.embed_dim // self.num_heads
        self.scale = self.head_dim ** -0.5
        self.k_proj = nn.Linear(self.embed_dim, self.embed_dim)
        self.v_proj = nn.Linear(self.embed_dim, self.embed_dim)
        self.q_proj = nn.Linear(self.embed_dim, self.embed_dim)
        self.out_proj = nn.Linear(self.embed_dim, self.embed_dim)

    def _shape(self, tensor, seq_len, bsz):
        return tensor.view(bsz, seq_len, self.num_heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, hidden_states):
        bsz, tgt_len, embed_dim = hidden_states.size()
        query_states = self.q_proj(hidden_states) * self.scale
        key_states = self._shape(self.k_proj(hidden_states), -1, bsz)
        value_states = self._shape(self.v_proj(hidden_states), -1, bsz)
        proj_shape = (bsz * self.num_heads, -1, self.head_dim)
        query_states = self._shape(query_states, tgt_len, bsz).view(*proj_shape)
        key_states = key_states.view(*proj_shape)
        value_states = value_states.view(*proj_shape)
        attn_weights = torch.bmm(query_states, key_states.transpose(1, 2))
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_output = torch.bmm(attn_weights, value_states)
        attn_output = attn_output.view(bsz, self.num_heads, tgt_len, self.head_dim)
        attn_output = attn_output.transpose(1, 2)
        attn_output = attn_output.reshape(bsz, tgt_len, embed_dim)
        return self.out_proj(attn_output)


class CLIPMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.fc1 = nn.Linear(config.hidden_size, config.intermediate_size)
        self.fc2 = nn.Linear(config.intermediate_size, config.hidden_size)

    def forward(self, x):
        h = self.fc1(x)
        return self.fc2(h * torch.sigmoid(1.702 * h))  # quick_gelu


class CLIPEncoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self_attn = CLIPAttention(config)
        self.layer_norm1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.mlp = CLIPMLP(config)
        self.layer_norm2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states):
        residual = hidden_states
        hidden_states = self.self_attn(self.layer_norm1(hidden_states))
        hidden_states = residual + hidden_states
        residual = hidden_states
        return residual + self.mlp(self.layer_norm2(hidden_states))


class CLIPVisionTransformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embeddings = CLIPVisionEmbeddings(config)
        self.pre_layrnorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.layers = nn.ModuleList(CLIPEncoderLayer(config) for _ in range(config.num_hidden_layers))
        self.post_layernorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, pixel_values):
        hidden_states = self.pre_layrnorm(self.embeddings(pixel_values))
        for layer in self.layers:
            hidden_states = layer(hidden_states)
        last_hidden_state = hidden_states
        pooled_output = self.post_layernorm(last_hidden_state[:, 0, :])
        return last_hidden_state, pooled_output


class CLIPVisionModelWithProjection(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.vision_model = CLIPVisionTransformer(config)
        self.visual_projection = nn.Linear(config.hidden_size, config.projection_dim, bias=False)

    def forward(self, pixel_values):
        last_hidden_state, pooled_output = self.vision_model(pixel_values)
        return self.visual_projection(pooled_output), last_hidden_state


def randomize_layernorm(model, gen):
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            n = m.normalized_shape[0]
            m.weight.data = 1 + 0.2 * torch.randn(n, generator=gen)
            m.bias.data = 0.1 * torch.randn(n, generator=gen)


# -------------------------------------------------------------------------------- VAE decoder (diffusers)


class ResnetBlock2D(nn.Module):
    def __init__(self, cin, cout, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-6, affine=True)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-6, affine=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None
        self.output_scale_factor = 1.0

    def forward(self, input_tensor):
        hidden_states = F.silu(self.norm1(input_tensor))
        hidden_states = self.conv1(hidden_states)
        hidden_states = F.silu(self.norm2(hidden_states))
        hidden_states = self.conv2(hidden_states)
        if self.conv_shortcut is not None:
            input_tensor = self.conv_shortcut(input_tensor)
        return (input_tensor + hidden_states) / self.output_scale_factor


class Attention(nn.Module):
    """diffusers' Attention with the classic AttnProcessor (VAE mid block: one head, group norm, residual)."""

    def __init__(self, c, groups, heads=1):
        super().__init__()
        self.heads = heads
        self.scale = (c // heads) ** -0.5
        self.group_norm = nn.GroupNorm(groups, c, eps=1e-6, affine=True)
        self.to_q, self.to_k, self.to_v = nn.Linear(c, c), nn.Linear(c, c), nn.Linear(c, c)
        self.to_out = nn.ModuleList([nn.Linear(c, c), nn.Dropout(0.0)])
        self.rescale_output_factor = 1.0

    def head_to_batch_dim(self, tensor):
        batch_size, seq_len, dim = tensor.shape
        tensor = tensor.reshape(batch_size, seq_len, self.heads, dim // self.heads)
        return tensor.permute(0, 2, 1, 3).reshape(batch_size * self.heads, seq_len, dim // self.heads)

    def batch_to_head_dim(self, tensor):
        batch_size, seq_len, dim = tensor.shape
        tensor = tensor.reshape(batch_size // self.heads, self.heads, seq_len, dim)
        return tensor.permute(0, 2, 1, 3).reshape(batch_size // self.heads, seq_len, dim * self.heads)

    def get_attention_scores(self, query, key):
        baddbmm_input = torch.empty(query.shape[0], query.shape[1], key.shape[1], dtype=query.dtype)
        scores = torch.baddbmm(baddbmm_input, query, key.transpose(-1, -2), beta=0, alpha=self.scale)
        return scores.softmax(dim=-1)

    def forward(self, hidden_states):
        residual = hidden_states
        batch_size, channel, height, width = hidden_states.shape
        hidden_states = hidden_states.view(batch_size, channel, height * width).transpose(1, 2)
        hidden_states = self.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
        query = self.head_to_batch_dim(self.to_q(hidden_states))
        key = self.head_to_batch_dim(self.to_k(hidden_states))
        value = self.head_to_batch_dim(self.to_v(hidden_states))
        hidden_states = torch.bmm(self.get_attention_scores(query, key), value)
        hidden_states = self.batch_to_head_dim(hidden_states)
        hidden_states = self.to_out[1](self.to_out[0](hidden_states))
        hidden_states = hidden_states.transpose(-1, -2).reshape(batch_size, channel, height, width)
        return (hidden_states + residual) / self.rescale_output_factor


class Upsample2D(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, hidden_states):
        if hidden_states.shape[0] >= 64:
            hidden_states = hidden_states.contiguous()
        return self.conv(F.interpolate(hidden_states, scale_factor=2.0, mode='nearest'))


class VaeDecoder(nn.Module):
    """AutoencoderKL's decode path as Optimum exports it (post_quant_conv + Decoder), two up blocks."""

    def __init__(self, channels=(16, 8), groups=4, latent=4):
        super().__init__()
        c0 = channels[0]
        self.post_quant_conv = nn.Conv2d(latent, latent, 1)
        self.conv_in = nn.Conv2d(latent, c0, 3, padding=1)
        self.mid_resnet0 = ResnetBlock2D(c0, c0, groups)
        self.mid_attn = Attention(c0, groups)
        self.mid_resnet1 = ResnetBlock2D(c0, c0, groups)
        blocks = []
        cin = c0
        for cout in channels:
            blocks.append(nn.ModuleDict({'resnet': ResnetBlock2D(cin, cout, groups), 'up': Upsample2D(cout)}))
            cin = cout
        self.up_blocks = nn.ModuleList(blocks)
        self.conv_norm_out = nn.GroupNorm(groups, cin, eps=1e-6)
        self.conv_out = nn.Conv2d(cin, 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.conv_in(self.post_quant_conv(latent_sample))
        h = self.mid_resnet1(self.mid_attn(self.mid_resnet0(h)))
        for block in self.up_blocks:
            h = block['up'](block['resnet'](h))
        return self.conv_out(F.silu(self.conv_norm_out(h)))


def randomize_groupnorm(model, gen):
    for m in model.modules():
        if isinstance(m, nn.GroupNorm):
            n = m.num_channels
            m.weight.data = 1 + 0.2 * torch.randn(n, generator=gen)
            m.bias.data = 0.1 * torch.randn(n, generator=gen)


# ------------------------------------------------------------------------------------------- export


def export(name, model, trace_input, in_name, out_names, dynamic_axes, opset, training=torch.onnx.TrainingMode.EVAL):
    out_dir = os.path.join(OUT, name)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, 'model.onnx')
    model.eval()
    torch.onnx.export(model, trace_input, path, opset_version=opset, training=training, input_names=[in_name],
                      output_names=out_names, dynamic_axes=dynamic_axes, do_constant_folding=True)
    return path


def reference(name, model, model_path, x, in_name, out_names, weight_grads, gen, extra_meta):
    """Runs torch at x (not the traced shape), draws cotangents, and writes torch autograd's VJPs."""
    out_dir = os.path.join(OUT, name)
    graph = onnx.load(model_path).graph
    initializers = {i.name for i in graph.initializer}
    x = x.clone().requires_grad_(True)
    ys = model(x)
    ys = ys if isinstance(ys, tuple) else (ys,)
    cots = [torch.randn(y.shape, generator=gen) for y in ys]
    model.zero_grad()
    torch.autograd.backward(ys, cots)
    save_f32(os.path.join(out_dir, 'input.f32'), x)
    outputs = []
    for k, (n, y, c) in enumerate(zip(out_names, ys, cots)):
        save_f32(os.path.join(out_dir, f'output{k}.f32'), y)
        save_f32(os.path.join(out_dir, f'cotangent{k}.f32'), c)
        outputs.append({'name': n, 'shape': list(y.shape), 'file': f'output{k}.f32', 'cotangent': f'cotangent{k}.f32'})
    grads = save_grads(out_dir, x, in_name, model, weight_grads, initializers)
    inputs = [i for i in graph.input if i.name not in initializers]
    declared = [[d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in inputs]
    meta = {
        'name': name,
        'model': 'model.onnx',
        'opset': next(o.version for o in onnx.load(model_path).opset_import if o.domain in ('', 'ai.onnx')),
        'declaredInput': declared[0],
        'input': {'name': in_name, 'shape': list(x.shape), 'file': 'input.f32'},
        'outputs': outputs,
        'grads': grads,
        'torch': torch.__version__,
        'ops': sorted({n.op_type for n in graph.node}),
        **extra_meta,
    }
    with open(os.path.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')
    print(name, os.path.getsize(model_path), meta['declaredInput'], meta['ops'])
    return meta


# ------------------------------------------------------------------------------ float16 conversion

FLOAT, FLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16
# Inputs that must stay float32 whatever the model's precision (Resize roi and scales).
KEEP_FLOAT_INPUTS = {'Resize': {1, 2}}


def to_f16_tensor(t):
    arr = numpy_helper.to_array(t).astype(np.float32)
    arr = np.clip(arr, -65504.0, 65504.0).astype(np.float16)
    return numpy_helper.from_array(arr, t.name)


def convert_float_to_float16(model, keep_io_types=False, op_block_list=()):
    """A hand-written convert_float_to_float16 (onnxconverter-common's semantics, the parts these graphs use)."""
    graph = model.graph
    consumers = {}
    for n in graph.node:
        for k, i in enumerate(n.input):
            consumers.setdefault(i, []).append((n, k))

    def stays_float(name):
        uses = consumers.get(name, [])
        return bool(uses) and all(n.op_type in op_block_list or k in KEEP_FLOAT_INPUTS.get(n.op_type, ()) for n, k in uses)

    for i, t in enumerate(graph.initializer):
        if t.data_type == FLOAT and not stays_float(t.name):
            graph.initializer[i].CopyFrom(to_f16_tensor(t))
    new_nodes = []
    counter = [0]

    def fresh(base):
        counter[0] += 1
        return f'{base}_fp16cast{counter[0]}'

    for n in graph.node:
        if n.op_type == 'Constant':
            for a in n.attribute:
                if a.name == 'value' and a.t.data_type == FLOAT and not stays_float(n.output[0]):
                    a.t.CopyFrom(to_f16_tensor(a.t))
        elif n.op_type == 'ConstantOfShape':
            for a in n.attribute:
                if a.name == 'value' and a.t.data_type == FLOAT:
                    a.t.CopyFrom(to_f16_tensor(a.t))
        elif n.op_type == 'Cast':
            for a in n.attribute:
                if a.name == 'to' and a.i == FLOAT:
                    a.i = FLOAT16
        if n.op_type in op_block_list:
            # float16 in, float32 inside, float16 out.
            for k, i in enumerate(n.input):
                c = fresh(i)
                new_nodes.append(helper.make_node('Cast', [i], [c], to=FLOAT, name=fresh('cast_in')))
                n.input[k] = c
            outs = list(n.output)
            for k, o in enumerate(outs):
                inner = fresh(o)
                n.output[k] = inner
                new_nodes.append(n)
                new_nodes.append(helper.make_node('Cast', [inner], [o], to=FLOAT16, name=fresh('cast_out')))
            continue
        new_nodes.append(n)
    del graph.node[:]
    graph.node.extend(new_nodes)
    if keep_io_types:
        head, tail = [], []
        for inp in graph.input:
            if inp.type.tensor_type.elem_type == FLOAT:
                inner = fresh(inp.name)
                for n in graph.node:
                    for k, i in enumerate(n.input):
                        if i == inp.name:
                            n.input[k] = inner
                head.append(helper.make_node('Cast', [inp.name], [inner], to=FLOAT16, name=fresh('graph_input_cast')))
        for out in graph.output:
            if out.type.tensor_type.elem_type == FLOAT:
                inner = fresh(out.name)
                for n in graph.node:
                    for k, o in enumerate(n.output):
                        if o == out.name:
                            n.output[k] = inner
                    for k, i in enumerate(n.input):
                        if i == out.name:
                            n.input[k] = inner
                tail.append(helper.make_node('Cast', [inner], [out.name], to=FLOAT, name=fresh('graph_output_cast')))
        nodes = head + list(graph.node) + tail
        del graph.node[:]
        graph.node.extend(nodes)
    else:
        for v in list(graph.input) + list(graph.output):
            if v.type.tensor_type.elem_type == FLOAT:
                v.type.tensor_type.elem_type = FLOAT16
    del graph.value_info[:]
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    return model


def fp16_fixture(name, src_name, keep_io_types, op_block_list, x, torch_model, in_name, out_names, weight_grads,
                 gen, note):
    src = onnx.load(os.path.join(OUT, src_name, 'model.onnx'))
    converted = convert_float_to_float16(src, keep_io_types=keep_io_types, op_block_list=op_block_list)
    out_dir = os.path.join(OUT, name)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, 'model.onnx')
    onnx.save(converted, path)
    types = {v.name: v.type.tensor_type.elem_type for v in list(converted.graph.input) + list(converted.graph.output)}
    return reference(name, torch_model, path, x, in_name, out_names, weight_grads, gen, {
        'float16': {'from': src_name, 'keepIoTypes': keep_io_types, 'opBlockList': list(op_block_list),
                    'ioTypes': {k: onnx.TensorProto.DataType.Name(v) for k, v in types.items()}, 'reference': note},
    })


def round_params_to_f16(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(4321)

    # Guidance classifier: torchvision ResNet, BN folded, dynamic batch (as `torch.onnx.export(resnet50, ...,
    # dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})`).
    resnet = SmallResNet(**RESNET_SHAPE)
    randomize_batchnorm(resnet, gen)
    resnet.eval()
    path = export('resnet_dynamic', resnet, torch.randn(1, 3, 32, 32, generator=gen), 'input', ['logits'],
                  {'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset=15)
    image = torch.randn(3, 3, 32, 32, generator=gen)
    reference('resnet_dynamic', resnet, path, image, 'input', ['logits'], ['fc.weight'], gen,
              {'traced': [1, 3, 32, 32]})

    # CLIP vision tower, Optimum's dynamic axes; parameters rounded to float16 values so that the float16
    # fixture made from this export is the same function.
    config = ClipConfig()
    clip = CLIPVisionModelWithProjection(config)
    randomize_layernorm(clip, gen)
    with torch.no_grad():
        clip.vision_model.embeddings.class_embedding.mul_(0.5)
    round_params_to_f16(clip)
    clip.eval()
    path = export('clip_vision_dynamic', clip, torch.randn(1, 3, 32, 32, generator=gen), 'pixel_values',
                  ['image_embeds', 'last_hidden_state'],
                  {'pixel_values': {0: 'batch_size', 1: 'num_channels', 2: 'height', 3: 'width'},
                   'image_embeds': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size', 1: 'sequence_length'}},
                  opset=14)
    pixels = torch.randn(2, 3, 32, 32, generator=gen)
    clip_weights = ['vision_model.embeddings.class_embedding', 'vision_model.embeddings.patch_embedding.weight']
    reference('clip_vision_dynamic', clip, path, pixels, 'pixel_values', ['image_embeds', 'last_hidden_state'],
              clip_weights, gen, {'traced': [1, 3, 32, 32]})

    # SD VAE decoder layout, dynamic batch/height/width.
    vae = VaeDecoder()
    randomize_groupnorm(vae, gen)
    vae.eval()
    path = export('vae_decoder_dynamic', vae, torch.randn(1, 4, 4, 4, generator=gen), 'latent_sample', ['sample'],
                  {'latent_sample': {0: 'batch_size', 2: 'height', 3: 'width'},
                   'sample': {0: 'batch_size', 2: 'height', 3: 'width'}}, opset=17)
    latent = torch.randn(2, 4, 3, 5, generator=gen)
    reference('vae_decoder_dynamic', vae, path, latent, 'latent_sample', ['sample'], ['conv_in.weight'], gen,
              {'traced': [1, 4, 4, 4]})

    fp16_fixture('clip_vision_fp16', 'clip_vision_dynamic', True, ['Softmax'], pixels, clip, 'pixel_values',
                 ['image_embeds', 'last_hidden_state'], clip_weights[:1], gen,
                 'float32 torch model with float16-rounded parameters')
    fp16_fixture('resnet_fp16', 'resnet_dynamic', False, [], image, resnet, 'input', ['logits'], [], gen,
                 'the float32 torch model (weights rounded by the conversion)')


if __name__ == '__main__':
    main()
