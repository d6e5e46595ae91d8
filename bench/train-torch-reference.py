# Torch CPU reference for bench/train.bench.ts: the same projection training step (docs/METHOD.md §6) with the same
# shapes and thread count. Prints one JSON line {"samples_per_s": ..., "steps": ..., "torch": ..., "blas": ...}.
# usage: python3 train-torch-reference.py DIM CLASSES BATCH STEPS WARMUP THREADS
import json, re, sys, time
import torch
import torch.nn.functional as F

dim, classes, batch, steps, warmup, threads = map(int, sys.argv[1:7])
torch.set_num_threads(threads)
torch.manual_seed(0)
n = batch * (steps + warmup)
feats = torch.randn(n, dim)
targets = torch.randint(0, classes, (n,))
text = F.normalize(torch.randn(classes, dim), dim=-1)
proj = torch.nn.Sequential(torch.nn.Linear(dim, dim), torch.nn.LayerNorm(dim), torch.nn.ReLU())
opt = torch.optim.Adam(proj.parameters(), lr=1e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps + warmup, eta_min=1e-5)
perm = torch.randperm(n)

def step(i):
    idx = perm[i * batch:(i + 1) * batch]
    x, y = feats[idx], targets[idx]
    xn = F.normalize(x + proj(x), dim=-1)
    logits = 100 * xn @ text.t()
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    return loss.item(), (logits.argmax(1) == y).sum().item()

for i in range(warmup):
    step(i)
t0 = time.perf_counter()
for i in range(warmup, warmup + steps):
    step(i)
dt = time.perf_counter() - t0
# Which BLAS torch was built with matters for this matmul-bound step (Debian's build says "generic").
match = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
blas = match.group(1) if match else "unknown"
print(json.dumps({"samples_per_s": steps * batch / dt, "steps": steps, "torch": torch.__version__, "blas": blas}))
