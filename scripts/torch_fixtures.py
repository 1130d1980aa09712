#!/usr/bin/env python3
"""PyTorch weights fixtures: state_dicts saved by torch.save and as .safetensors, with the expected
parameters (in BPTT Stepper's names) and the expected loss and gradients from PyTorch autograd.

For each case: an optional nn.Embedding, an nn.RNN / nn.LSTM / nn.GRU (num_layers 1-3, with or
without bias) and an nn.Linear, on a short text (next-character prediction, cross-entropy summed
over steps, h0 = 0), and writes to test/fixtures/torch/:

  CASE.pt            torch.save(model.state_dict())  (float64, or float32 for the *_f32 cases)
  CASE.safetensors   the same tensors, written by hand below (the format is 8 bytes of header
                     length, a JSON header, little-endian data) as Debian has no safetensors package
  CASE.rnn.yaml      a spec that loads CASE.pt through init.weights_file
  CASE.expected.json {"params": our names -> values, mapped here independently of the engine;
                      "loss", "grads": by autograd, float64; "h": per layer, per step}

and a few hostile files (a pickle calling os.system, a truncated zip, int64 storages, huge shapes).
Deterministic: running it again gives identical JSON (the zips carry no timestamps we rely on).

Run: /usr/bin/python3 scripts/torch_fixtures.py   (needs torch)
"""

import io
import json
import os
import struct
import zipfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "torch")
TEXT = "hello world"
GATES = {"rnn": ["h"], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}
MODULE = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


class Net(torch.nn.Module):
    def __init__(self, cell, V, E, H, layers, bias):
        super().__init__()
        self.emb = torch.nn.Embedding(V, E) if E else None
        self.rnn = MODULE[cell](E or V, H, num_layers=layers, bias=bias)
        self.out = torch.nn.Linear(H, V)

    def forward(self, tokens, V):
        x = self.emb(tokens) if self.emb is not None else torch.nn.functional.one_hot(tokens, V).double()
        x0 = x
        hs = []
        cell = type(self.rnn).__name__.lower()
        for k in range(self.rnn.num_layers):
            # Layer by layer with torch's own cell kernels, to record every layer's h_t.
            names = [f"weight_ih_l{k}", f"weight_hh_l{k}"] + ([f"bias_ih_l{k}", f"bias_hh_l{k}"] if self.rnn.bias else [])
            x = step_layer(cell, x, [getattr(self.rnn, n) for n in names], self.rnn.hidden_size, self.rnn.bias)
            hs.append(x)
        # The layer-by-layer run must equal the module's own forward.
        whole, _ = self.rnn(x0)
        assert torch.allclose(whole, x, atol=1e-12), "layer-by-layer run differs from the module"
        return self.out(x), hs


def step_layer(cell, x, params, H, bias):
    """One layer over the sequence with torch.nn's own cells (RNNCell/LSTMCell/GRUCell) functionally."""
    w_ih, w_hh = params[0], params[1]
    b_ih, b_hh = (params[2], params[3]) if bias else (None, None)
    h = torch.zeros(H, dtype=torch.float64)
    c = torch.zeros(H, dtype=torch.float64)
    out = []
    for t in range(x.shape[0]):
        if cell == "rnn":
            h = torch._VF.rnn_tanh_cell(x[t : t + 1], h[None], w_ih, w_hh, b_ih, b_hh)[0]
        elif cell == "lstm":
            hn, cn = torch._VF.lstm_cell(x[t : t + 1], (h[None], c[None]), w_ih, w_hh, b_ih, b_hh)
            h, c = hn[0], cn[0]
        else:
            h = torch._VF.gru_cell(x[t : t + 1], h[None], w_ih, w_hh, b_ih, b_hh)[0]
        out.append(h)
    return torch.stack(out)


