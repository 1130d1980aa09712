#!/usr/bin/env python3
"""Golden fixtures for the TypeScript engine, computed independently with PyTorch autograd (float64).

For each case below (a spec as a Python dict, with every parameter given explicitly in
init.weights and explicit h0/c0, drawn from numpy with a fixed seed so the fixtures do not depend on
the engine's own initialiser) this computes, by autograd:

  - the total loss,
  - forward records per step: h, c (lstm), y, gates, the step loss,
  - backward records per step: dh = dL/dh_t in total (for `window` truncation: summed over the
    window copies of h_t), dh_from_output = W_hy^T dL/dz_t, dh_from_future = dh - dh_from_output,
    dc (lstm), dz,
  - the parameter gradients,

and writes test/fixtures/golden/<case>.json. Deterministic: running it again gives identical files.
The GRU pytorch form, the plain LSTM and the tanh RNN are also cross-checked against torch.nn's
GRUCell, LSTMCell and RNNCell (the script fails if they disagree).

Run: /usr/bin/python3 scripts/golden.py   (needs numpy and torch)
"""

import json
import math
import os
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "golden")


# ----------------------------------------------------------------------------------------------
# Model: independent of the TypeScript engine, written from the equations in DESIGN.md.


def param_shapes(model, D, H, K):
    shapes = {}

    def gate(q):
        shapes[f"W_x{q}"] = [H, D]
        shapes[f"W_h{q}"] = [H, H]
        shapes[f"b_{q}"] = [H]

    cell = model["cell"]
    if cell == "rnn":
        shapes["W_xh"] = [H, D]
        shapes["W_hh"] = [H, H]
        shapes["b_h"] = [H]
    elif cell == "lstm":
        coupled = model.get("coupled", False)
        for q in "ifgo":
            if not (coupled and q == "i"):
                gate(q)
        if model.get("peephole", False):
            if not coupled:
                shapes["w_ci"] = [H]
            shapes["w_cf"] = [H]
            shapes["w_co"] = [H]
    elif cell == "gru":
        for q in "rzn":
            gate(q)
        if model.get("variant", "classic") == "pytorch":
            shapes["b_hn"] = [H]
    elif cell == "custom":
        size = {"H": H, "D": D}
        for name, dims in model["params"].items():
            shapes[name] = [size.get(d, d) for d in dims]
    else:
        raise ValueError(cell)
    shapes["W_hy"] = [K, H]
    shapes["b_y"] = [K]
    return shapes


def has_c(model):
    """Whether the cell carries a state c besides h (lstm, or a custom cell listing it)."""
    return model["cell"] == "lstm" or (model["cell"] == "custom" and "c" in model["state"])


def act(name, a):
    if name == "tanh":
        return torch.tanh(a)
    if name == "sigmoid":
        return torch.sigmoid(a)
    if name == "relu":
        return torch.relu(a)
    if name == "identity":
        return a
    raise ValueError(name)


# Custom cells: each case's equations written out here in torch, by hand, not read from the spec's
# text (the fixture checks the engine's parser, graph and reverse mode, so it must not share them).


def mgu_step(P, x, h_prev, c_prev):
    f = torch.sigmoid(P["W_f"] @ x + P["U_f"] @ h_prev + P["b_f"])
    n = torch.tanh(P["W_n"] @ x + P["U_n"] @ (f * h_prev) + P["b_n"])
    h = (1 - f) * h_prev + f * n
    return h, None, {"f": f, "n": n}


def design_step(P, x, h_prev, c_prev):
    """DESIGN.md's example: a coupled-gate cell with states h and c, and a peephole-like scale and norm."""
    f = torch.sigmoid(P["W_f"] @ x + P["U_f"] @ h_prev + P["b_f"])
    cand = torch.tanh(P["W_c"] @ x + P["U_c"] @ h_prev + P["b_c"]) / (1 + torch.linalg.vector_norm(c_prev))
    c = f * c_prev + (1 - f) * cand
    h = torch.tanh(c) * torch.exp(-P["s"] * P["s"]) - 0.1 * torch.relu(-c)
    return h, c, {"f": f, "cand": cand}


