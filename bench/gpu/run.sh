#!/usr/bin/env bash
# Real-shape GPU benchmark for a lent NVIDIA machine, one prepared run of at most 8 minutes.
#
# NOT YET RUN ON A GPU: no GPU was lent to the session that wrote it. Only the `--cpu` path was tried (reduced
# size, see below). Expect to fix small things on the first GPU run.
#
# What it runs (bench/gpu/real-shape-gpu.ts), on onnxruntime-node's WebGPU provider (the workplace's GPU notes say how it runs there):
#   - one classifier-free-guidance UNet call (batch 2, 64×64 latent) of the factory UNet at SD-2 width and depth;
#   - the guidance step at real shapes: VAE decoder (64×64 latent → 512×512) → ResNet-50 at 224, forward+VJP;
#   - ResNet-50 forward+VJP at batch 8;
# then, where python3 has torch with CUDA, the same guidance step (same weights: the decoder and ResNet-50 are
# exported by bench/real-shape-reference.py) and ResNet-50 batch-8 backward in torch CUDA.
# Ends with one RESULT line.
#
# Here (the dev machine), once:   GPU_PACK=<the workplace's gpu-pack.sh> bench/gpu/run.sh --pack   (and npm ci)
#   → .gpu/ (Node.js, onnxruntime-node, Vulkan loader, setup.sh) + .gpu/real-shape-gpu.js (this bench, bundled).
# On the GPU machine:              bash bench/gpu/run.sh      (carry .gpu)
# CPU check of the same path:      REAL_SHAPE_LATENT=8 REAL_SHAPE_UNET_LAYERS=1 REAL_SHAPE_REPS=1 bench/gpu/run.sh --cpu
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
limit=${REAL_SHAPE_TIMEOUT:-480}

if [ "${1:-}" = "--pack" ]; then
  # The pack script belongs to the workplace, not to this repository: its path is given, never assumed.
  pack=${GPU_PACK:?set GPU_PACK to the workplace GPU pack script (it writes .gpu/: Node.js, onnxruntime-node, Vulkan loader)}
  bash "$pack"
  npx esbuild bench/gpu/real-shape-gpu.ts --bundle --platform=node --external:onnxruntime-node --outfile=.gpu/real-shape-gpu.js --log-level=warning
  echo "packed: .gpu/real-shape-gpu.js"
  exit 0
fi

provider=webgpu
if [ "${1:-}" = "--cpu" ]; then provider=cpu; fi
export REAL_SHAPE_PROVIDER=$provider

# Node: the one on PATH (dev machine), else the packed one.
if ! command -v node >/dev/null 2>&1; then
  [ -f .gpu/setup.sh ] || { echo "no node and no .gpu/ (run bench/gpu/run.sh --pack on the dev machine and carry .gpu)" >&2; exit 1; }
  # shellcheck disable=SC1091
  source .gpu/setup.sh
fi
if [ -f .gpu/real-shape-gpu.js ] && [ "$provider" != cpu -o ! -d node_modules/tsx ]; then
  runner=(node .gpu/real-shape-gpu.js)
else
  runner=(npx tsx bench/gpu/real-shape-gpu.ts)
fi

# The first python with torch + torchvision (a pyenv shim on PATH may lack them while the system one has them).
py=
for candidate in "$(command -v python3 || true)" /usr/bin/python3; do
  if [ -n "$candidate" ] && "$candidate" -c 'import torch, torchvision' 2>/dev/null; then py=$candidate; break; fi
done
models=-
torch_json='{}'
if [ -n "$py" ]; then
  models=$(mktemp -d)
  "$py" bench/real-shape-reference.py export "$models" --latent "${REAL_SHAPE_LATENT:-64}" >/dev/null 2>&1 || models=-
fi

start=$(date +%s)
ours=$(timeout "$limit" "${runner[@]}" "$models" | tail -1)
echo "ours: $ours"

device=cpu
if [ "$provider" != cpu ] && [ -n "$py" ] && "$py" -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then device=cuda; fi
left=$(( limit - ($(date +%s) - start) ))
if [ "$models" != - ] && [ "$left" -gt 30 ]; then
  torch_json=$(timeout "$left" "$py" bench/real-shape-reference.py measure --latent "${REAL_SHAPE_LATENT:-64}" --reps "${REAL_SHAPE_REPS:-3}" --device "$device" --threads "${REAL_SHAPE_THREADS:-16}" 2>/dev/null | tail -1 || echo '{}')
  echo "torch ($device): $torch_json"
fi
[ "$models" != - ] && rm -rf "$models"

node -e '
const o = JSON.parse(process.argv[1]); const t = JSON.parse(process.argv[2] || "{}");
const r = { provider: o.provider, latent: o.latent, unet_call_ms: o.unet_call_ms, step_ms: o.step_ms, resnet_b8_vjp_ms: o.resnet_b8_vjp_ms };
if (t.step_ms) { r.torch_device = t.device; r.torch_step_ms = Math.round(t.step_ms); r.step_ratio = (o.step_ms / t.step_ms).toFixed(2); }
if (t.resnet_b8_vjp_ms) { r.torch_resnet_b8_vjp_ms = Math.round(t.resnet_b8_vjp_ms); r.resnet_ratio = (o.resnet_b8_vjp_ms / t.resnet_b8_vjp_ms).toFixed(2); }
console.log("RESULT " + Object.entries(r).filter(([, v]) => v !== undefined).map(([k, v]) => k + "=" + v).join(" "));
' "$ours" "$torch_json"
