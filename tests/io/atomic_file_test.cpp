// Atomic writes: a write that fails part-way (here: the file-size limit hit mid-write, as a full disk
// would) leaves the existing file untouched and no temporary file behind, for raw bytes, images and snapshots.
#include "io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/image.hpp"
#include "io/image_io.hpp"
#include "io/snapshot.hpp"

namespace nf {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs fn with writes beyond `bytes` of any file failing (EFBIG), as on a full disk; returns its error.
std::string fail_beyond(rlim_t bytes, const std::function<void()>& fn) {
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = old;
  limited.rlim_cur = bytes;
  EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  std::string error;
  try {
    fn();
  } catch (const Error& e) {
    error = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  return error;
}

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nf_atomic_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Files in the folder besides `keep`.
  int others(const std::string& keep) const {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) n += e.path().filename() != keep;
    return n;
  }
  fs::path dir_;
};

TEST_F(AtomicFile, WritesAndReplaces) {
  const std::string p = (dir_ / "a.txt").string();
  write_file_atomically(p, "first");
  write_file_atomically(p, "second");
  EXPECT_EQ(read(p), "second");
  EXPECT_EQ(others("a.txt"), 0);
}

TEST_F(AtomicFile, AFailureMidWriteKeepsTheOldFileAndLeavesNoTemporary) {
  const std::string p = (dir_ / "a.bin").string();
  write_file_atomically(p, "old contents");
  const std::string big(1 << 20, 'x');
  const std::string error = fail_beyond(64 << 10, [&] { write_file_atomically(p, big); });
  EXPECT_NE(error.find("a.bin: write failed after 65536 of 1048576 bytes"), std::string::npos) << error;
  EXPECT_EQ(read(p), "old contents");
  EXPECT_EQ(others("a.bin"), 0) << "temporary file left behind";
}

TEST_F(AtomicFile, AFailingWriterKeepsTheOldFile) {
  const std::string p = (dir_ / "w.txt").string();
  write_file_atomically(p, "kept");
  EXPECT_THROW(write_atomically(p,
                                [&](const std::string& tmp) {
                                  std::ofstream(tmp) << "half";
                                  fail("writer gave up");
                                }),
               Error);
  EXPECT_EQ(read(p), "kept");
  EXPECT_EQ(others("w.txt"), 0);
}

TEST_F(AtomicFile, ImagesAndSnapshotsFailingMidWriteLoseNothing) {
  Image noise(256, 256, 3);
  for (size_t i = 0; i < noise.pixels.size(); ++i) noise.pixels[i] = float((i * 2654435761u) % 1000) / 999.0f;
  const std::string png = (dir_ / "r.png").string();
  write_image(png, Image(8, 8, 3));
  const std::string before = read(png);
  EXPECT_NE(fail_beyond(4096, [&] { write_image(png, noise); }).find("r.png"), std::string::npos);
  EXPECT_EQ(read(png), before);

  Snapshot s;
  s.description = json{{"field", "x"}};
  s.parameters.assign(1 << 18, 0.5f);
  const std::string snap = (dir_ / "s.nf").string();
  Snapshot small = s;
  small.parameters.resize(16);
  write_snapshot(snap, small);
  EXPECT_NE(fail_beyond(4096, [&] { write_snapshot(snap, s); }).find("s.nf"), std::string::npos);
  EXPECT_EQ(read_snapshot(snap).parameters.size(), 16u);
  EXPECT_EQ(others("r.png"), 1) << "temporary file left behind (only s.nf besides r.png)";
}

}  // namespace
}  // namespace nf
