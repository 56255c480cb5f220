#!/usr/bin/env python3
"""Test of tailor-bench's command line and config (ctest Bench.CommandLineAndConfig), without
measuring anything:
- configs/bench.yaml holds every parameter of `tailor-bench run` and of every suite for both grids
  with the values the code uses (`run --print-config` with and without `--config` agree, and equal
  the file);
- `--help` lists the commands; an unknown --paths name and an unknown config key are errors that
  name them; an --out folder that is not a previous report is refused before measuring;
- with a Python interpreter that does not exist, the Python peer's lines and the plots are
  reported as absent with the reason (never silently left out) and tailor's own lines still run.
Exit code 77 (ctest: skipped) when PyYAML is not importable.

Usage: check_bench_cli.py --bin TAILOR_BENCH --config configs/bench.yaml --scratch DIR
"""
import argparse
import os
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("PyYAML (python3-yaml) not importable: skipped")
    sys.exit(77)


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--scratch", required=True)
    a = ap.parse_args()
    errors = []

    rc, out = run([a.bin, "run", "--print-config"])
    assert rc == 0, out
    defaults = yaml.safe_load(out)
    rc, out = run([a.bin, "run", "--print-config", "--config", a.config])
    assert rc == 0, out
    with_config = yaml.safe_load(out)
    with open(a.config, encoding="utf-8") as f:
        file_values = yaml.safe_load(f)
    if defaults != with_config:
        errors.append("configs/bench.yaml changes the defaults:\n" + yaml.safe_dump(with_config))
    if defaults != file_values:
        for section in sorted(set(defaults) | set(file_values)):
            d, v = defaults.get(section), file_values.get(section)
            if d != v:
                errors.append(f"configs/bench.yaml section {section} differs from the code:\n"
                              f"code: {d}\nfile: {v}")

    rc, out = run([a.bin, "--help"])
    for cmd in ("run", "kmeans", "topk"):
        if rc != 0 or f"\n  {cmd} " not in out:
            errors.append(f"--help does not list {cmd}:\n{out}")

    rc, out = run([a.bin, "--quick", "--paths", "kmeans,nosuch", "--out", os.path.join(a.scratch, "x")])
    if rc == 0 or "unknown suite or path 'nosuch'" not in out:
        errors.append(f"unknown --paths name not reported (exit {rc}):\n{out}")

    os.makedirs(a.scratch, exist_ok=True)
    bad = os.path.join(a.scratch, "bad.yaml")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("quick:\n  kmeans:\n    itres: 3\n")
    rc, out = run([a.bin, "--quick", "--config", bad, "--out", os.path.join(a.scratch, "x")])
    if rc == 0 or "itres" not in out:
        errors.append(f"unknown config key not reported (exit {rc}):\n{out}")

    foreign = os.path.join(a.scratch, "not_a_report")
    shutil.rmtree(foreign, ignore_errors=True)
    os.makedirs(foreign)
    with open(os.path.join(foreign, "keep.txt"), "w", encoding="utf-8") as f:
        f.write("user data\n")
    rc, out = run([a.bin, "--quick", "--paths", "roofline", "--out", foreign])
    if rc == 0 or "refusing to replace" not in out or not os.path.exists(os.path.join(foreign, "keep.txt")):
        errors.append(f"a foreign --out folder was not refused (exit {rc}):\n{out}")
    nopy = os.path.join(a.scratch, "no_python")
    rc, out = run([a.bin, "--quick", "--paths", "email", "--python", "/nonexistent/python3",
                   "--out", nopy])
    if rc != 0:
        errors.append(f"run without python failed (exit {rc}):\n{out[-3000:]}")
    else:
        import json
        with open(os.path.join(nopy, "report.json"), encoding="utf-8") as f:
            report = json.load(f)
        peer = [r for r in report["records"] if r["contender"] == "python-email"]
        mine = [r for r in report["records"] if r["path"] == "email.render" and r["contender"] == "tailor"]
        if not peer or any(r["status"] != "absent" or "/nonexistent/python3" not in r["reason"] for r in peer):
            errors.append(f"python peer not reported absent with the reason: {peer}")
        if not mine or any(r["status"] != "ok" for r in mine):
            errors.append(f"tailor's email lines did not run without python: {mine}")
        if report["plots"].get("status") != "absent" or not report["plots"].get("reason"):
            errors.append(f"plots not reported absent: {report['plots']}")
    shutil.rmtree(a.scratch, ignore_errors=True)

    if errors:
        for e in errors:
            print("FAIL:", e)
        sys.exit(1)
    print("command line and config ok")


if __name__ == "__main__":
    main()
