#!/usr/bin/env bash
# The GPU check: nf's GPU tests with validation on, then the benchmarks that have GPU rows (image, MLP, SDF,
# radiance field with its 800 x 800 render rate), on whatever Vulkan device the machine has, in one command of
# under 10 minutes; writes report.json + report.md (and logs.tar.gz with every log and benchmark output) into one
# folder.
#
# It runs from a bundle, made on a Debian 12 machine by `./setup.sh gpu-bundle` (folder gpu-check/ of the checkout):
# bin/ (nf and the test executables), lib/ (the libraries they need beyond glibc and libstdc++, the Vulkan loader
# included), layers/ (the Khronos validation layer), data/scene (the NeRF-synthetic scene NF_GPU_SCENE named, if any) and
# this script as run.sh. A bare machine needs nothing else but its GPU driver.
#
#   gpu-check/run.sh [OUT_DIR] [--quick]
#
# OUT_DIR defaults to $OUT when set (the device tool's folder), else gpu-check-report/. --quick shortens every
# benchmark (a check of the check, e.g. on lavapipe). NF_GPU_CHECK_SECONDS (default 540) bounds the whole run:
# steps that would start after it are recorded as skipped. The tests read the checkout the bundle lies in
# (NF_SOURCE_DIR: its tests/assets and assets).
set -uo pipefail
bundle="$(cd "$(dirname "$0")" && pwd)"
source_dir="${NF_SOURCE_DIR:-$(cd "$bundle/.." && pwd)}"
out="${OUT:-gpu-check-report}"
quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) out="$a" ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
logs="$(mktemp -d)/gpu-check"
mkdir -p "$logs"
budget="${NF_GPU_CHECK_SECONDS:-540}"
start=$SECONDS

export LD_LIBRARY_PATH="$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VK_LAYER_PATH="$bundle/layers"
export VK_ADD_LAYER_PATH="$bundle/layers"
export NF_SOURCE_DIR="$source_dir"
export NF_CLI="$bundle/bin/nf"
# NVIDIA's driver in a container or VM often lies outside the loader's search path.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
             /usr/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
  done
fi
nf="$bundle/bin/nf"
# The compiler runtime the programs were built with (GCC 12), only where the machine's is older: a newer one serves
# the driver's libraries too.
if ! "$nf" --help > /dev/null 2>&1; then export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$bundle/lib/cxx"; fi
"$nf" --help > /dev/null 2>&1 || { echo "gpu-check: $nf does not start here:"; ldd "$nf" | grep 'not found'; exit 1; }
command -v python3 > /dev/null || { echo "gpu-check: python3 is needed for the report (apps/bench/gpu_check_report.py)"; exit 1; }
steps_file="$logs/steps.jsonl"
: > "$steps_file"

# step NAME TIMEOUT COMMAND...: runs one step (its output in logs/NAME.log) unless the budget is spent; records
# its exit code and seconds.
step() {
  local name="$1" limit="$2"
  shift 2
  local left=$((budget - (SECONDS - start)))
  if ((left < 15)); then
    echo "gpu-check: $name skipped (time budget spent)"
    printf '{"name":"%s","status":"skipped","seconds":0}\n' "$name" >> "$steps_file"
    return
  fi
  ((limit > left)) && limit=$left
  echo "gpu-check: $name (at most ${limit} s)"
  local t0=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > "$logs/$name.log" 2>&1
  local rc=$?
  local status=passed
  ((rc == 0)) || status=failed
  ((rc == 124 || rc == 137)) && status=timeout
  printf '{"name":"%s","status":"%s","exit_code":%d,"seconds":%d}\n' "$name" "$status" "$rc" $((SECONDS - t0)) >> "$steps_file"
  echo "gpu-check: $name $status in $((SECONDS - t0)) s"
}

step info 60 "$nf" info
cat "$logs/info.log"

# The tests, every executable with validation on (any validation message fails a test), each as one process.
for t in "$bundle"/bin/test_*; do
  name="$(basename "$t")"
  step "$name" 300 env NF_VALIDATION=1 "$t" --gtest_output="json:$logs/$name.json"
done

# The benchmarks with GPU rows (apps/bench/README.md), no validation (timings).
if ((quick)); then
  img_steps=20; sdf_steps=40; nerf_seconds=20; orbit=2; nerf_size=(--downscale 4 --set samples_per_step=32768)
else
  img_steps=300; sdf_steps=400; nerf_seconds=90; orbit=10; nerf_size=(--set samples_per_step=262144)
fi
step bench_mlp 120 "$nf" bench mlp --out "$logs/bench_mlp.json"
step bench_mlp_128 120 "$nf" bench mlp --width 128 --layers 3 --out "$logs/bench_mlp_128.json"
for field in rbf hashgrid; do
  step "bench_image_$field" 180 "$nf" bench image "$source_dir/assets/images/kodim01.png" --field "$field" -q \
    --steps "$img_steps" --eval-every "$img_steps" --out "$logs/bench_image_$field"
done
step sdf_fit 180 "$nf" fit "$source_dir/assets/meshes/spot.obj" --field sdf-rbf -q --steps "$sdf_steps" \
  --set batch_size=16384 --set pool.size=262144 --export-mesh 128 --out "$logs/sdf"
step sdf_render_512 60 "$nf" render "$logs/sdf/snapshot.nf" --width 512 --height 512 --out "$logs/sdf/render_512.png"
scene="$bundle/data/scene/transforms_subset_train.json"
[ -f "$scene" ] || scene="$bundle/data/scene/transforms_train.json"
if [ -f "$scene" ]; then
  step nerf_fit 240 "$nf" fit "$scene" --field nerf-hashgrid -q --max-seconds "$nerf_seconds" "${nerf_size[@]}" \
    --out "$logs/nerf"
  # Render rate of the trained field at 800 x 800: an orbit of N frames, timed whole (startup included).
  step nerf_orbit_800 120 "$nf" render "$logs/nerf/snapshot.nf" --orbit "$orbit" --width 800 --height 800 \
    --out "$logs/nerf/orbit"
else
  echo "gpu-check: no scene in the bundle ($scene): the radiance steps are left out"
fi

python3 "$bundle/gpu_check_report.py" "$logs" "$out" "$orbit" "$((SECONDS - start))"
rc=$?
tar -C "$(dirname "$logs")" -czf "$out/logs.tar.gz" gpu-check
echo "gpu-check: report in $out (report.md, report.json, logs.tar.gz) after $((SECONDS - start)) s"
exit $rc
