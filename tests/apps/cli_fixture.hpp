#pragma once
// The fixture of the `nf` command-line tests: a fresh folder per test, nf run as users run it (with
// validation on: any validation message fails the test), and the checks of a clean one-line failure.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/log.hpp"
#include "io/image_io.hpp"
#include "support/check.hpp"

namespace nf {

namespace fs = std::filesystem;

// The nf under test: NF_CLI in the environment (a bundle run elsewhere, apps/bench/gpu_check.sh), else the
// one built beside the tests.
inline std::string nf_cli() {
  const char* cli = std::getenv("NF_CLI");
  return cli && *cli ? cli : NF_CLI;
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nf_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (dir_ / n).string(); }

  // Runs nf with validation on; any validation message fails the test (and nf exits 4). env: more
  // VAR=value settings for this run.
  Outcome nf(const std::string& args, const std::string& env = "") {
    const std::string out = path("stdout.txt"), err = path("stderr.txt");
    const std::string cmd =
        "NF_VALIDATION=1 " + env + " " + nf_cli() + " " + args + " > " + out + " 2> " + err;
    Outcome r;
    const int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read(out);
    r.err = read(err);
    fs::remove(out);
    fs::remove(err);
    EXPECT_EQ(r.err.find("[validation]"), std::string::npos) << "nf " << args << ":\n" << r.err;
    EXPECT_NE(r.code, ValidationGate::kExitCode) << "nf " << args << ":\n" << r.err;
    return r;
  }
  static std::string read(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // A small real image: a 32x32 crop of a Kodak image.
  std::string small_image() {
    write_image(path("small.png"), read_image(test::test_input("images/kodim03_x300_y200.png")));
    return path("small.png");
  }
  // Asserts a failed run: exit code 1, exactly one stderr line naming `what`, and no output folder.
  void expect_clean_failure(const Outcome& r, const std::string& what, const std::string& out_dir = "") {
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("nf: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
    if (!out_dir.empty()) {
      EXPECT_FALSE(fs::exists(out_dir)) << "output folder left behind";
    }
  }

  fs::path dir_;
};

}  // namespace nf
