// The `nf` command line as users run it: outputs of a real fit, and one-line errors with nothing left
// behind for every kind of bad input.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/image.hpp"
#include "core/log.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"
#include "support/analytic_scene.hpp"
#include "support/check.hpp"
#include "cli_fixture.hpp"

namespace nf {
namespace {

namespace fs = std::filesystem;

TEST_F(Cli, FitWritesEveryOutputAndRenderAndEvalUseTheSnapshot) {
  const auto img = small_image();
  const auto out = path("run");
  const Outcome r = nf("fit " + img + " --steps 20 --eval-every 10 --set batch_size=1024 --out " + out + " --seed 3");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"snapshot.nf", "render.png", "error.png", "metrics.json"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const json m = read_json_file(out + "/metrics.json");
  for (const char* k : {"psnr", "ssim", "steps", "train_seconds", "samples_per_second", "params", "field", "device", "curve"})
    EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(m["steps"], 20);
  EXPECT_EQ(m["field"], "rbf");
  EXPECT_EQ(m["curve"].size(), 2u);
  EXPECT_EQ(m["params"], 106038 + 18 * 64 * 2 + 64 * 3 + 3);
  // Progress was shown (step, loss, PSNR, speed, ETA).
  EXPECT_NE(r.err.find("step"), std::string::npos);
  EXPECT_NE(r.err.find("ETA"), std::string::npos);

  const Outcome render = nf("render " + out + "/snapshot.nf --out " + path("big.png") + " --width 64 --height 48");
  ASSERT_EQ(render.code, 0) << render.err;
  const Image big = read_image(path("big.png"));
  EXPECT_EQ(big.width, 64);
  EXPECT_EQ(big.height, 48);
  // The same render as the fit's own (same size, same parameters).
  ASSERT_EQ(nf("render " + out + "/snapshot.nf --out " + path("same.png")).code, 0);
  EXPECT_EQ(read_image(path("same.png")).pixels, read_image(out + "/render.png").pixels);

  const Outcome eval = nf("eval " + out + "/snapshot.nf --reference " + img + " --out " + path("eval.json"));
  ASSERT_EQ(eval.code, 0) << eval.err;
  EXPECT_NEAR(read_json_file(path("eval.json"))["psnr"].get<double>(), m["psnr"].get<double>(), 0.05);
}

// A mesh input trains an SDF: snapshot (with the mesh transform), metrics with IoU and Chamfer, the exported
// mesh in the input's units; export-mesh and eval read the snapshot back.
TEST_F(Cli, FitOnAMeshWritesSdfOutputsAndExportAndEvalUseTheSnapshot) {
  const std::string spot = test::asset("meshes/spot.obj");
  const auto out = path("sdf");
  const Outcome r = nf("fit " + spot + " --steps 80 --set batch_size=4096 --set pool.size=16384 --export-mesh 24 --out " +
                       out + " --seed 2");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"snapshot.nf", "metrics.json", "mesh.obj"}) EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const json m = read_json_file(out + "/metrics.json");
  for (const char* k : {"iou", "chamfer", "steps", "train_seconds", "samples_per_second", "params", "field", "device"})
    EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(m["steps"], 80);
  EXPECT_EQ(m["field"], "sdf-rbf");
  EXPECT_GT(m["iou"].get<double>(), 0.5);
  EXPECT_LE(m["iou"].get<double>(), 1.0);
  EXPECT_GT(m["chamfer"].get<double>(), 0.0);
  EXPECT_LT(m["chamfer"].get<double>(), 0.05);
  EXPECT_NE(r.err.find("ETA"), std::string::npos) << "progress shown";
  const Snapshot s = read_snapshot(out + "/snapshot.nf");
  EXPECT_EQ(s.description["task"], "sdf");
  EXPECT_TRUE(s.description["mesh"].contains("transform"));

  for (const char* view : {"shaded", "normals", "depth", "steps"}) {
    const Outcome rr = nf("render " + out + "/snapshot.nf --out " + path("v.png") + " --width 32 --height 24 --view " +
                          view + " --azimuth 40 --iterations 16");
    ASSERT_EQ(rr.code, 0) << rr.err;
    const Image v = read_image(path("v.png"));
    EXPECT_EQ(v.width, 32);
    EXPECT_EQ(v.height, 24);
  }
  expect_clean_failure(nf("render " + out + "/snapshot.nf --out " + path("v.png") + " --view xray"), "xray");

