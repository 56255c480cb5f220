#!/usr/bin/env python3
"""PNG plots of a tailor-bench report: for each path, median time against the path's size axis
(log-log), one line per series (device/contender/variant: CPU vs GPU vs peer). Only measured
(status ok) records are drawn; series with nothing measured are named in the legend title. A path
gets a plot when one of its series was measured at two sizes or more (the rooflines are one point
per line: their figures are in report.md).

Usage: bench_plots.py REPORT_JSON REPORT_DIR -> writes REPORT_DIR/plots/<path>.png and prints one
JSON line {"files": ["plots/<path>.png", ...]} (paths relative to REPORT_DIR).
Needs matplotlib (Debian python3-matplotlib); run by `tailor-bench run` with /usr/bin/python3.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {"cpu": "-", "cuda": "--"}


def main():
    report_path, out_dir = sys.argv[1], sys.argv[2]
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    plots_dir = os.path.join(out_dir, "plots")
    os.makedirs(plots_dir, exist_ok=True)
    files = []
    for path in report["selected_paths"]:
        records = [r for r in report["records"] if r["path"] == path]
        series = {}
        missing = set()
        for r in records:
            if r["status"] != "ok":
                missing.add(r["series"])
                continue
            series.setdefault(r["series"], []).append((r["size"], r["figures"]["median_s"], r["device"]))
        missing -= set(series)
        if not any(len({p[0] for p in pts}) >= 2 for pts in series.values()):
            continue
        fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=110)
        for name, points in sorted(series.items()):
            points.sort()
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            ax.plot(xs, ys, STYLE.get(points[0][2], "-"), marker="o", label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        unit = records[0]["size_unit"] or "size"
        ax.set_xlabel(unit)
        ax.set_ylabel("median time per timed unit (s)")
        ax.set_title(f"{path} ({report['grid']} grid)")
        ax.grid(True, which="both", alpha=0.3)
        title = None
        if missing:
            title = "not measured: " + ", ".join(sorted(missing))
            if len(title) > 70:
                title = title[:67] + "..."
        ax.legend(fontsize=8, title=title, title_fontsize=7)
        fig.tight_layout()
        name = f"plots/{path}.png"
        fig.savefig(os.path.join(out_dir, name))
        plt.close(fig)
        files.append(name)
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    main()