CUSTOM_STEPS = {"mgu": mgu_step, "design": design_step}


def cell_step(model, P, x, h_prev, c_prev):
    """One step of the cell. Returns (h, c, gates)."""
    cell = model["cell"]
    if cell == "custom":
        return CUSTOM_STEPS[model["_step"]](P, x, h_prev, c_prev)
    if cell == "rnn":
        a = P["W_xh"] @ x + P["W_hh"] @ h_prev + P["b_h"]
        return act(model.get("activation", "tanh"), a), None, {}
    if cell == "lstm":
        peep = model.get("peephole", False)
        coupled = model.get("coupled", False)

        def aff(q):
            return P[f"W_x{q}"] @ x + P[f"W_h{q}"] @ h_prev + P[f"b_{q}"]

        af = aff("f")
        if peep:
            af = af + P["w_cf"] * c_prev
        f = torch.sigmoid(af)
        if coupled:
            i = 1 - f
        else:
            ai = aff("i")
            if peep:
                ai = ai + P["w_ci"] * c_prev
            i = torch.sigmoid(ai)
        g = torch.tanh(aff("g"))
        c = f * c_prev + i * g
        ao = aff("o")
        if peep:
            ao = ao + P["w_co"] * c
        o = torch.sigmoid(ao)
        h = o * torch.tanh(c)
        return h, c, {"i": i, "f": f, "g": g, "o": o}
    if cell == "gru":
        r = torch.sigmoid(P["W_xr"] @ x + P["W_hr"] @ h_prev + P["b_r"])
        z = torch.sigmoid(P["W_xz"] @ x + P["W_hz"] @ h_prev + P["b_z"])
        if model.get("variant", "classic") == "pytorch":
            n = torch.tanh(P["W_xn"] @ x + P["b_n"] + r * (P["W_hn"] @ h_prev + P["b_hn"]))
            h = (1 - z) * n + z * h_prev
        else:
            n = torch.tanh(P["W_xn"] @ x + P["W_hn"] @ (r * h_prev) + P["b_n"])
            h = (1 - z) * h_prev + z * n
        return h, None, {"r": r, "z": z, "n": n}
    raise ValueError(cell)


def output(kind, z):
    if kind == "softmax":
        return torch.softmax(z, dim=0)
    if kind == "identity":
        return z
    if kind == "tanh":
        return torch.tanh(z)
    if kind == "sigmoid":
        return torch.sigmoid(z)
    raise ValueError(kind)


def step_loss(spec, z, v):
    """L_t for output pre-activation z and target vector v."""
    if spec.get("loss", "cross-entropy") == "cross-entropy":
        return -(v * torch.log_softmax(z, dim=0)).sum()
    y = output(spec["model"].get("output", "softmax"), z)
    return 0.5 * ((y - v) ** 2).sum()


# ----------------------------------------------------------------------------------------------
# The spec's data, resolved to vectors (only the forms the golden cases use).


def resolve(spec):
    model = spec["model"]
    data = spec["data"]
    H = model["hidden"]
    if "text" in data or "tokens" in data:
        toks = list(data["text"]) if "text" in data else list(data["tokens"])
        vocab = data.get("vocab")
        if vocab is None:
            vocab = []
            for ch in toks:
                if ch not in vocab:
                    vocab.append(ch)
        V = len(vocab)
        xs, vs = [], []
        for a, b in zip(toks[:-1], toks[1:]):
            x = np.zeros(V)
            x[vocab.index(a)] = 1
            v = np.zeros(V)
            v[vocab.index(b)] = 1
            xs.append(x)
            vs.append(v)
        D = K = V
    else:
        xs = [np.atleast_1d(np.array(x, dtype=float)) for x in data["inputs"]]
        D = model.get("inputs", len(xs[0]))
        K = model["outputs"]
        vs = []
        for tg in data["targets"]:
            if tg is None:
                vs.append(None)
            elif isinstance(tg, int) and spec.get("loss", "cross-entropy") == "cross-entropy":
                v = np.zeros(K)
                v[tg] = 1
                vs.append(v)
            else:
                vs.append(np.atleast_1d(np.array(tg, dtype=float)))
    shapes = param_shapes(model, D, H, K)
    w = spec["init"]["weights"]
    assert set(w) == set(shapes), (spec["name"], sorted(w), sorted(shapes))
    P = {}
    for name, shape in shapes.items():
        t = torch.tensor(w[name], dtype=torch.float64)
        assert list(t.shape) == shape, (name, list(t.shape), shape)
        P[name] = t.clone().requires_grad_(True)
    h0 = torch.tensor(spec["init"]["h0"], dtype=torch.float64)
    c0 = torch.tensor(spec["init"]["c0"], dtype=torch.float64) if has_c(model) else None
    X = [torch.tensor(x) for x in xs]
    Vt = [None if v is None else torch.tensor(v) for v in vs]
    return P, h0, c0, X, Vt, (D, H, K)


