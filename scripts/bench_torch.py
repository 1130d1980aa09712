#!/usr/bin/env python3
"""PyTorch reference for `npm run bench`: the same configurations, CPU, one thread.

Reads the configurations as JSON on stdin, prints {"results": [{config, dtype, fwd_bwd_ms}]}.
The model is written step by step (a cell per timestep, as our engine runs it), cross-entropy
summed over t, so both sides do the same work. Median of repeated runs after a warm-up.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)


def make(cfg, dtype):
    g = torch.Generator().manual_seed(0)
    D, H, K, T, B = cfg["D"], cfg["H"], cfg["K"], cfg["T"], cfg["batch"]
    cell = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnn": torch.nn.RNNCell}[cfg["cell"]](D, H).to(dtype)
    out = torch.nn.Linear(H, K).to(dtype)
    x = torch.randn(T, B, D, generator=g, dtype=dtype)
    y = torch.randint(0, K, (T, B), generator=g)
    return cell, out, x, y


def run(cfg, cell, out, x, y):
    B, H = cfg["batch"], cfg["H"]
    h = torch.zeros(B, H, dtype=x.dtype)
    c = torch.zeros(B, H, dtype=x.dtype)
    loss = 0
    for t in range(cfg["T"]):
        if cfg["cell"] == "lstm":
            h, c = cell(x[t], (h, c))
        else:
            h = cell(x[t], h)
        loss = loss + torch.nn.functional.cross_entropy(out(h), y[t], reduction="sum")
    loss.backward()


def main():
    configs = json.load(sys.stdin)
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = []
    for cfg in configs:
        for dtype, name in ((torch.float64, "float64"), (torch.float32, "float32")):
            parts = make(cfg, dtype)
            run(cfg, *parts)  # warm-up
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                run(cfg, *parts)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            results.append({"config": cfg["name"], "dtype": name, "fwd_bwd_ms": times[len(times) // 2], "runs": reps})
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
