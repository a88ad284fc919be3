#!/usr/bin/env bash
# nf setup: installs what is missing (Debian 12 packages), builds Release, then
#   ./setup.sh demo   fits the bundled Kodak image with the Gaussian-RBF field (outputs in out/demo/) and an
#                     SDF of the bundled Spot mesh (out/demo-sdf/: snapshot, metrics, mesh.obj, render.png)
#   ./setup.sh test   runs the whole test suite (ctest; GPU tests on lavapipe with validation)
#   ./setup.sh build  only installs and builds
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-demo}"

packages=(
  cmake g++ make pkg-config
  libvulkan-dev mesa-vulkan-drivers vulkan-tools vulkan-validationlayers glslc glslang-tools spirv-tools
  libglfw3-dev libglm-dev libimgui-dev libtinyobjloader-dev libstb-dev libtinyexr-dev nlohmann-json3-dev
  libcli11-dev libgtest-dev libbenchmark-dev xvfb xauth
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNF_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"

case "$mode" in
  demo)
    ./build/apps/nf info
    ./build/apps/nf fit assets/images/kodim01.png --field rbf --steps 200 --eval-every 50 --out out/demo
    echo "setup: demo outputs in out/demo/ (render.png, error.png, metrics.json, snapshot.nf)"
    ./build/apps/nf fit assets/meshes/spot.obj --field sdf-rbf --steps 300 --set batch_size=16384 \
      --set pool.size=262144 --export-mesh 128 --out out/demo-sdf
    ./build/apps/nf render out/demo-sdf/snapshot.nf --out out/demo-sdf/render.png --width 384 --height 384
    echo "setup: SDF demo outputs in out/demo-sdf/ (mesh.obj, render.png, metrics.json with iou/chamfer, snapshot.nf)"
    ;;
  test)
    ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
    ;;
  build) ;;
  *) echo "usage: ./setup.sh [demo|test|build]" >&2; exit 2 ;;
esac
