#include "io/snapshot.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/rng.hpp"
#include "support/check.hpp"

namespace nf {
namespace {

namespace fs = std::filesystem;

class SnapshotFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nf_snapshot_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (dir_ / n).string(); }
  std::string bytes_of(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string error_of(const std::string& p) {
    try {
      read_snapshot(p);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  Snapshot sample() {
    Pcg32 r(11);
    Snapshot s;
    s.description = json{{"field", {{"type", "rbf"}}}, {"width", 768}};
    s.parameters = test::random_floats(1000, r, -1, 1);
    s.optimizer = nn::OptimizerState{42, test::random_floats(1000, r, -1, 1), test::random_floats(1000, r, 0, 1)};
    return s;
  }
  fs::path dir_;
};

TEST_F(SnapshotFile, RoundTripsExactly) {
  const Snapshot s = sample();
  write_snapshot(path("a.nf"), s);
  const Snapshot b = read_snapshot(path("a.nf"));
  EXPECT_EQ(b.description, s.description);
  EXPECT_EQ(b.parameters, s.parameters);
  ASSERT_TRUE(b.optimizer.has_value());
  EXPECT_EQ(b.optimizer->step, 42u);
  EXPECT_EQ(b.optimizer->first_moment, s.optimizer->first_moment);
  EXPECT_EQ(b.optimizer->second_moment, s.optimizer->second_moment);

  Snapshot no_opt = s;
  no_opt.optimizer.reset();
  write_snapshot(path("b.nf"), no_opt);
  EXPECT_FALSE(read_snapshot(path("b.nf")).optimizer.has_value());
}

// Attachments (version 2) round-trip byte for byte, binary zeros included; a version 1 file (the same
// layout without the attachment list) still reads.
TEST_F(SnapshotFile, AttachmentsRoundTripAndVersionOneFilesStillRead) {
  Snapshot s = sample();
  s.attachments["occupancy.bits"] = std::string("\x00\x01\xff\x00zz", 6);
  s.attachments["empty"] = "";
  write_snapshot(path("a.nf"), s);
  const Snapshot b = read_snapshot(path("a.nf"));
  EXPECT_EQ(b.attachments, s.attachments);

  Snapshot plain = sample();
  write_snapshot(path("p.nf"), plain);
  std::string v1 = bytes_of(path("p.nf"));
  v1[8] = 1;                             // format version 1
  v1.erase(v1.size() - 12, 8);           // no attachment count
  const uint32_t crc = crc32(v1.data(), v1.size() - 4);
  std::memcpy(v1.data() + v1.size() - 4, &crc, 4);
  std::ofstream(path("v1.nf"), std::ios::binary) << v1;
  const Snapshot c = read_snapshot(path("v1.nf"));
  EXPECT_EQ(c.parameters, plain.parameters);
  EXPECT_TRUE(c.attachments.empty());
}

TEST_F(SnapshotFile, CorruptTruncatedAndForeignFilesAreRejected) {
  write_snapshot(path("good.nf"), sample());
  const std::string good = bytes_of(path("good.nf"));

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  std::ofstream(path("flipped.nf"), std::ios::binary) << flipped;
  EXPECT_NE(error_of(path("flipped.nf")).find("flipped.nf: corrupted"), std::string::npos);

  std::ofstream(path("cut.nf"), std::ios::binary) << good.substr(0, good.size() - 100);
  EXPECT_NE(error_of(path("cut.nf")).find("cut.nf"), std::string::npos);

  std::string other_version = good;
  other_version[8] = 7;  // format version 7
  std::ofstream(path("v7.nf"), std::ios::binary) << other_version;
  EXPECT_NE(error_of(path("v7.nf")).find("format version 7, but this nf reads versions 1 to 2"), std::string::npos);

  std::ofstream(path("foreign.nf"), std::ios::binary) << "PK\x03\x04 some zip file";
  EXPECT_NE(error_of(path("foreign.nf")).find("not an nf snapshot"), std::string::npos);
  EXPECT_NE(error_of(path("absent.nf")).find("absent.nf: cannot open"), std::string::npos);
}

TEST_F(SnapshotFile, OverwriteIsAtomic) {
  write_snapshot(path("s.nf"), sample());
  Snapshot bad = sample();
  bad.optimizer->first_moment.pop_back();  // invalid: must throw before touching the file
  EXPECT_THROW(write_snapshot(path("s.nf"), bad), Error);
  EXPECT_EQ(read_snapshot(path("s.nf")).parameters, sample().parameters);
}

}  // namespace
}  // namespace nf
