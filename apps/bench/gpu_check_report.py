#!/usr/bin/env python3
"""The GPU check's report (apps/bench/gpu_check.sh): report.json and report.md from the steps' logs.

usage: gpu_check_report.py LOGS OUT ORBIT_FRAMES SECONDS
Reads LOGS/steps.jsonl (one line per step: name, status, exit_code, seconds), the tests' gtest JSON files, `nf info`'s
output and the benchmarks' JSON; writes OUT/report.json (all of it) and OUT/report.md (tables). Python's standard
library only.
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    logs, out, orbit, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(os.path.join(logs, "steps.jsonl")) as f:
        steps = [json.loads(line) for line in f if line.strip()]
    info = open(os.path.join(logs, "info.log")).read() if os.path.exists(os.path.join(logs, "info.log")) else ""

    tests = {}
    for s in steps:
        if not s["name"].startswith("test_"):
            continue
        g = load(os.path.join(logs, s["name"] + ".json"))
        failed = []
        if g:
            for suite in g.get("testsuites", []):
                for t in suite.get("testsuite", []):
                    if t.get("failures"):
                        failed.append(suite["name"] + "." + t["name"])
        tests[s["name"]] = {
            "status": s["status"],
            "tests": g.get("tests") if g else None,
            "failures": g.get("failures") if g else None,
            "disabled": g.get("disabled") if g else None,
            "failed": failed,
            "seconds": s["seconds"],
        }

    bench = {}
    for name in ("bench_mlp", "bench_mlp_128"):
        b = load(os.path.join(logs, name + ".json"))
        if b:
            bench[name] = {k: b[k] for k in ("width", "hidden_layers", "batch", "path", "samples_per_second", "gflops",
                                             "seconds_per_step")}
    for field in ("rbf", "hashgrid"):
        b = load(os.path.join(logs, "bench_image_" + field, "bench.json"))
        if b:
            bench["image_" + field] = {k: b.get(k) for k in ("steps", "samples_per_second", "steps_per_second",
                                                             "gpu_ms_per_step", "render_ms", "psnr", "params")}
    m = load(os.path.join(logs, "sdf", "metrics.json"))
    if m:
        bench["sdf_rbf"] = {k: m.get(k) for k in ("steps", "iou", "chamfer", "samples_per_second", "steps_per_second")}
    step_seconds = {s["name"]: s for s in steps}
    if "sdf_render_512" in step_seconds and step_seconds["sdf_render_512"]["status"] == "passed":
        bench.setdefault("sdf_rbf", {})["render_512_seconds_with_startup"] = step_seconds["sdf_render_512"]["seconds"]
    m = load(os.path.join(logs, "nerf", "metrics.json"))
    if m:
        bench["nerf_hashgrid"] = {k: m.get(k) for k in ("steps", "train_seconds", "psnr", "ssim", "rays_per_second",
                                                        "samples_per_ray", "occupancy", "eval_rays_per_second")}
        o = step_seconds.get("nerf_orbit_800")
        if o and o["status"] == "passed" and o["seconds"] > 0:
            # Whole-command time (startup and PNG writes included): a lower bound on the frame rate.
            bench["nerf_hashgrid"]["orbit_800_frames"] = orbit
            bench["nerf_hashgrid"]["orbit_800_seconds"] = o["seconds"]
            bench["nerf_hashgrid"]["frames_per_second_800_at_least"] = orbit / o["seconds"]
        e = m.get("eval_rays_per_second")
        if e:
            bench["nerf_hashgrid"]["frames_per_second_800_from_eval"] = e / (800 * 800)

    ok = all(s["status"] == "passed" for s in steps)
    report = {"passed": ok, "seconds": seconds, "device_info": info, "steps": steps, "tests": tests, "bench": bench}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)

    md = ["# nf GPU check", "", "Result: **%s** in %d s." % ("all steps passed" if ok else "FAILED", seconds), "",
          "```", info.strip(), "```", "", "| step | status | seconds |", "| --- | --- | --- |"]
    md += ["| %s | %s | %s |" % (s["name"], s["status"], s["seconds"]) for s in steps]
    md += ["", "| tests | run | failed | failing tests |", "| --- | --- | --- | --- |"]
    for name, t in tests.items():
        md.append("| %s | %s | %s | %s |" % (name, t["tests"], t["failures"], ", ".join(t["failed"][:20])))
    md += ["", "| benchmark | figures |", "| --- | --- |"]
    for name, b in bench.items():
        figures = ", ".join("%s %s" % (k, ("%.4g" % v) if isinstance(v, float) else v) for k, v in b.items())
        md.append("| %s | %s |" % (name, figures))
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