  const Outcome ex = nf("export-mesh " + out + "/snapshot.nf --resolution 24 --out " + path("again.ply"));
  ASSERT_EQ(ex.code, 0) << ex.err;
  EXPECT_TRUE(fs::exists(path("again.ply")));
  const Outcome ev = nf("eval " + out + "/snapshot.nf --reference " + spot + " --resolution 24 --points 65536 --out " +
                        path("eval.json"));
  ASSERT_EQ(ev.code, 0) << ev.err;
  const json e = read_json_file(path("eval.json"));
  EXPECT_NEAR(e["iou"].get<double>(), m["iou"].get<double>(), 0.05);

  expect_clean_failure(nf("fit " + small_image() + " --steps 2 --export-mesh 16 --out " + path("bad")), "--export-mesh",
                       path("bad"));
  expect_clean_failure(nf("export-mesh " + out + "/snapshot.nf --out " + path("m.stl") + " --resolution 8"), "m.stl");
  expect_clean_failure(nf("fit " + path("missing.obj") + " --out " + path("bad2")), "missing.obj", path("bad2"));
  expect_clean_failure(nf("fit " + spot + " --field sdf-rbf --set pool.size=0 --out " + path("bad3")), "pool.size",
                       path("bad3"));
}

// A posed-image scene (the analytic spheres, Blender layout) trains a radiance field: snapshot, metrics with the
// radiance keys, test-view renders and error maps; render (views, a camera file, an orbit), eval and
// export-mesh read the snapshot back; bad scenes fail in one line and write nothing.
TEST_F(Cli, FitOnAScenePlusRenderEvalAndExport) {
  const auto scene = path("scene");
  test::write_blender_scene(test::AnalyticScene::three_spheres(), scene, 8, 2, 16);
  const std::string small = " --set field.encoding.levels=4 --set field.encoding.log2_table_size=12"
                            " --set field.encoding.finest_resolution=64 --set samples_per_step=4096"
                            " --set rays_per_step=64 --set occupancy.resolution=16 --set march.steps=128"
                            " --set march.max_samples_per_ray=128";
  const auto out = path("nerf");
  const Outcome r = nf("fit " + scene + " --steps 20 --eval-every 10 --background black --out " + out + small);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("8 training views (16x16), 2 test views (transforms_test.json)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ETA"), std::string::npos) << "progress shown";
  for (const char* f : {"snapshot.nf", "metrics.json", "test/r_0.png", "test/r_0_error.png", "test/r_1.png"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const json m = read_json_file(out + "/metrics.json");
  for (const char* k : {"psnr", "ssim", "psnr_views", "rays_per_second", "samples_per_ray", "occupancy", "curve",
                        "submits_per_step", "host_round_trips_per_step"})
    EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(m["field"], "nerf-hashgrid");
  EXPECT_EQ(m["steps"], 20);
  EXPECT_EQ(m["background"], "black");
  EXPECT_EQ(m["eval_background"], "black");
  EXPECT_EQ(m["psnr_views"].size(), 2u);
  EXPECT_EQ(m["submits_per_step"], 1);
  EXPECT_GT(m["occupancy"].get<double>(), 0.0);
  EXPECT_EQ(read_image(out + "/test/r_1.png").width, 16);

  const std::string snap = out + "/snapshot.nf";
  for (const char* view : {"rgb", "depth", "opacity", "samples"}) {
    const Outcome rr = nf("render " + snap + " --test-view 1 --width 24 --out " + path("v.png") + " --view " + view);
    ASSERT_EQ(rr.code, 0) << rr.err;
    EXPECT_EQ(read_image(path("v.png")).width, 24);
  }
  // The fit's own render of test view 1 again, bit for bit.
  ASSERT_EQ(nf("render " + snap + " --test-view 1 --out " + path("same.png")).code, 0);
  EXPECT_EQ(read_image(path("same.png")).pixels, read_image(out + "/test/r_1.png").pixels);
  ASSERT_EQ(nf("render " + snap + " --camera " + scene + "/transforms_test.json --frame 1 --out " + path("cam.png")).code, 0);
  EXPECT_EQ(read_image(path("cam.png")).pixels, read_image(out + "/test/r_1.png").pixels);
  const Outcome orbit = nf("render " + snap + " --orbit 3 --out " + path("orbit"));
  ASSERT_EQ(orbit.code, 0) << orbit.err;
  for (const char* f : {"frame_000.png", "frame_001.png", "frame_002.png"}) EXPECT_TRUE(fs::exists(path("orbit/") + f));

  const Outcome ev = nf("eval " + snap + " --reference " + scene + "/transforms_test.json --out " + path("eval.json"));
  ASSERT_EQ(ev.code, 0) << ev.err;
  EXPECT_NEAR(read_json_file(path("eval.json"))["psnr"].get<double>(), m["psnr"].get<double>(), 1e-6);
  const Outcome ex = nf("export-mesh " + snap + " --resolution 24 --threshold 1 --out " + path("nerf.obj"));
  EXPECT_TRUE(ex.code == 0 || ex.err.find("never crosses") != std::string::npos) << ex.err;

  // Bad scenes: one line naming the file and frame; no output folder.
  std::ofstream(path("bad.json")) << R"({"camera_angle_x": 0.7, "frames": [{"file_path": "x",
      "transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1,0]]}]})";
  expect_clean_failure(nf("fit " + path("bad.json") + " --out " + path("bad1")), "bad.json: frame 0 (x): 'transform_matrix'",
                       path("bad1"));
  expect_clean_failure(nf("fit " + path("empty_folder") + " --out " + path("bad2")), "empty_folder", path("bad2"));
  expect_clean_failure(nf("fit " + scene + " --background pink --out " + path("bad3")), "background \"pink\"", path("bad3"));
  expect_clean_failure(nf("render " + snap + " --view normals --out " + path("v.png")), "normals");
}

TEST_F(Cli, FreshPrintsTheTableAndWritesItsOutputs) {
  const auto img = small_image();
  const auto out = path("fresh");
  const Outcome r = nf("fresh " + img + " --field siren --set field.network.width=32 --inits 2 --bins 16 "
                       "--candidates 10,50,90 --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("FreSh picks omega_0"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("ETA"), std::string::npos) << "progress shown";
  const json j = read_json_file(out + "/fresh.json");
  for (const char* k : {"parameter", "candidates", "mean_w1", "std_w1", "selected", "bins", "inits", "seconds"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["candidates"], json({10.0, 50.0, 90.0}));
  EXPECT_EQ(j["inits"], 2);
  EXPECT_EQ(j["bins"], 16);
  EXPECT_TRUE(fs::exists(out + "/fresh.png"));

  expect_clean_failure(nf("fresh " + img + " --field rbf --parameter omega_0 --out " + path("bad")), "omega_0",
                       path("bad"));
}

TEST_F(Cli, FitWithAFreshInitRecordsThePickInTheSnapshot) {
  const auto img = small_image();
  const auto out = path("run");
  const Outcome r = nf("fit " + img + " --field ffn --set field.network.width=32 --steps 5 --out " + out +
                       " --set 'init={\"type\":\"fresh\",\"inits\":2,\"bins\":16,\"candidates\":[2,6]}'");
  ASSERT_EQ(r.code, 0) << r.err;
  const json m = read_json_file(out + "/metrics.json");
  ASSERT_TRUE(m.contains("fresh"));
  const double pick = m["fresh"]["selected"].get<double>();
  EXPECT_TRUE(pick == 2 || pick == 6) << pick;
  EXPECT_EQ(m["config"]["field"]["encoding"]["sigma"].get<double>(), pick);
  EXPECT_TRUE(fs::exists(out + "/fresh.json"));
  const Snapshot s = read_snapshot(out + "/snapshot.nf");
  EXPECT_EQ(s.description["config"]["init"]["selected"].get<double>(), pick);
  EXPECT_EQ(s.description["config"]["field"]["encoding"]["sigma"].get<double>(), pick);
  // The snapshot renders without selecting again.
  ASSERT_EQ(nf("render " + out + "/snapshot.nf --out " + path("again.png")).code, 0);
  EXPECT_EQ(read_image(path("again.png")).pixels, read_image(out + "/render.png").pixels);
}

// FreSh's protocol: a held-out tenth of the pixels, scored apart by `nf fit` and by `nf bench fresh`.
TEST_F(Cli, HeldOutPixelsAreScoredByFitAndBenchFresh) {
  const auto img = small_image();
  const Outcome fit = nf("fit " + img + " --field ffn-fresh --set field.network.width=16 --set holdout=0.1 --steps 5 "
                         "--out " + path("fit"));
  ASSERT_EQ(fit.code, 0) << fit.err;
  EXPECT_NE(fit.out.find("held-out pixels (102)"), std::string::npos) << fit.out;
  const json m = read_json_file(path("fit") + "/metrics.json");
  EXPECT_EQ(m["test_pixels"], 102);  // floor(0.1 x 32 x 32)
  EXPECT_GT(m["psnr_test"].get<double>(), 5.0);
  EXPECT_GT(m["psnr_train"].get<double>(), 5.0);
  EXPECT_EQ(m["config"]["holdout"], 0.1);

  const auto out = path("bench");
  const Outcome r = nf("bench fresh " + img + " --field ffn-fresh --set field.network.width=16 --candidates 2,6 "
                       "--inits 1 --bins 8 --compare-bins 4,8 --steps 5 --holdout 0.1 --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Scored on the held-out pixels"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("held-out pixels"), std::string::npos) << r.err;
  for (const char* f : {"table.md", "table.csv", "table_test.md", "table_test.csv", "small/fresh.json", "bins.md",
                        "bins.csv"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  EXPECT_EQ(read(out + "/table_test.csv").rfind("image,pick,psnr_pick,best,psnr_best", 0), 0u);
  // --compare-bins: each size's pick is what `nf fresh --bins S` picks; the run's own size is its selection.
  const json fresh = read_json_file(out + "/small/fresh.json");
  ASSERT_EQ(nf("fresh " + img + " --field ffn-fresh --set field.network.width=16 --candidates 2,6 --inits 1 "
               "--bins 4 --out " + path("fresh4")).code, 0);
  const double pick4 = read_json_file(path("fresh4") + "/fresh.json")["selected"].get<double>();
  std::istringstream bins(read(out + "/bins.csv"));
  std::string line;
  std::getline(bins, line);
  EXPECT_EQ(line, "bins,image,pick,psnr_pick,psnr_best,psnr_default,psnr_test_pick,psnr_test_best,psnr_test_default");
  std::vector<std::string> rows;
  while (std::getline(bins, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].rfind("4,small,", 0), 0u) << rows[0];
  EXPECT_EQ(std::stod(rows[0].substr(8)), pick4) << rows[0];
  ASSERT_EQ(rows[1].rfind("8,small,", 0), 0u) << rows[1];
  EXPECT_EQ(std::stod(rows[1].substr(8)), fresh["selected"].get<double>()) << rows[1];
}

TEST_F(Cli, InfoAndHelpWork) {
  const Outcome info = nf("info");
  EXPECT_EQ(info.code, 0);
  EXPECT_NE(info.out.find("Vulkan devices"), std::string::npos);
  EXPECT_NE(info.out.find("rbf"), std::string::npos);
  for (const char* sub : {"fit", "render", "eval", "info", "bench image"}) {
    const Outcome h = nf(std::string(sub) + " --help");
    EXPECT_EQ(h.code, 0) << sub;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << sub;
  }
  EXPECT_NE(nf("").code, 0);
  EXPECT_NE(nf("fit").code, 0);  // input missing
}

TEST_F(Cli, BadImagesFailWithOneLineAndNoOutput) {
  const auto out = path("never");
  expect_clean_failure(nf("fit " + path("missing.png") + " --out " + out), "missing.png: cannot open file", out);
  std::ofstream(path("text.png")) << "not an image";
  expect_clean_failure(nf("fit " + path("text.png") + " --out " + out), "text.png: not a readable image", out);
  write_image(path("full.png"), read_image(small_image()));
  const std::string bytes = read(path("full.png"));
  std::ofstream(path("cut.png"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_clean_failure(nf("fit " + path("cut.png") + " --out " + out), "cut.png", out);
  // Headers claiming 0x0 and 30000x30000 (IHDR with a valid CRC, no data).
  auto png_header = [&](const std::string& name, uint32_t w, uint32_t h) {
    std::string s = "\x89PNG\r\n\x1a\n";
    std::string ihdr = "IHDR";
    for (uint32_t v : {w, h})
      for (int i = 3; i >= 0; --i) ihdr.push_back(char((v >> (8 * i)) & 0xFF));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);
    const uint32_t crc = crc32(ihdr.data(), ihdr.size());
    s += std::string("\x00\x00\x00\x0d", 4) + ihdr;
    for (int i = 3; i >= 0; --i) s.push_back(char((crc >> (8 * i)) & 0xFF));
    std::ofstream(path(name), std::ios::binary) << s;
    return path(name);
  };
  expect_clean_failure(nf("fit " + png_header("zero.png", 0, 0) + " --out " + out), "zero.png", out);
  expect_clean_failure(nf("fit " + png_header("huge.png", 30000, 30000) + " --out " + out), "huge.png", out);
}

TEST_F(Cli, BadConfigsFailWithOneLineAndNoOutput) {
  const auto img = small_image();
  const auto out = path("never");
  json c = read_json_file(test::asset("configs/rbf.json"));
  c["field"]["encoding"]["resolution"] = 3;  // typo of "resolutions"
  std::ofstream(path("typo.json")) << c.dump();
  expect_clean_failure(nf("fit " + img + " --field " + path("typo.json") + " --out " + out), "unknown key 'resolution'",
                       out);
  c = read_json_file(test::asset("configs/rbf.json"));
  c["optimizer"]["type"] = "lbfgs";
  std::ofstream(path("type.json")) << c.dump();
  expect_clean_failure(nf("fit " + img + " --field " + path("type.json") + " --out " + out),
                       "unknown optimizer type 'lbfgs'", out);
  std::ofstream(path("broken.json")) << "{\"field\": ";
  expect_clean_failure(nf("fit " + img + " --field " + path("broken.json") + " --out " + out), "broken.json: invalid JSON",
                       out);
  expect_clean_failure(nf("fit " + img + " --field nosuchname --out " + out), "no config named 'nosuchname'", out);
}

TEST_F(Cli, BadSnapshotsFailWithOneLine) {
  const auto img = small_image();
  const auto out = path("run");
  ASSERT_EQ(nf("fit " + img + " -q --steps 2 --set batch_size=256 --out " + out).code, 0);
  const std::string good = read(out + "/snapshot.nf");
  std::string other = good;
  other[8] = 9;  // format version 9
  std::ofstream(path("v9.nf"), std::ios::binary) << other;
  expect_clean_failure(nf("render " + path("v9.nf") + " --out " + path("x.png")), "format version 9");
  std::string flipped = good;
  flipped[good.size() / 3] ^= 1;
  std::ofstream(path("flip.nf"), std::ios::binary) << flipped;
  expect_clean_failure(nf("eval " + path("flip.nf") + " --reference " + img), "flip.nf: corrupted");
  std::ofstream(path("cut.nf"), std::ios::binary) << good.substr(0, good.size() - 9);
  expect_clean_failure(nf("render " + path("cut.nf") + " --out " + path("x.png")), "cut.nf");
  EXPECT_FALSE(fs::exists(path("x.png")));
}

TEST_F(Cli, AFailedRunKeepsEarlierOutputs) {
  const auto img = small_image();
  const auto out = path("run");
  ASSERT_EQ(nf("fit " + img + " -q --steps 2 --set batch_size=256 --out " + out).code, 0);
  const std::string before = read(out + "/snapshot.nf");
  const Outcome bad = nf("fit " + path("missing.png") + " --out " + out);
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(read(out + "/snapshot.nf"), before);
  const Outcome bad_render = nf("render " + out + "/snapshot.nf --out " + out + "/render.bmp");
  EXPECT_EQ(bad_render.code, 1);
  EXPECT_NE(bad_render.err.find("unsupported output format"), std::string::npos) << bad_render.err;
  for (const auto& e : fs::directory_iterator(out)) EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos);
}


// A fit stopped by SIGTERM writes its outputs and a snapshot and says how to go on; --resume then ends where
// the uninterrupted run ends, bit for bit. One lavapipe thread (LP_NUM_THREADS=1) makes the GPU's atomic
// sums run in one order, so that two runs can be compared bit for bit at all.
TEST_F(Cli, AStoppedRunResumesToTheSameResultBitForBit) {
  const auto img = small_image();
  const std::string env = "LP_NUM_THREADS=1";
  const std::string fit = "fit " + img + " -q --steps 400 --set batch_size=256 --seed 2 ";
  ASSERT_EQ(nf(fit + "--out " + path("whole"), env).code, 0);

  const std::string out = path("stopped");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = "exec env NF_VALIDATION=1 " + env + " " + nf_cli() + " " + fit +
                            "--snapshot-every 20 --out " + out + " > " + path("bg.out") + " 2> " + path("bg.err");
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Stop it once its first snapshot is there (step 20 of 400).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!fs::exists(out + "/snapshot.nf") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string err = read(path("bg.err"));
  ASSERT_TRUE(WIFEXITED(status)) << err;
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << err;
  EXPECT_NE(err.find("nf fit: stopped by SIGTERM at step "), std::string::npos) << err;
  EXPECT_NE(err.find("continue with: nf fit --resume " + out), std::string::npos) << err;
  for (const char* f : {"snapshot.nf", "render.png", "metrics.json", "run.json"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const uint32_t stopped_at = read_json_file(out + "/metrics.json")["steps"].get<uint32_t>();
  EXPECT_GE(stopped_at, 20u);
  EXPECT_LT(stopped_at, 400u) << "the run ended before the signal: nothing was resumed";

  const Outcome resumed = nf("fit --resume " + out + " -q", env);
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(read_json_file(out + "/metrics.json")["steps"].get<uint32_t>(), 400u);
  const Snapshot a = read_snapshot(path("whole") + "/snapshot.nf"), b = read_snapshot(out + "/snapshot.nf");
  EXPECT_TRUE(a.parameters == b.parameters) << "resumed at step " << stopped_at;
  EXPECT_TRUE(read(path("whole") + "/render.png") == read(out + "/render.png")) << "renders differ";

  // Nothing to resume, or both an input and --resume: one line each.
  expect_clean_failure(nf("fit --resume " + path("nothing")), "nothing to resume");
  expect_clean_failure(nf("fit " + img + " --resume " + out), "not both");
  expect_clean_failure(nf("fit"), "--resume DIR is required");
}

// A run that would not fit the device memory is refused before it writes anything, with the sizes and what to
// lower; here with an artificially small budget (NF_MEMORY_BUDGET_MB).
TEST_F(Cli, ARunBeyondTheMemoryBudgetIsRefusedWithTheSizes) {
  const auto out = path("never");
  const Outcome r = nf("fit " + small_image() + " --field hashgrid --steps 2 --out " + out, "NF_MEMORY_BUDGET_MB=16");
  expect_clean_failure(r, "not enough device memory on ", out);
  EXPECT_NE(r.err.find("budget (NF_MEMORY_BUDGET_MB); lower batch_size"), std::string::npos) << r.err;
  EXPECT_EQ(nf("fit " + small_image() + " --steps 2 --set batch_size=256 -q --out " + out, "NF_MEMORY_BUDGET_MB=256").code, 0);
}

// A diverging fit stops with an error naming the step and the last good snapshot, which stays as it was.
TEST_F(Cli, ANonFiniteLossStopsTheRunNamingTheLastGoodSnapshot) {
  const auto img = small_image();
  const auto out = path("diverged");
  const Outcome r = nf("fit " + img + " --field hashgrid -q --steps 200 --set batch_size=256 --set optimizer.lr=1e30 "
                       "--snapshot-every 1 --out " + out);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("the training loss is not finite"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the last good " + out + "/snapshot.nf is from step "), std::string::npos) << r.err;
  const Snapshot last = read_snapshot(out + "/snapshot.nf");
  for (float v : last.parameters) ASSERT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace nf
