#!/usr/bin/env python3
"""Peer timing for `tailor-bench policy`: the same DQN learner step and batched decision in
PyTorch from Python (Debian python3-torch), on the same shapes as tailor's.

Learner step (batch B, state dim D, A actions, MLP hidden H): forward of the online network on
s and s', target network on s', masked double-DQN target with per-row discount, Huber loss,
CQL penalty (logsumexp over allowed actions minus Q of the logged action), backward, gradient
clip, AdamW step, Polyak update of the target; the batch arrives as numpy arrays each step (as
tailor's comes from its replay buffer). Decision: robust scaling of raw states, forward,
masking, epsilon-greedy distribution, one uniform draw per row, chosen action and propensity back
to numpy.

Prints one JSON object: {"torch": version, "device": ..., "learner_steps_per_s": x,
"decisions_per_s": {"N": y, ...}}. Exit code 3 when torch (or the CUDA device) is missing.
Usage: dqn_torch.py --dim D --actions A --hidden 128,128 --batch 256 --steps 200 --warmup 20
       --repeats 3 --decide 1000,10000 --device cpu --threads 2
"""
import argparse
import json
import sys
import time

import numpy as np

try:
    import torch
except ImportError:  # reported as an absent peer by tailor-bench
    print(json.dumps({"error": "python3-torch is not installed"}))
    sys.exit(3)


def mlp(dim, hidden, actions):
    layers, width = [], dim
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, actions))
    return torch.nn.Sequential(*layers)


def masked(q, mask):
    return q.masked_fill(~mask, float("-inf"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dim", type=int, required=True)
    ap.add_argument("--actions", type=int, required=True)
    ap.add_argument("--hidden", default="128,128")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--decide", default="1000,10000")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "no CUDA device for PyTorch"}))
        sys.exit(3)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    hidden = [int(h) for h in a.hidden.split(",") if h]
    online, target = mlp(a.dim, hidden, a.actions).to(dev), mlp(a.dim, hidden, a.actions).to(dev)
    target.load_state_dict(online.state_dict())
    for p in target.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(online.parameters(), lr=1e-3, weight_decay=1e-4)
    rng = np.random.default_rng(a.seed)
    B, D, A = a.batch, a.dim, a.actions

    def batch():
        s = rng.standard_normal((B, D), dtype=np.float32)
        s2 = rng.standard_normal((B, D), dtype=np.float32)
        act = rng.integers(0, A, B)
        r = rng.random(B, dtype=np.float32)
        disc = np.full(B, 0.9, dtype=np.float32)
        m = rng.random((B, A)) < 0.5
        m[:, 0] = True
        m[np.arange(B), act] = True
        m2 = rng.random((B, A)) < 0.5
        m2[:, 0] = True
        return s, s2, act, r, disc, m, m2

    batches = [batch() for _ in range(16)]

    def step(bt):
        s, s2, act, r, disc, m, m2 = (torch.from_numpy(x).to(dev) for x in bt)
        with torch.no_grad():
            a2 = masked(online(s2), m2).argmax(1, keepdim=True)
            y = r + disc * target(s2).gather(1, a2).squeeze(1)
        q = online(s)
        q_sa = q.gather(1, act.unsqueeze(1)).squeeze(1)
        td = torch.nn.functional.huber_loss(q_sa, y, reduction="mean", delta=1.0)
        cql = (torch.logsumexp(masked(q, m), 1) - q_sa).mean()
        loss = td + 0.1 * cql
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(online.parameters(), 10.0)
        opt.step()
        with torch.no_grad():
            for pt, po in zip(target.parameters(), online.parameters()):
                pt.mul_(0.99).add_(po, alpha=0.01)
        return loss.item(), td.item(), cql.item(), q_sa.mean().item()  # the same syncs as tailor

    for i in range(a.warmup):
        step(batches[i % 16])
    best = float("inf")
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for i in range(a.steps):
            step(batches[i % 16])
        best = min(best, time.perf_counter() - t0)
    out = {"torch": torch.__version__, "device": a.device, "learner_steps_per_s": a.steps / best,
           "decisions_per_s": {}}

    median = torch.zeros(D, device=dev)
    iqr = torch.ones(D, device=dev)
    online.eval()
    for n in [int(x) for x in a.decide.split(",") if x]:
        x = rng.standard_normal((n, D), dtype=np.float32)
        mask = rng.random((n, A)) < 0.5
        mask[:, 0] = True
        u = rng.random(n)

        def decide():
            with torch.no_grad():
                xs = ((torch.from_numpy(x).to(dev) - median) / iqr).clamp(-5, 5)
                m = torch.from_numpy(mask).to(dev)
                q = masked(online(xs), m)
                best_a = q.argmax(1)
                allowed = m.sum(1, keepdim=True).double()
                p = m.double() * (0.05 / allowed)
                p.scatter_add_(1, best_a.unsqueeze(1), torch.full((n, 1), 0.95, dtype=torch.float64, device=dev))
                cdf = p.cumsum(1)
                ch = torch.searchsorted(cdf, torch.from_numpy(u).to(dev).unsqueeze(1)).clamp(max=A - 1)
                prop = p.gather(1, ch)
                qv = q.masked_fill(~m, float("nan"))
                return ch.cpu().numpy(), prop.cpu().numpy(), qv.cpu().numpy()

        decide()
        best = float("inf")
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            decide()
            best = min(best, time.perf_counter() - t0)
        out["decisions_per_s"][str(n)] = n / best
    print(json.dumps(out))


if __name__ == "__main__":
    main()
