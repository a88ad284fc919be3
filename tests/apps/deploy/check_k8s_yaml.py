#!/usr/bin/env python3
"""Checks apps/deploy/k8s's manifests: they parse, and the Indexed Job's shard count agrees with itself.

    tests/apps/deploy/check_k8s_yaml.py [JOB_YAML [MERGE_YAML]]
        (default: apps/deploy/k8s/nf-batch-job.yaml and apps/deploy/k8s/nf-batch-merge.yaml of this repository)

Contract checked (apps/deploy/k8s/nf-batch-job.yaml says why):
  JOB_YAML holds exactly one batch/v1 Job with completionMode Indexed; completions == parallelism == the
  value of its container's NF_SHARD_COUNT env var (a positive whole number); that container runs
  `nf batch run MANIFEST --out DIR` (as command, or as args after the image's ENTRYPOINT nf); the pods restart
  Never (podFailurePolicy and backoffLimitPerIndex need it); the volume under --out comes from a
  PersistentVolumeClaim, and when the file defines that claim it is ReadWriteMany.
  MERGE_YAML holds a Job that runs `nf batch merge DIR` with the same DIR and claim.
Exit code 0 when all holds; 1 with one line per problem otherwise; 2 on a usage error.
Needs Python 3 and PyYAML (Debian: python3 python3-yaml).
"""
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
problems = []


def problem(path, text):
    problems.append(f"{path}: {text}")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except (OSError, yaml.YAMLError) as e:
        problem(path, "cannot load: " + " ".join(str(e).split()))
        return None


def argv_of(container):
    """The container's command line; an image's ENTRYPOINT nf is implied when only args are given."""
    command = list(container.get("command") or ["nf"]) + list(container.get("args") or [])
    return [str(a) for a in command]


def runs(argv, verb):
    """Index of the word after `nf batch VERB` in argv, or None."""
    for i in range(len(argv) - 2):
        if pathlib.PurePath(argv[i]).name == "nf" and argv[i + 1 : i + 3] == ["batch", verb]:
            return i + 3
    return None


def mount_claim(path, spec, container, directory):
    """The PersistentVolumeClaim mounted at (a parent of) directory in the container, or None."""
    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
    best = None
    for m in container.get("volumeMounts") or []:
        mount = str(m.get("mountPath", "")).rstrip("/")
        if directory == mount or directory.startswith(mount + "/"):
            if best is None or len(mount) > len(best[0]):
                best = (mount, m.get("name"))
    if best is None:
        problem(path, f"nothing is mounted at {directory}")
        return None
    claim = (volumes.get(best[1]) or {}).get("persistentVolumeClaim", {}).get("claimName")
    if not claim:
        problem(path, f"volume '{best[1]}' mounted at {best[0]} is not a persistentVolumeClaim")
    return claim


def check_job(path):
    docs = load(path)
    if docs is None:
        return None
    jobs = [d for d in docs if isinstance(d, dict) and d.get("kind") == "Job"]
    indexed = [j for j in jobs if (j.get("spec") or {}).get("completionMode") == "Indexed"]
    if len(indexed) != 1:
        problem(path, f"expected one Job with completionMode Indexed, found {len(indexed)} (of {len(jobs)} Jobs)")
        return None
    job = indexed[0]
    if job.get("apiVersion") != "batch/v1":
        problem(path, f"Job apiVersion is {job.get('apiVersion')!r}, not 'batch/v1'")
    spec = job["spec"]
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    for key, value in (("completions", completions), ("parallelism", parallelism)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problem(path, f"spec.{key} is {value!r}, not a positive whole number")
    if completions != parallelism:
        problem(path, f"completions ({completions}) != parallelism ({parallelism})")
    pod = (spec.get("template") or {}).get("spec") or {}
    if pod.get("restartPolicy") != "Never":
        problem(path, f"template.spec.restartPolicy is {pod.get('restartPolicy')!r}, not 'Never'")
    runners = [c for c in pod.get("containers") or [] if runs(argv_of(c), "run") is not None]
    if len(runners) != 1:
        problem(path, f"expected one container running `nf batch run`, found {len(runners)}")
        return None
    container = runners[0]
    argv = argv_of(container)
    rest = argv[runs(argv, "run") :]
    if not rest or rest[0].startswith("-"):
        problem(path, f"`nf batch run` has no manifest: {argv}")
    out = rest[rest.index("--out") + 1] if "--out" in rest[:-1] else None
    if out is None:
        problem(path, f"`nf batch run` has no --out DIR: {argv}")
    if any(a == "--shard" or a.startswith("--shard=") or a.startswith("--shards") for a in rest):
        problem(path, "`nf batch run` must take its shard from JOB_COMPLETION_INDEX and NF_SHARD_COUNT, not --shard/--shards")
    env = {e.get("name"): e for e in container.get("env") or []}
    count = (env.get("NF_SHARD_COUNT") or {}).get("value")
    if count is None:
        problem(path, "the container has no NF_SHARD_COUNT env value")
    elif str(count) != str(completions):
        problem(path, f"NF_SHARD_COUNT ({count!r}) != completions ({completions}): shards would be skipped or run twice")
    claim = mount_claim(path, pod, container, out) if out else None
    claims = {(d.get("metadata") or {}).get("name"): d for d in docs if isinstance(d, dict) and d.get("kind") == "PersistentVolumeClaim"}
    if claim in claims and "ReadWriteMany" not in ((claims[claim].get("spec") or {}).get("accessModes") or []):
        problem(path, f"PersistentVolumeClaim {claim} is not ReadWriteMany (every shard writes {out})")
    return out, claim


def check_merge(path, out, claim):
    docs = load(path)
    for d in docs or []:
        if not isinstance(d, dict) or d.get("kind") != "Job":
            continue
        pod = ((d.get("spec") or {}).get("template") or {}).get("spec") or {}
        for c in pod.get("containers") or []:
            argv = argv_of(c)
            i = runs(argv, "merge")
            if i is None:
                continue
            if argv[i:i + 1] != [out]:
                problem(path, f"`nf batch merge` reads {argv[i:i + 1]}, the batch job writes {out!r}")
            elif mount_claim(path, pod, c, out) != claim:
                problem(path, f"`nf batch merge` does not read claim {claim!r}")
            return
    if docs is not None:
        problem(path, "no Job container runs `nf batch merge DIR`")


def main():
    if len(sys.argv) > 3 or any(a.startswith("-") for a in sys.argv[1:]):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    job_yaml = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "apps/deploy/k8s/nf-batch-job.yaml")
    merge_yaml = sys.argv[2] if len(sys.argv) > 2 else None
    if merge_yaml is None and len(sys.argv) == 1:
        merge_yaml = str(ROOT / "apps/deploy/k8s/nf-batch-merge.yaml")
    result = check_job(job_yaml)
    if result and merge_yaml:
        check_merge(merge_yaml, *result)
    for p in problems:
        print(f"check_k8s_yaml: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_k8s_yaml: ok: {job_yaml}" + (f" and {merge_yaml}" if merge_yaml else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