def ours(cell, sd, layers, bias, emb):
    """state_dict -> our names: gates split, b = b_ih + b_hh (GRU: b_n = b_in, b_hn apart)."""
    p = {}
    G = GATES[cell]
    for k in range(layers):
        suf = "" if k == 0 else f"_l{k + 1}"
        wih, whh = sd[f"rnn.weight_ih_l{k}"], sd[f"rnn.weight_hh_l{k}"]
        H = whh.shape[1]
        zeros = torch.zeros(len(G) * H, dtype=torch.float64)
        bih = sd.get(f"rnn.bias_ih_l{k}", zeros)
        bhh = sd.get(f"rnn.bias_hh_l{k}", zeros)
        for g, q in enumerate(G):
            rows = slice(g * H, (g + 1) * H)
            p[("W_xh" if cell == "rnn" else f"W_x{q}") + suf] = wih[rows]
            p[("W_hh" if cell == "rnn" else f"W_h{q}") + suf] = whh[rows]
            if cell == "gru" and q == "n":
                p["b_n" + suf] = bih[rows]
                p["b_hn" + suf] = bhh[rows]
            else:
                p[f"b_{q}" + suf] = bih[rows] + bhh[rows]
    if emb:
        p["W_emb"] = sd["emb.weight"]
    p["W_hy"] = sd["out.weight"]
    p["b_y"] = sd["out.bias"]
    return p


def our_grads(cell, net, layers, bias, emb):
    """Autograd's gradients in our names: the gradient of b_q is that of b_ih's rows (= b_hh's)."""
    g = {}
    sd = {k: v.grad for k, v in net.named_parameters()}
    for k in range(layers):
        suf = "" if k == 0 else f"_l{k + 1}"
        H = net.rnn.hidden_size
        for gi, q in enumerate(GATES[cell]):
            rows = slice(gi * H, (gi + 1) * H)
            g[("W_xh" if cell == "rnn" else f"W_x{q}") + suf] = sd[f"rnn.weight_ih_l{k}"][rows]
            g[("W_hh" if cell == "rnn" else f"W_h{q}") + suf] = sd[f"rnn.weight_hh_l{k}"][rows]
            if bias:
                if cell == "gru" and q == "n":
                    g["b_n" + suf] = sd[f"rnn.bias_ih_l{k}"][rows]
                    g["b_hn" + suf] = sd[f"rnn.bias_hh_l{k}"][rows]
                else:
                    g[f"b_{q}" + suf] = sd[f"rnn.bias_ih_l{k}"][rows]
    if emb:
        g["W_emb"] = sd["emb.weight"]
    g["W_hy"] = sd["out.weight"]
    g["b_y"] = sd["out.bias"]
    return g


def nested(t):
    return t.detach().tolist()


