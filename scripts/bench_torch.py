#!/usr/bin/env python3
"""PyTorch reference for `npm run bench`: the same configurations, CPU, one thread.

Reads {"configs": [...], "train": {...}} as JSON on stdin (or a bare list of configurations),
prints {"results": [{config, dtype, style, fwd_bwd_ms}], "train": {...}}. Two ways of writing the
model, both with the cross-entropy summed over t, timed in the same run:
  cell: a Python loop over nn.LSTMCell/GRUCell/RNNCell with a cross-entropy per step (our engine's
        order of work, but with the interpreter's overhead at every step);
  nn:   the model as a PyTorch user writes it: nn.LSTM/nn.GRU/nn.RNN over the whole sequence, one
        nn.Linear over all steps, one cross-entropy.
The bench compares ours with the faster of the two. Median of repeated runs after a warm-up, in
process CPU time (user + system, every thread), as ours is timed: on a shared machine that counts
the work done, not the time spent waiting for a core.
"train": tokens per second of a char model's training loop (one-hot inputs, nn.LSTM, nn.Linear,
cross-entropy summed, Adam), as our Trainer runs it.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)

CELLS = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnn": torch.nn.RNNCell}
LAYERS = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}


def data(cfg, dtype):
    g = torch.Generator().manual_seed(0)
    D, K, T, B = cfg["D"], cfg["K"], cfg["T"], cfg["batch"]
    return torch.randn(T, B, D, generator=g, dtype=dtype), torch.randint(0, K, (T, B), generator=g)


def cell_style(cfg, dtype):
    D, H, K, B = cfg["D"], cfg["H"], cfg["K"], cfg["batch"]
    cell = CELLS[cfg["cell"]](D, H).to(dtype)
    out = torch.nn.Linear(H, K).to(dtype)
    x, y = data(cfg, dtype)

    def run():
        h = torch.zeros(B, H, dtype=dtype)
        c = torch.zeros(B, H, dtype=dtype)
        loss = 0
        for t in range(cfg["T"]):
            if cfg["cell"] == "lstm":
                h, c = cell(x[t], (h, c))
            else:
                h = cell(x[t], h)
            loss = loss + torch.nn.functional.cross_entropy(out(h), y[t], reduction="sum")
        loss.backward()

    return run


def nn_style(cfg, dtype):
    D, H, K = cfg["D"], cfg["H"], cfg["K"]
    layer = LAYERS[cfg["cell"]](D, H).to(dtype)
    out = torch.nn.Linear(H, K).to(dtype)
    x, y = data(cfg, dtype)

    def run():
        hs, _ = layer(x)  # [T, B, H]
        loss = torch.nn.functional.cross_entropy(out(hs).reshape(-1, K), y.reshape(-1), reduction="sum")
        loss.backward()

    return run


def median_ms(run, reps):
    run()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        run()
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def train_tokens_per_s(tr, reps):
    """A char model's training loop: B sequences of seq one-hot tokens, nn.LSTM, Linear, CE, Adam."""
    V, H, B, S = tr["vocab"], tr["H"], tr["batch"], tr["seq"]
    dtype = torch.float64
    layer = torch.nn.LSTM(V, H).to(dtype)
    out = torch.nn.Linear(H, V).to(dtype)
    opt = torch.optim.Adam(list(layer.parameters()) + list(out.parameters()), lr=0.002)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, V, (S + 1, B), generator=g)
    x = torch.nn.functional.one_hot(tokens[:-1], V).to(dtype)
    y = tokens[1:]

    def step():
        opt.zero_grad()
        hs, _ = layer(x)
        loss = torch.nn.functional.cross_entropy(out(hs).reshape(-1, V), y.reshape(-1), reduction="sum")
        loss.backward()
        opt.step()

    ms = median_ms(step, reps)
    return {"ms_per_update": ms, "tokens_per_s": B * S / (ms / 1000)}


def main():
    inp = json.load(sys.stdin)
    configs = inp if isinstance(inp, list) else inp["configs"]
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = []
    for cfg in configs:
        for dtype, name in ((torch.float64, "float64"), (torch.float32, "float32")):
            for style, make in (("cell", cell_style), ("nn", nn_style)):
                ms = median_ms(make(cfg, dtype), reps)
                results.append({"config": cfg["name"], "dtype": name, "style": style, "fwd_bwd_ms": ms, "runs": reps})
    train = train_tokens_per_s(inp["train"], reps) if isinstance(inp, dict) and inp.get("train") else None
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results, "train": train}, sys.stdout)


if __name__ == "__main__":
    main()