# ----------------------------------------------------------------------------------------------
# BPTT by autograd: none, chunks and window.


def run(spec):
    model = spec["model"]
    P, h0, c0, X, V, (D, H, K) = resolve(spec)
    T = len(X)
    bptt = spec.get("bptt", {})
    trunc = bptt.get("truncate", "none")
    k = bptt.get("k", 5)
    n_targets = sum(1 for v in V if v is not None)
    scale = 1.0 / n_targets if spec.get("reduction", "sum") == "mean" else 1.0
    out_kind = model.get("output", "softmax")
    is_lstm = has_c(model)

    # Plain forward (values for the forward records; every truncation mode computes the same values).
    fwd = []
    states = [(h0, c0)]
    with torch.no_grad():
        h, c = h0, c0
        for t in range(T):
            h, c, gates = cell_step(model, P, X[t], h, c)
            z = P["W_hy"] @ h + P["b_y"]
            y = output(out_kind, z)
            lt = None if V[t] is None else step_loss(spec, z, V[t]).item()
            fwd.append({"h": h, "c": c, "gates": gates, "z": z, "y": y, "loss": lt})
            states.append((h, c))

    h_copies = [[] for _ in range(T)]  # every graph copy of h_t that may receive gradient
    c_copies = [[] for _ in range(T)]
    z_out = [None] * T  # the z_t whose loss L_t is taken
    total = torch.zeros(())

    def tracked_step(s, h, c):
        """Step s with autograd, keeping this graph copy of h_s (and c_s) for its gradient."""
        h, c, _ = cell_step(model, P, X[s], h, c)
        h.retain_grad()
        h_copies[s].append(h)
        if c is not None:
            c.retain_grad()
            c_copies[s].append(c)
        return h, c

    if trunc in ("none", "chunks"):
        h, c = h0, c0
        for t in range(T):
            if trunc == "chunks" and t > 0 and t % k == 0:
                h = h.detach()  # the state carried into a chunk is a constant for the gradient
                c = None if c is None else c.detach()
            h, c = tracked_step(t, h, c)
            z = P["W_hy"] @ h + P["b_y"]
            if V[t] is not None:
                z.retain_grad()
                z_out[t] = z
                total = total + scale * step_loss(spec, z, V[t])
    elif trunc == "window":
        for t in range(T):
            if V[t] is None:
                continue
            start = max(0, t + 1 - k)  # L_t (0-based t) backpropagates through steps start..t
            h, c = states[start]
            h = h.detach()
            c = None if c is None else c.detach()
            for s in range(start, t + 1):
                h, c = tracked_step(s, h, c)
            z = P["W_hy"] @ h + P["b_y"]
            z.retain_grad()
            z_out[t] = z
            total = total + scale * step_loss(spec, z, V[t])
    else:
        raise ValueError(trunc)

    total.backward()

    def gsum(copies):
        g = torch.zeros(H)
        for cp in copies:
            if cp.grad is not None:
                g = g + cp.grad
        return g

    bwd = []
    for t in range(T):
        dh = gsum(h_copies[t])
        dz = z_out[t].grad if z_out[t] is not None else torch.zeros(K)
        dh_out = P["W_hy"].detach().T @ dz
        rec = {"dh": dh, "dh_from_output": dh_out, "dh_from_future": dh - dh_out}
        if is_lstm:
            rec["dc"] = gsum(c_copies[t])
        rec["dz"] = dz
        bwd.append(rec)

    grads = {name: p.grad if p.grad is not None else torch.zeros_like(p) for name, p in P.items()}
    loss = sum(scale * f["loss"] for f in fwd if f["loss"] is not None)
    assert abs(loss - total.item()) <= 1e-12 * max(1.0, abs(loss)), (loss, total.item())
    return {"loss": total.item(), "forward": fwd, "backward": bwd, "grads": grads, "P": P, "h0": h0, "c0": c0, "X": X, "V": V}