def safetensors_bytes(sd, dtype):
    header, blobs, off = {}, [], 0
    code = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[dtype]
    for k, v in sd.items():
        b = v.to(dtype).contiguous().numpy().tobytes() if dtype != torch.bfloat16 else v.to(dtype).view(torch.int16).numpy().tobytes()
        header[k] = {"dtype": code, "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def case(name, cell, layers, bias, E, dtype=torch.float64):
    torch.manual_seed(sum(map(ord, name)))
    vocab = list(dict.fromkeys(TEXT))
    V, H = len(vocab), 3
    net = Net(cell, V, E, H, layers, bias).double()
    # Round the weights to the stored dtype so the expected values match what the file holds.
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(p.to(dtype).double())
    tokens = torch.tensor([vocab.index(ch) for ch in TEXT])
    logits, hs = net(tokens[:-1], V)
    loss = torch.nn.functional.cross_entropy(logits, tokens[1:], reduction="sum")
    loss.backward()
    sd = {k: v.detach().to(dtype) for k, v in net.state_dict().items()}
    torch.save(sd, os.path.join(OUT, f"{name}.pt"))
    with open(os.path.join(OUT, f"{name}.safetensors"), "wb") as f:
        f.write(safetensors_bytes(sd, dtype))
    sd64 = {k: v.double() for k, v in sd.items()}
    expected = {
        "params": {k: nested(v) for k, v in ours(cell, sd64, layers, bias, E).items()},
        "loss": loss.item(),
        "grads": {k: nested(v) for k, v in our_grads(cell, net, layers, bias, E).items()},
        "h": [nested(h) for h in hs],
    }
    with open(os.path.join(OUT, f"{name}.expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    spec = [f"# {name}: nn.{MODULE[cell].__name__}(num_layers={layers}, bias={bias}){', nn.Embedding' if E else ''}, nn.Linear; made by scripts/torch_fixtures.py",
            f"name: {name}", "model:", f"  cell: {cell}", f"  hidden: {H}"]
    if cell == "gru":
        spec.append("  variant: pytorch")
    if layers > 1:
        spec.append(f"  layers: {layers}")
    if E:
        spec.append(f"  embedding: {E}")
    spec += ["data:", f"  text: {TEXT}", "init:", f"  weights_file: {name}.pt", ""]
    with open(os.path.join(OUT, f"{name}.rnn.yaml"), "w") as f:
        f.write("\n".join(spec))


def zip_with(name, pkl, extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for n, data in [(f"{name}/data.pkl", pkl), *extra]:
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            z.writestr(info, data)
    return buf.getvalue()


def hostile():
    d = os.path.join(OUT, "hostile")
    os.makedirs(d, exist_ok=True)
    marker = "/tmp/bptt-stepper-pwned"
    cmd = f"touch {marker}".encode()
    # GLOBAL posix system, a tuple of the command, REDUCE: what pickle.loads would run.
    evil = b"\x80\x02cposix\nsystem\nX" + struct.pack("<I", len(cmd)) + cmd + b"\x85R."
    with open(os.path.join(d, "os_system.pt"), "wb") as f:
        f.write(zip_with("os_system", evil))
    # The same through STACK_GLOBAL (protocol 4) and builtins.eval.
    src = f"__import__('os').system('{cmd.decode()}')".encode()
    evil4 = b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c" + bytes([len(src)]) + src + b"\x85R."
    with open(os.path.join(d, "eval.pt"), "wb") as f:
        f.write(zip_with("eval", evil4))
    good = open(os.path.join(OUT, "rnn_l1.pt"), "rb").read()
    with open(os.path.join(d, "truncated.pt"), "wb") as f:
        f.write(good[: len(good) // 2])
    torch.save({"rnn.weight_ih_l0": torch.zeros(3, 5, dtype=torch.int64)}, os.path.join(d, "int64.pt"))
    # A tensor claiming 10^6 x 10^6 elements over a 4-byte storage.
    huge = (b"\x80\x02ccollections\nOrderedDict\n)R(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n"
            b"((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x01tQK\x00"
            b"J\x40\x42\x0f\x00J\x40\x42\x0f\x00\x86K\x01K\x01\x86\x89ccollections\nOrderedDict\n)RtRu.")
    with open(os.path.join(d, "huge.pt"), "wb") as f:
        f.write(zip_with("huge", huge, [("huge/data/0", b"\x00" * 4)]))
    h = json.dumps({"w": {"dtype": "F32", "shape": [1000000, 1000000], "data_offsets": [0, 4]}}).encode()
    with open(os.path.join(d, "huge.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"\x00" * 4)
    h = json.dumps({"w": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}).encode()
    with open(os.path.join(d, "int64.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"\x00" * 16)


def dtypes():
    """float16 and bfloat16 storages (and a strided view), with their values as float64."""
    torch.manual_seed(7)
    base = torch.randn(4, 6, dtype=torch.float64)
    sd = {"half": base.to(torch.float16), "bf16": base.to(torch.bfloat16), "strided": base.to(torch.float32).t()}
    torch.save(sd, os.path.join(OUT, "dtypes.pt"))
    with open(os.path.join(OUT, "dtypes.values.json"), "w") as f:
        json.dump({k: {"shape": list(v.shape), "values": v.double().flatten().tolist()} for k, v in sd.items()}, f)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    for cell in ["rnn", "lstm", "gru"]:
        case(f"{cell}_l1", cell, 1, True, 0)
        case(f"{cell}_l1_nobias_f32", cell, 1, False, 0, torch.float32)
        case(f"{cell}_l2_emb", cell, 2, True, 4)
        case(f"{cell}_l3_emb_nobias", cell, 3, False, 4)
    dtypes()
    hostile()


if __name__ == "__main__":
    main()
