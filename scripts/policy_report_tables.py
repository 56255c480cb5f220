#!/usr/bin/env python3
"""Markdown tables from `tailor-train policy --report` JSON files (docs/quality.md "Send policy").

  policy_report_tables.py values REPORT.json [--metrics clicks,revenue] [--policies a,b,...]
      one table per metric: IPS / SNIPS / DR with 95 % intervals (and the true value on
      synthetic-shop data) for the listed policies (default: all but the constant sends)
  policy_report_tables.py simulation REPORT.json
      the simulated year per customer of each policy and seed
  policy_report_tables.py calibration REPORT.json [REPORT.json ...] [--metric reward]
      per report (seed): the main policies' DR estimate, interval and true value, and how many of
      all evaluated policies have their true value inside the IPS / SNIPS / DR intervals
  policy_report_tables.py costs REPORT.json [REPORT.json ...]
      per report (cost per email): learned vs best constant and logging, and the share stopped
"""
import argparse
import json
import math


def load(path):
    with open(path) as f:
        return json.load(f)


def est(e, digits=4):
    v, lo, hi = e
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def main_policies(r):
    return [p for p in r["policies"] if p["kind"] != "constant" or p["name"] == "no email"]


def values(a):
    r = load(a.report)
    metrics = a.metrics.split(",")
    chosen = a.policies.split(",") if a.policies else None
    rows = [p for p in r["policies"] if (p["name"] in chosen if chosen else (p["kind"] != "constant" or p["name"] == "no email"))]
    truth = "truth" in r["policies"][0]
    for m in metrics:
        print(f"\n**{m} per decision** ({r['split']['eval_decisions']} evaluation decisions of "
              f"{r['split']['eval_customers']} customers; 95 % bootstrap intervals over customers)\n")
        head = "| policy | emails | IPS | SNIPS | DR |" + (" true |" if truth else "")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        lt = r.get("logging_truth", {}).get(m)
        print(f"| logging (on-policy mean) | {r['logging']['emails'][0]:.3f} | {est(r['logging'][m])} | | |" +
              (f" {lt:.4f} |" if truth and lt is not None else (" |" if truth else "")))
        for p in rows:
            e = p["estimates"][m]
            line = f"| {p['name']} | {p['email_rate']:.3f} | {est(e['ips'])} | {est(e['snips'])} | {est(e['dr'])} |"
            if truth:
                line += f" {p['truth'][m]:.4f} |"
            print(line)


def simulation(a):
    r = load(a.report)
    print("\n| policy | seed | reward | clicks | conversions | revenue | unsubscribes | emails | mask violations |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in r.get("simulation", []):
        pc = s["per_customer"]
        viol = "-" if s["policy"] == "logging" else str(s["mask_violations"])
        print(f"| {s['policy']} | {s['seed']} | {pc['reward']:.4f} | {pc['clicks']:.4f} | {pc['conversions']:.4f} | "
              f"{pc['revenue']:.2f} | {pc['unsubscribes']:.4f} | {pc['emails']:.2f} | {viol} |")


def calibration(a):
    m = a.metric
    print(f"\n| report | policy | DR [95 %] | true | inside |")
    print("|---|---|---|---|---|")
    totals = {"ips": 0, "snips": 0, "dr": 0, "n": 0}
    for path in a.reports:
        r = load(path)
        name = path.rsplit("/", 1)[-1]
        for p in r["policies"]:
            if p["kind"] in ("learned", "uniform", "baseline") or p["name"] == "learned (greedy)":
                e = p["estimates"][m]["dr"]
                t = p["truth"][m]
                print(f"| {name} | {p['name']} | {est(e)} | {t:.4f} | {'yes' if e[1] <= t <= e[2] else 'NO'} |")
        lt = r["logging_truth"][m]
        e = r["logging"][m]
        print(f"| {name} | logging (on-policy) | {est(e)} | {lt:.4f} | {'yes' if e[1] <= lt <= e[2] else 'NO'} |")
        c = r["coverage"][m]
        totals["n"] += c["policies"]
        for k in ("ips", "snips", "dr"):
            totals[k] += c[k]
    print(f"\nAll evaluated policies (learned, uniform, baselines, oracle and every constant policy) over "
          f"{len(a.reports)} reports: true value inside the 95 % interval for "
          f"IPS {totals['ips']}/{totals['n']}, SNIPS {totals['snips']}/{totals['n']}, DR {totals['dr']}/{totals['n']}.")
    print("\n| report | approved | policies | IPS covers | SNIPS covers | DR covers |")
    print("|---|---|---|---|---|---|")
    for path in a.reports:
        r = load(path)
        c = r["coverage"][m]
        print(f"| {path.rsplit('/', 1)[-1]} | {r['approval']['approved']} | {c['policies']} | {c['ips']} | {c['snips']} | {c['dr']} |")


def costs(a):
    print("\n| cost per email | learned (greedy) DR | learned (deployed) DR | best constant | its DR | no email DR | logging | stops | approved |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in a.reports:
        r = load(path)
        P = {p["name"]: p for p in r["policies"]}
        consts = [p for p in r["policies"] if p["kind"] == "constant"]
        best = max(consts, key=lambda p: p["estimates"]["reward"]["dr"][0])
        learned = [p for p in r["policies"] if p["kind"] == "learned"]
        dep = [p for p in learned if p["name"] != "learned (greedy)"][0]
        print(f"| {path.rsplit('/', 1)[-1]} | {est(P['learned (greedy)']['estimates']['reward']['dr'])} | "
              f"{est(dep['estimates']['reward']['dr'])} | {best['name']} | {est(best['estimates']['reward']['dr'])} | "
              f"{est(P['no email']['estimates']['reward']['dr'])} | {est(r['logging']['reward'])} | "
              f"{100 * r['learned_stop_share']:.1f} % | {r['approval']['approved']} |")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("values")
    v.add_argument("report")
    v.add_argument("--metrics", default="reward,clicks,revenue")
    v.add_argument("--policies", default="")
    s = sub.add_parser("simulation")
    s.add_argument("report")
    c = sub.add_parser("calibration")
    c.add_argument("reports", nargs="+")
    c.add_argument("--metric", default="reward")
    k = sub.add_parser("costs")
    k.add_argument("reports", nargs="+")
    a = ap.parse_args()
    {"values": values, "simulation": simulation, "calibration": calibration, "costs": costs}[a.cmd](a)


if __name__ == "__main__":
    main()