# ----------------------------------------------------------------------------------------------
# Cross-checks against torch.nn cells (full BPTT, sum reduction, cross-entropy or mse).


def nn_losses(spec, res, cell_fn):
    """Loss from torch.nn cell outputs; returns (loss, hs)."""
    P, X, V = res["P"], res["X"], res["V"]
    h = res["h0"].unsqueeze(0)
    c = None if res["c0"] is None else res["c0"].unsqueeze(0)
    hs, total = [], torch.zeros(())
    n = sum(1 for v in V if v is not None)
    scale = 1.0 / n if spec.get("reduction", "sum") == "mean" else 1.0
    for t in range(len(X)):
        h, c = cell_fn(X[t].unsqueeze(0), h, c)
        hs.append(h[0])
        if V[t] is not None:
            z = P["W_hy"] @ h[0] + P["b_y"]
            total = total + scale * step_loss(spec, z, V[t])
    return total, hs


def cross_check(spec, res):
    model = spec["model"]
    assert spec.get("bptt", {}).get("truncate", "none") == "none"
    P = {k: v.detach().clone() for k, v in res["P"].items()}
    H = P["W_hy"].shape[1]
    D = res["X"][0].shape[0]
    cell = model["cell"]
    if cell == "gru":
        assert model.get("variant") == "pytorch"
        m = torch.nn.GRUCell(D, H)
        with torch.no_grad():
            m.weight_ih.copy_(torch.cat([P["W_xr"], P["W_xz"], P["W_xn"]]))
            m.weight_hh.copy_(torch.cat([P["W_hr"], P["W_hz"], P["W_hn"]]))
            m.bias_ih.copy_(torch.cat([P["b_r"], P["b_z"], P["b_n"]]))
            m.bias_hh.copy_(torch.cat([torch.zeros(2 * H), P["b_hn"]]))
        fn = lambda x, h, c: (m(x, h), None)
        pairs = [
            ("weight_ih", ["W_xr", "W_xz", "W_xn"]),
            ("weight_hh", ["W_hr", "W_hz", "W_hn"]),
            ("bias_ih", ["b_r", "b_z", "b_n"]),
        ]
    elif cell == "lstm":
        assert not model.get("peephole") and not model.get("coupled")
        m = torch.nn.LSTMCell(D, H)
        with torch.no_grad():
            m.weight_ih.copy_(torch.cat([P["W_xi"], P["W_xf"], P["W_xg"], P["W_xo"]]))
            m.weight_hh.copy_(torch.cat([P["W_hi"], P["W_hf"], P["W_hg"], P["W_ho"]]))
            m.bias_ih.copy_(torch.cat([P["b_i"], P["b_f"], P["b_g"], P["b_o"]]))
            m.bias_hh.zero_()

        def fn(x, h, c):
            h2, c2 = m(x, (h, c))
            return h2, c2

        pairs = [
            ("weight_ih", ["W_xi", "W_xf", "W_xg", "W_xo"]),
            ("weight_hh", ["W_hi", "W_hf", "W_hg", "W_ho"]),
            ("bias_ih", ["b_i", "b_f", "b_g", "b_o"]),
        ]
    else:
        assert model.get("activation", "tanh") in ("tanh", "relu")
        m = torch.nn.RNNCell(D, H, nonlinearity=model.get("activation", "tanh"))
        with torch.no_grad():
            m.weight_ih.copy_(P["W_xh"])
            m.weight_hh.copy_(P["W_hh"])
            m.bias_ih.copy_(P["b_h"])
            m.bias_hh.zero_()
        fn = lambda x, h, c: (m(x, h), None)
        pairs = [("weight_ih", ["W_xh"]), ("weight_hh", ["W_hh"]), ("bias_ih", ["b_h"])]
    m = m.double()
    # The output layer uses the script's own P (detached copies with grad).
    res2 = dict(res)
    res2["P"] = {k: v.clone().requires_grad_(True) for k, v in P.items()}
    total, hs = nn_losses(spec, res2, fn)
    total.backward()
    assert abs(total.item() - res["loss"]) <= 1e-12 * max(1.0, abs(res["loss"])), (total.item(), res["loss"])
    for t, h in enumerate(hs):
        assert torch.allclose(h, res["forward"][t]["h"], rtol=0, atol=1e-13), (spec["name"], t)
    for attr, names in pairs:
        g = getattr(m, attr).grad
        ours = torch.cat([res["grads"][n] for n in names])
        assert torch.allclose(g, ours, rtol=1e-11, atol=1e-13), (spec["name"], attr, (g - ours).abs().max())
    if cell == "gru":
        # b_hn is the last third of bias_hh; the other two thirds of bias_hh duplicate b_r, b_z.
        gbh = m.bias_hh.grad
        assert torch.allclose(gbh[2 * H :], res["grads"]["b_hn"], rtol=1e-11, atol=1e-13)
        assert torch.allclose(gbh[: 2 * H], torch.cat([res["grads"]["b_r"], res["grads"]["b_z"]]), rtol=1e-11, atol=1e-13)
    for n in ("W_hy", "b_y"):
        assert torch.allclose(res2["P"][n].grad, res["grads"][n], rtol=1e-11, atol=1e-13), n
    return cell


