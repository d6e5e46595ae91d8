"""torchvision resnet50 at real size with random weights, exported as the guidance classifier is usually exported:
torch.onnx.export(..., input_names=['input'], output_names=['logits'], dynamic_axes on the batch), opset 15, eval
(BatchNorm folded). Used by bench/real-stages.bench.ts; prints one JSON line.

    python3 export_resnet50.py OUT.onnx
"""
import json
import sys
import time

import torch
import torchvision


def main():
    out = sys.argv[1]
    t0 = time.time()
    torch.manual_seed(0)
    model = torchvision.models.resnet50().eval()
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), out, opset_version=15, input_names=['input'],
                      output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
                      do_constant_folding=True)
    print(json.dumps({'path': out, 'parameters': sum(p.numel() for p in model.parameters()),
                      'torch': torch.__version__, 'seconds': time.time() - t0}))


if __name__ == '__main__':
    main()
