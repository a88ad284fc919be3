#include "io/image_io.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <cstring>
#include <fstream>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "png16.hpp"
#include "support/check.hpp"

namespace nf {
namespace {

namespace fs = std::filesystem;

class ImageIo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nf_image_io_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static Image random_image(int w, int h, int c, uint64_t seed, int levels) {
    Image img(w, h, c);
    Pcg32 r(seed);
    for (auto& v : img.pixels) v = float(r.next_u32() % levels) / float(levels - 1);
    return img;
  }

  std::string error_of(const std::string& file) {
    try {
      read_image(file);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(ImageIo, Png8BitRoundTripsEveryChannelCount) {
  for (int c = 1; c <= 4; ++c) {
    const Image img = random_image(13, 7, c, uint64_t(c), 256);
    const auto file = path("img" + std::to_string(c) + ".png");
    write_image(file, img);
    const Image back = read_image(file);
    ASSERT_EQ(back.channels, c);
    ASSERT_EQ(back.width, 13);
    ASSERT_EQ(back.height, 7);
    EXPECT_EQ(back.pixels, img.pixels) << "channels " << c;
    EXPECT_EQ(image_file_bits(file), 8);
  }
}

TEST_F(ImageIo, Png16BitIsReadAtFullPrecision) {
  std::vector<uint16_t> samples(5 * 3 * 3);
  Pcg32 r(3);
  for (auto& s : samples) s = uint16_t(r.next_u32());
  const auto file = path("deep.png");
  test::write_png16(file, 5, 3, 3, samples);
  const Image img = read_image(file);
  ASSERT_EQ(img.channels, 3);
  EXPECT_EQ(image_file_bits(file), 16);
  for (size_t i = 0; i < samples.size(); ++i) EXPECT_FLOAT_EQ(img.pixels[i], samples[i] / 65535.0f);
}

TEST_F(ImageIo, ExrKeepsFloatValuesAndChannels) {
  Image img(9, 4, 3);
  Pcg32 r(5);
  for (auto& v : img.pixels) v = float(r.uniform(-2.0, 40.0));  // HDR values, negative too
  write_image(path("hdr.exr"), img);
  const Image back = read_image(path("hdr.exr"));
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.pixels, img.pixels);
  EXPECT_EQ(image_file_bits(path("hdr.exr")), 32);

  Image rgba(4, 4, 4);
  for (auto& v : rgba.pixels) v = float(r.uniform());
  write_image(path("rgba.exr"), rgba);
  EXPECT_EQ(read_image(path("rgba.exr")).pixels, rgba.pixels);

  Image gray(4, 4, 1);
  for (auto& v : gray.pixels) v = float(r.uniform());
  write_image(path("gray.exr"), gray);
  const Image g3 = read_image(path("gray.exr"));
  ASSERT_EQ(g3.channels, 3);  // stored as RGB
  for (size_t p = 0; p < gray.pixels.size(); ++p) EXPECT_EQ(g3.pixels[p * 3 + 1], gray.pixels[p]);
}

TEST_F(ImageIo, JpegIsCloseToTheOriginal) {
  Image img(32, 32, 3);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x)
      for (int c = 0; c < 3; ++c) img.at(x, y, c) = float(x + y + 10 * c) / 100.0f;
  write_image(path("smooth.jpg"), img);
  const Image back = read_image(path("smooth.jpg"));
  double max_err = 0;
  for (size_t i = 0; i < img.pixels.size(); ++i) max_err = std::max(max_err, double(std::abs(back.pixels[i] - img.pixels[i])));
  EXPECT_LT(max_err, 0.05);
}

TEST_F(ImageIo, RealKodakImageLoads) {
  const Image img = read_image(test::asset("images/kodim01.png"));
  EXPECT_EQ(img.width, 768);
  EXPECT_EQ(img.height, 512);
  EXPECT_EQ(img.channels, 3);
  EXPECT_EQ(image_file_bits(test::asset("images/kodim01.png")), 8);
  // A 64x64 crop of instant-ngp's albert.exr: float values, kept as stored.
  const std::string albert = test::test_input("images/albert_x480_y480.exr");
  const Image exr = read_image(albert);
  EXPECT_EQ(exr.width, 64);
  EXPECT_EQ(exr.height, 64);
  EXPECT_EQ(image_file_bits(albert), 32);
  const auto [lo, hi] = std::minmax_element(exr.pixels.begin(), exr.pixels.end());
  EXPECT_LT(*lo, *hi) << "a constant crop: the file was not decoded";
}

TEST_F(ImageIo, BadFilesGiveOneLineErrorsNamingTheFile) {
  EXPECT_NE(error_of(path("missing.png")).find("missing.png: cannot open file"), std::string::npos);
  std::ofstream(path("empty.png")).close();
  EXPECT_NE(error_of(path("empty.png")).find("file is empty"), std::string::npos);
  std::ofstream(path("text.png")) << "this is not an image at all";
  EXPECT_NE(error_of(path("text.png")).find("text.png: not a readable image"), std::string::npos);
  // Truncated: a valid PNG cut in half.
  write_image(path("full.png"), random_image(64, 64, 3, 9, 256));
  std::string bytes;
  {
    std::ifstream in(path("full.png"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(path("cut.png"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const auto cut = error_of(path("cut.png"));
  EXPECT_NE(cut.find("cut.png"), std::string::npos) << cut;
  EXPECT_NE(cut.find("cannot decode"), std::string::npos) << cut;
  // Zero-size: a PNG header claiming 0 x 0.
  test::write_png16(path("zero.png"), 0, 0, 3, {});
  EXPECT_NE(error_of(path("zero.png")).find("zero.png"), std::string::npos);
  // Huge: a header claiming more than the limit (20000 x 20000).
  test::write_png16(path("huge.png"), 20000, 20000, 1, {});
  const auto huge = error_of(path("huge.png"));
  EXPECT_NE(huge.find("huge.png"), std::string::npos) << huge;
  EXPECT_NE(huge.find("too large"), std::string::npos) << huge;
  for (const auto& e : {error_of(path("missing.png")), cut, huge}) EXPECT_EQ(e.find('\n'), std::string::npos);
}

// Found by fuzzing (fuzz/fuzz_image): a malformed EXR header on which Debian's tinyexr asserts (the process
// aborted) is an error naming the file.
TEST_F(ImageIo, AMalformedExrHeaderIsAnError) {
  for (const char* f : {"fuzz_exr_header.exr", "fuzz_exr_type.exr"}) {  // a 'tiles' attribute, a 'type' value
    const auto e = error_of(test::test_input(std::string("images/") + f));
    EXPECT_NE(e.find(std::string(f) + ": invalid OpenEXR header"), std::string::npos) << e;
  }
}

// Found by fuzzing (fuzz/fuzz_image): an EXR whose header claims a huge data window is refused from its header,
// before anything is decoded or allocated. Here the test EXR's window is patched to 200000 x 200000.
TEST_F(ImageIo, ExrClaimingAHugeSizeIsRefusedBeforeDecoding) {
  std::string bytes;
  {
    std::ifstream in(test::test_input("images/albert_x480_y480.exr"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = bytes.find("dataWindow");
  ASSERT_NE(at, std::string::npos);
  const size_t max_x = at + sizeof("dataWindow") + sizeof("box2i") + 4 + 8;  // name, type, size, min_x, min_y
  const int32_t huge = 199999;
  std::memcpy(&bytes[max_x], &huge, 4);
  std::memcpy(&bytes[max_x + 4], &huge, 4);
  std::ofstream(path("huge.exr"), std::ios::binary) << bytes;
  const auto e = error_of(path("huge.exr"));
  EXPECT_NE(e.find("huge.exr"), std::string::npos) << e;
  // Refused by nf's size check or by tinyexr's header parser, never by decoding.
  EXPECT_TRUE(e.find("200000x200000 is too large") != std::string::npos ||
              e.find("invalid OpenEXR header") != std::string::npos) << e;
}

TEST_F(ImageIo, FailedWriteLeavesExistingFileIntact) {
  const Image img = random_image(8, 8, 3, 1, 256);
  write_image(path("keep.png"), img);
  EXPECT_THROW(write_image(path("keep.bmp"), img), Error);
  EXPECT_THROW(write_image(path("no_such_dir/x.png"), img), Error);
  EXPECT_EQ(read_image(path("keep.png")).pixels, img.pixels);
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "temporary file left: " << entry.path();
}

}  // namespace
}  // namespace nf
