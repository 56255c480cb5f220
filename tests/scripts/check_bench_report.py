#!/usr/bin/env python3
"""Test of `tailor-bench --quick` (ctest Bench.QuickReportIsComplete): runs it into a fresh output
folder and checks that the report is complete.

- it exits 0 within 300 s (issue 6: under 5 minutes on the 2-core machine) and leaves no staging
  folder behind;
- report.json: machine, build (LibTorch, HDF5, OpenBLAS, FAISS, CUDA, git commit) and Python
  versions; every registered path selected and present with records, and at least one measured
  record per path unless all its records are GPU records skipped with a reason; every record is
  ok / absent / skipped (never failed); absent and skipped ones carry a reason; every figure of
  an ok record is a positive finite number, with min <= median and `repeats` positive samples;
  every comparison has a positive finite speedup or says why not;
- the paths the issues ask for are registered (kmeans.assign, kmeans.fit, kmeans.ragged, topk,
  email.render, roofline.cpu, roofline.cuda);
- report.md has a section per path; plots/<path>.png exist (valid PNG) for every path with a
  series measured at two sizes or more when matplotlib is importable by the report's python, and the plots are
  reported absent with a reason otherwise.

Usage: check_bench_report.py --bin TAILOR_BENCH --out DIR
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

REQUIRED_PATHS = {"kmeans.assign", "kmeans.fit", "kmeans.ragged", "topk", "email.render",
                  "roofline.cpu", "roofline.cuda"}
STATUSES = {"ok", "absent", "skipped", "failed"}
errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def positive(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = args.out.rstrip("/")
    if os.path.exists(out):
        shutil.rmtree(out)
    t0 = time.monotonic()
    proc = subprocess.run([args.bin, "--quick", "--out", out], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    print(f"tailor-bench --quick: exit {proc.returncode}, {wall:.1f} s")
    if proc.returncode != 0:
        print(proc.stdout[-6000:])
        sys.exit(f"tailor-bench --quick failed with exit status {proc.returncode}")
    check(wall < 300, f"tailor-bench --quick took {wall:.0f} s (must be under 300 s)")
    parent = os.path.dirname(os.path.abspath(out))
    leftovers = [n for n in os.listdir(parent)
                 if n.startswith(os.path.basename(out) + ".tmp-") or n.startswith(os.path.basename(out) + ".old-")]
    check(not leftovers, f"staging folders left behind: {leftovers}")

    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    check(report.get("report") == "tailor-bench" and report.get("format_version") == 1, "bad header")
    check(report.get("grid") == "quick", "grid is not quick")
    m, b = report["machine"], report["build"]
    check(bool(m.get("cpu_model")) and m.get("logical_cpus", 0) > 0 and m.get("memory_bytes", 0) > 0
          and bool(m.get("os")) and m.get("threads_used", 0) > 0, f"machine info incomplete: {m}")
    for key in ("tailor", "compiler", "libtorch", "hdf5", "openblas", "faiss"):
        check(bool(b.get(key)), f"build.{key} missing")
    check(bool(b["git"].get("commit")) and bool(b["git"].get("source")), "git commit missing")
    check("usable" in b["cuda"] and (b["cuda"]["usable"] or bool(b["cuda"].get("reason"))),
          "cuda: neither usable nor a reason")
    check("python" in report["python_versions"], "python versions missing")

    registered = set(report["registered_paths"])
    check(REQUIRED_PATHS <= registered, f"paths not registered: {sorted(REQUIRED_PATHS - registered)}")
    check(set(report["selected_paths"]) == registered, "a plain --quick run must select every path")
    by_path = {}
    for r in report["records"]:
        by_path.setdefault(r["path"], []).append(r)
        where = f'{r["path"]} [{r["case"]}] {r["series"]}'
        check(r["status"] in STATUSES, f"{where}: status {r['status']}")
        check(r["status"] != "failed", f"{where}: failed: {r.get('reason')}")
        if r["status"] != "ok":
            check(isinstance(r.get("reason"), str) and r["reason"].strip() != "", f"{where}: no reason")
            check("figures" not in r, f"{where}: {r['status']} but has figures")
        else:
            fig = r.get("figures", {})
            check("median_s" in fig and "min_s" in fig, f"{where}: no median/min")
            for k, v in fig.items():
                check(positive(v), f"{where}: figure {k} = {v!r} is not a positive finite number")
            check(fig.get("min_s", 0) <= fig.get("median_s", 0), f"{where}: min > median")
            s = r.get("samples_s", [])
            check(len(s) >= r["repeats"] and all(positive(x) for x in s),
                  f"{where}: samples {s} (repeats {r['repeats']})")
            if "throughput" in fig:
                check(bool(r.get("throughput_unit")), f"{where}: throughput without unit")
        for c in r.get("comparisons", []):
            if "speedup" in c:
                check(positive(c["speedup"]), f"{where}: {c['label']} speedup {c['speedup']!r}")
            else:
                check(bool(c.get("missing")), f"{where}: {c['label']} has neither speedup nor reason")
        check(positive(r["size"]) and bool(r["size_unit"]), f"{where}: size {r['size']!r}")
    for path in sorted(registered):
        recs = by_path.get(path, [])
        if not check(recs, f"{path}: no records"):
            continue
        ok = [r for r in recs if r["status"] == "ok"]
        gpu_only = all(r["device"] == "cuda" for r in recs)
        check(ok or gpu_only, f"{path}: nothing measured")
        if gpu_only and not ok:
            check(all(r["status"] == "skipped" for r in recs), f"{path}: GPU records neither ok nor skipped")

    with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
        md = f.read()
    for path in registered:
        check(f"\n## {path}\n" in md, f"report.md has no section {path}")
    probe = subprocess.run([report["python"], "-c", "import matplotlib"], capture_output=True)
    plots = report["plots"]
    if probe.returncode == 0:
        check(plots.get("status") == "ok", f"matplotlib importable but plots: {plots}")
        files = set(plots.get("files", []))
        for path, recs in by_path.items():
            sizes = {}
            for r in recs:
                if r["status"] == "ok":
                    sizes.setdefault(r["series"], set()).add(r["size"])
            if any(len(v) >= 2 for v in sizes.values()):
                name = f"plots/{path}.png"
                check(name in files, f"no plot for {path}")
                full = os.path.join(out, name)
                if check(os.path.exists(full), f"{full} missing"):
                    with open(full, "rb") as f:
                        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{full} is not a PNG")
    else:
        check(plots.get("status") == "absent" and bool(plots.get("reason")),
              f"matplotlib not importable but plots: {plots}")

    n_ok = sum(r["status"] == "ok" for r in report["records"])
    print(f"{len(report['records'])} records ({n_ok} measured) over {len(registered)} paths; "
          f"plots {plots.get('status')}")
    if errors:
        for e in errors:
            print("FAIL:", e)
        sys.exit(1)
    print("report complete")


if __name__ == "__main__":
    main()