# ----------------------------------------------------------------------------------------------
# The cases.


def gen_weights(rng, model, D, H, K, scale):
    """Every parameter explicitly, from numpy; biases too (non-zero, so their gradients matter)."""
    w = {}
    for name, shape in param_shapes(model, D, H, K).items():
        a = rng.normal(0.0, scale, size=shape)
        w[name] = a.tolist()
    return w


def case(name, about, model, data, *, seed, D, K, loss="cross-entropy", reduction="sum", bptt=None,
         scale=0.5, h0="zeros", c0="zeros", cross=False):
    rng = np.random.default_rng(seed)
    H = model["hidden"]
    model = dict(model)
    if "text" not in data and "tokens" not in data:
        model["inputs"] = D
        model["outputs"] = K
    weights = gen_weights(rng, model, D, H, K, scale)
    init = {"seed": seed, "scheme": "zeros"}
    init["h0"] = (rng.normal(0.0, 0.5, size=H).tolist() if h0 == "random" else [0.0] * H)
    if has_c(model):
        init["c0"] = (rng.normal(0.0, 0.5, size=H).tolist() if c0 == "random" else [0.0] * H)
    init["weights"] = weights
    spec = {"name": name, "description": about, "model": model, "loss": loss, "reduction": reduction, "data": data, "init": init}
    if bptt:
        spec["bptt"] = bptt
    return {"spec": spec, "about": about, "cross": cross}


def vec_inputs(rng, T, D):
    return rng.normal(0.0, 1.0, size=(T, D)).tolist()


