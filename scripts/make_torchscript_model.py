#!/usr/bin/python3
"""Writes a small TorchScript execution policy the way a quant would from PyTorch, and
the outputs it gives for a few fixed inputs, so Helmsman's C++ side can check that it
runs the same model (docs/ml.md, "TorchScript contract").

Contract: the module's forward takes a float32 tensor [batch, 13] of raw features in
the order of hm::featureNames() and returns a float32 tensor [batch, 18] of action
scores (the environment's discrete actions); the agent takes the highest score.
Normalisation, if any, lives inside the module.

usage: make_torchscript_model.py OUT.pt OUT.expected.json [--trace]
"""
import json
import sys

import torch


class Policy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.zeros(13))
        self.register_buffer("std", torch.ones(13))
        self.body = torch.nn.Sequential(torch.nn.Linear(13, 32), torch.nn.Tanh(), torch.nn.Linear(32, 18))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x - self.mean) / self.std)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    torch.manual_seed(1234)
    model = Policy().eval()
    model.std.copy_(torch.linspace(0.5, 2.0, 13))
    inputs = torch.linspace(-1.0, 1.0, 3 * 13).reshape(3, 13)
    if "--trace" in sys.argv:
        exported = torch.jit.trace(model, inputs)
    else:
        exported = torch.jit.script(model)
    exported.save(sys.argv[1])
    with torch.no_grad():
        outputs = model(inputs)
    with open(sys.argv[2], "w") as f:
        json.dump({"inputs": inputs.tolist(), "outputs": outputs.tolist(), "torch": torch.__version__}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