def cases():
    out = []
    r = np.random.default_rng(1234)  # the data of all cases, drawn once in this fixed order

    # --- rnn: each activation, each output
    out.append(case("rnn-tanh-softmax-ce", "rnn, tanh, softmax output, cross-entropy with class targets, sum",
                    {"cell": "rnn", "hidden": 4, "activation": "tanh", "output": "softmax"},
                    {"inputs": vec_inputs(r, 6, 3), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=1, D=3, K=3, cross=True))
    out.append(case("rnn-sigmoid-sigmoid-mse", "rnn, sigmoid activation, sigmoid output, mse",
                    {"cell": "rnn", "hidden": 3, "activation": "sigmoid", "output": "sigmoid"},
                    {"inputs": vec_inputs(r, 5, 2), "targets": r.uniform(0, 1, size=(5, 2)).tolist()},
                    seed=2, D=2, K=2, loss="mse", scale=0.8))
    out.append(case("rnn-relu-identity-mse", "rnn, relu activation, identity output, mse, non-zero h0",
                    {"cell": "rnn", "hidden": 4, "activation": "relu", "output": "identity"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": r.normal(0, 1, size=(6, 2)).tolist()},
                    seed=3, D=2, K=2, loss="mse", h0="random", scale=0.6, cross=True))
    out.append(case("rnn-identity-tanh-mse", "rnn, identity activation (linear rnn), tanh output, mse",
                    {"cell": "rnn", "hidden": 3, "activation": "identity", "output": "tanh"},
                    {"inputs": vec_inputs(r, 5, 2), "targets": r.uniform(-0.9, 0.9, size=(5, 1)).tolist()},
                    seed=4, D=2, K=1, loss="mse", scale=0.5))
    dist = r.dirichlet(np.ones(4), size=5).tolist()
    out.append(case("rnn-tanh-ce-distribution", "rnn, tanh, softmax output, cross-entropy with distribution targets",
                    {"cell": "rnn", "hidden": 3, "activation": "tanh", "output": "softmax"},
                    {"inputs": vec_inputs(r, 5, 2), "targets": dist},
                    seed=5, D=2, K=4))
    out.append(case("rnn-ce-mean-nulls-h0", "rnn, tanh, cross-entropy, reduction mean over the steps with a target (some null), non-zero h0",
                    {"cell": "rnn", "hidden": 4, "activation": "tanh", "output": "softmax"},
                    {"inputs": vec_inputs(r, 7, 3), "targets": [1, None, 0, None, None, 2, 1]},
                    seed=6, D=3, K=3, reduction="mean", h0="random"))
    out.append(case("rnn-mse-mean-nulls", "rnn, sigmoid, identity output, mse, reduction mean, null targets including the first",
                    {"cell": "rnn", "hidden": 2, "activation": "sigmoid", "output": "identity"},
                    {"inputs": vec_inputs(r, 6, 1), "targets": [None, [0.5], None, [-0.25], [1.0], None]},
                    seed=7, D=1, K=1, loss="mse", reduction="mean"))
    out.append(case("rnn-many-to-one", "rnn, tanh, many-to-one: only the last step has a target",
                    {"cell": "rnn", "hidden": 3, "activation": "tanh", "output": "softmax"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [None] * 5 + [1]},
                    seed=8, D=2, K=2, scale=0.9))
    out.append(case("rnn-hello-text", "char model on 'hello' (data.text, vocabulary h,e,l,o), tanh rnn, softmax, cross-entropy",
                    {"cell": "rnn", "hidden": 3, "activation": "tanh", "output": "softmax"},
                    {"text": "hello"}, seed=9, D=4, K=4))

    # --- truncation
    out.append(case("rnn-chunks-k3", "rnn, tanh, truncated BPTT in chunks of 3 (state carried, detached at chunk boundaries), non-zero h0",
                    {"cell": "rnn", "hidden": 3, "activation": "tanh", "output": "softmax"},
                    {"inputs": vec_inputs(r, 8, 2), "targets": [int(t) for t in r.integers(0, 3, size=8)]},
                    seed=10, D=2, K=3, bptt={"truncate": "chunks", "k": 3}, h0="random", scale=0.9))
    out.append(case("rnn-window-k3", "rnn, tanh, window truncation k=3 (each L_t backpropagates through 3 steps), one null target",
                    {"cell": "rnn", "hidden": 3, "activation": "tanh", "output": "softmax"},
                    {"inputs": vec_inputs(r, 7, 2), "targets": [0, 2, 1, None, 2, 0, 1]},
                    seed=11, D=2, K=3, bptt={"truncate": "window", "k": 3}, h0="random", scale=0.9))
    out.append(case("rnn-window-k1-mse-mean", "rnn, tanh, window k=1 (no gradient through time at all), mse, mean",
                    {"cell": "rnn", "hidden": 2, "activation": "tanh", "output": "identity"},
                    {"inputs": vec_inputs(r, 5, 2), "targets": [[0.3], None, [-0.4], [0.1], [0.7]]},
                    seed=12, D=2, K=1, loss="mse", reduction="mean", bptt={"truncate": "window", "k": 1}))

    # --- lstm
    out.append(case("lstm-plain-ce", "lstm, cross-entropy, non-zero h0 and c0",
                    {"cell": "lstm", "hidden": 3},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=20, D=2, K=3, h0="random", c0="random", cross=True))
    out.append(case("lstm-peephole-mse", "peephole lstm (i, f see c_prev; o sees c), tanh output, mse, non-zero c0",
                    {"cell": "lstm", "hidden": 3, "peephole": True, "output": "tanh"},
                    {"inputs": vec_inputs(r, 5, 2), "targets": r.uniform(-0.8, 0.8, size=(5, 2)).tolist()},
                    seed=21, D=2, K=2, loss="mse", c0="random", scale=0.7))
    out.append(case("lstm-coupled-ce", "coupled lstm (i = 1 - f), cross-entropy",
                    {"cell": "lstm", "hidden": 3, "coupled": True},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=22, D=2, K=3, h0="random", c0="random", scale=0.7))
    out.append(case("lstm-peephole-coupled-mean-nulls", "peephole and coupled lstm, cross-entropy, reduction mean with null targets, non-zero h0 and c0",
                    {"cell": "lstm", "hidden": 4, "peephole": True, "coupled": True},
                    {"inputs": vec_inputs(r, 7, 3), "targets": [None, 1, 0, None, 2, None, 1]},
                    seed=23, D=3, K=3, reduction="mean", h0="random", c0="random", scale=0.7))
    out.append(case("lstm-chunks-k2", "lstm, chunks of 2 (h and c detached at chunk boundaries), non-zero h0 and c0",
                    {"cell": "lstm", "hidden": 3, "peephole": True},
                    {"inputs": vec_inputs(r, 7, 2), "targets": [int(t) for t in r.integers(0, 2, size=7)]},
                    seed=24, D=2, K=2, bptt={"truncate": "chunks", "k": 2}, h0="random", c0="random", scale=0.7))
    out.append(case("lstm-window-k3", "lstm, window k=3, mse",
                    {"cell": "lstm", "hidden": 2, "output": "identity"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": r.normal(0, 0.5, size=(6, 2)).tolist()},
                    seed=25, D=2, K=2, loss="mse", bptt={"truncate": "window", "k": 3}, h0="random", c0="random", scale=0.7))

    # --- gru
    out.append(case("gru-classic-ce", "gru, the notes' classic form, cross-entropy, non-zero h0",
                    {"cell": "gru", "hidden": 3, "variant": "classic"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=30, D=2, K=3, h0="random", scale=0.7))
    out.append(case("gru-pytorch-ce", "gru, pytorch form (cross-checked against torch.nn.GRUCell), cross-entropy, non-zero h0",
                    {"cell": "gru", "hidden": 3, "variant": "pytorch"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=31, D=2, K=3, h0="random", scale=0.7, cross=True))
    out.append(case("gru-pytorch-mse-mean", "gru, pytorch form (cross-checked against torch.nn.GRUCell), sigmoid output, mse, mean with a null target",
                    {"cell": "gru", "hidden": 4, "variant": "pytorch", "output": "sigmoid"},
                    {"inputs": vec_inputs(r, 5, 3), "targets": [[0.2, 0.9], None, [0.6, 0.1], [0.5, 0.5], [0.9, 0.3]]},
                    seed=32, D=3, K=2, loss="mse", reduction="mean", scale=0.7, cross=True))
    out.append(case("gru-classic-window-k2", "gru classic, window k=2, cross-entropy",
                    {"cell": "gru", "hidden": 3, "variant": "classic"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=33, D=2, K=3, bptt={"truncate": "window", "k": 2}, h0="random", scale=0.7))
    out.append(case("gru-pytorch-chunks-k4", "gru pytorch, chunks of 4, cross-entropy",
                    {"cell": "gru", "hidden": 3, "variant": "pytorch"},
                    {"inputs": vec_inputs(r, 9, 2), "targets": [int(t) for t in r.integers(0, 3, size=9)]},
                    seed=34, D=2, K=3, bptt={"truncate": "chunks", "k": 4}, h0="random", scale=0.7))

    # --- custom cells (model.cell: custom): the equations as the spec writes them; torch steps above
    out.append(case("custom-mgu-ce", "custom cell: the minimal gated unit written as equations, cross-entropy, non-zero h0",
                    {"cell": "custom", "hidden": 3, "state": ["h"], "_step": "mgu",
                     "params": {"W_f": ["H", "D"], "U_f": ["H", "H"], "b_f": ["H"], "W_n": ["H", "D"], "U_n": ["H", "H"], "b_n": ["H"]},
                     "equations": "f = sigmoid(W_f @ x + U_f @ h_prev + b_f)\nn = tanh(W_n @ x + U_n @ (f * h_prev) + b_n)\nh = (1 - f) * h_prev + f * n\n"},
                    {"inputs": vec_inputs(r, 6, 2), "targets": [int(t) for t in r.integers(0, 3, size=6)]},
                    seed=40, D=2, K=3, h0="random", scale=0.7))
    out.append(case("custom-two-states-chunks", "custom cell with states h and c (a coupled gate, a norm, exp, relu, a scalar parameter), mse, chunks of 3, non-zero h0 and c0",
                    {"cell": "custom", "hidden": 3, "state": ["h", "c"], "_step": "design", "output": "identity",
                     "params": {"W_f": ["H", "D"], "U_f": ["H", "H"], "b_f": ["H"], "W_c": ["H", "D"], "U_c": ["H", "H"], "b_c": ["H"], "s": [1]},
                     "equations": "f = sigmoid(W_f @ x + U_f @ h_prev + b_f)\ncand = tanh(W_c @ x + U_c @ h_prev + b_c) / (1 + norm(c_prev))\nc = f * c_prev + (1 - f) * cand\nh = tanh(c) * exp(-sum(s * s)) - 0.1 * relu(-c)\n"},
                    {"inputs": vec_inputs(r, 7, 2), "targets": r.normal(0, 0.5, size=(7, 2)).tolist()},
                    seed=41, D=2, K=2, loss="mse", bptt={"truncate": "chunks", "k": 3}, h0="random", c0="random", scale=0.7))
    return out


# ----------------------------------------------------------------------------------------------


def tolist(t):
    return t.detach().tolist()


def main():
    os.makedirs(OUT, exist_ok=True)
    names = []
    for c in cases():
        spec = c["spec"]
        res = run(spec)
        if c["cross"]:
            kind = cross_check(spec, res)
            print(f"  cross-checked {spec['name']} against torch.nn ({kind})")
        forward = []
        for f in res["forward"]:
            rec = {"h": tolist(f["h"])}
            if f["c"] is not None:
                rec["c"] = tolist(f["c"])
            rec["y"] = tolist(f["y"])
            rec["z"] = tolist(f["z"])
            rec["gates"] = {k: tolist(v) for k, v in f["gates"].items()}
            rec["loss"] = f["loss"]
            forward.append(rec)
        backward = [{k: tolist(v) for k, v in b.items()} for b in res["backward"]]
        grads = {k: tolist(v) for k, v in res["grads"].items()}
        for name, g in grads.items():
            assert all(math.isfinite(x) for x in np.ravel(g)), name
        # The torch step's name (custom cells) is this script's, not the spec's.
        spec = {**spec, "model": {k: v for k, v in spec["model"].items() if k != "_step"}}
        doc = {
            "about": c["about"] + ". Generated by scripts/golden.py (PyTorch autograd, float64); do not edit.",
            "spec": spec,
            "expected": {"loss": res["loss"], "forward": forward, "backward": backward, "grads": grads},
        }
        path = os.path.join(OUT, spec["name"] + ".json")
        with open(path, "w") as fh:
            json.dump(doc, fh, indent=1)
            fh.write("\n")
        names.append(spec["name"])
        print(f"wrote {os.path.relpath(path, ROOT)}  loss={res['loss']:.12g}")
    # Remove stale fixtures from cases that no longer exist.
    for fn in sorted(os.listdir(OUT)):
        if fn.endswith(".json") and fn[:-5] not in names:
            os.remove(os.path.join(OUT, fn))
            print(f"removed stale {fn}")
    print(f"{len(names)} golden cases, torch {torch.__version__}")


if __name__ == "__main__":
    sys.exit(main())
