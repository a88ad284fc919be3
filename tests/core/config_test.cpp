#include "core/config.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>

#include "core/registry.hpp"

namespace nf {
namespace {

struct Thing {
  virtual ~Thing() = default;
  virtual int value() const = 0;
};
struct Seven : Thing {
  int v;
  explicit Seven(ConfigReader& c) : v(c.get<int>("v", 7)) {}
  int value() const override { return v; }
};

TEST(Config, ReadsValuesAndDefaults) {
  ConfigReader c(json{{"a", 3}, {"b", "x"}}, "cfg");
  EXPECT_EQ(c.get<int>("a", 1), 3);
  EXPECT_EQ(c.required<std::string>("b"), "x");
  EXPECT_EQ(c.get<double>("missing", 2.5), 2.5);
  EXPECT_NO_THROW(c.finish());
}

TEST(Config, UnknownKeyNamesKeyAndPlace) {
  ConfigReader c(json{{"a", 3}, {"typo", 1}}, "config rbf.json: encoding");
  c.get<int>("a", 0);
  try {
    c.finish();
    FAIL() << "unknown key accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("config rbf.json: encoding"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'typo'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("accepted: a"), std::string::npos) << msg;
  }
}

TEST(Config, WrongTypeAndMissingKeyFail) {
  ConfigReader c(json{{"a", "three"}}, "cfg");
  EXPECT_THROW(c.get<int>("a", 0), Error);
  EXPECT_THROW(c.required<int>("b"), Error);
  EXPECT_THROW(ConfigReader(json::array(), "cfg"), Error);
}

// An integer key takes whole numbers in its type's range only; the error names the key and the value.
TEST(Config, IntegersMustBeWholeAndInRange) {
  const auto error = [](const json& value, auto type) {
    ConfigReader c(json{{"steps", value}}, "config x.json");
    try {
      c.get<decltype(type)>("steps", 1);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  for (const json& bad : {json(-1), json(2.5), json(4294967296.0), json(uint64_t(1) << 40), json(1e300), json("3")}) {
    const std::string msg = error(bad, uint32_t{});
    EXPECT_NE(msg.find("config x.json: key 'steps'"), std::string::npos) << bad.dump() << ": " << msg;
    if (!bad.is_string()) {
      EXPECT_NE(msg.find("0 to 4294967295, not " + bad.dump()), std::string::npos) << msg;
    }
  }
  EXPECT_NE(error(json(-129), int8_t{}).find("-128 to 127"), std::string::npos);
  ConfigReader c(json{{"a", 3.0}, {"b", 4294967295u}, {"c", -5}, {"d", uint64_t(1) << 63}}, "cfg");
  EXPECT_EQ(c.get<uint32_t>("a", 0), 3u);
  EXPECT_EQ(c.get<uint32_t>("b", 0), 4294967295u);
  EXPECT_EQ(c.get<int>("c", 0), -5);
  EXPECT_EQ(c.get<uint64_t>("d", 0), uint64_t(1) << 63);
}

// Found by fuzzing (fuzz/fuzz_config): an override that is not UTF-8, and a number too large for a double,
// are nf errors naming the problem (they escaped as JSON library exceptions: "internal error").
TEST(Config, OverridesAndFilesThatJsonCannotHoldAreErrors) {
  json c = json::object();
  try {
    apply_override(c, "name=caf\xe9");
    FAIL() << "accepted an override that is not UTF-8";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not valid UTF-8"), std::string::npos) << e.what();
  }
  apply_override(c, "steps=1e999");  // not a JSON number: kept as the word, which a reader then rejects
  ConfigReader r(c, "cfg");
  EXPECT_THROW(r.get<uint32_t>("steps", 1), Error);
  const std::string file = ::testing::TempDir() + "nf_overflow.json";
  std::ofstream(file) << "{\"steps\": 1e999}";
  try {
    read_json_file(file);
    FAIL() << "read a number out of range";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nf_overflow.json: invalid JSON"), std::string::npos) << e.what();
  }
  std::remove(file.c_str());
  EXPECT_EQ(to_text(json("caf\xe9")), "\"caf\xef\xbf\xbd\"") << "messages never throw";
}

TEST(Registry, CreatesByTypeAndRejectsUnknown) {
  Registry<Thing> reg("thing");
  reg.add("seven", [](ConfigReader& c) { return std::make_unique<Seven>(c); });
  ConfigReader ok(json{{"type", "seven"}, {"v", 9}}, "cfg");
  EXPECT_EQ(reg.create(ok)->value(), 9);
  ConfigReader bad(json{{"type", "eight"}}, "cfg");
  try {
    reg.create(bad);
    FAIL() << "unknown type accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown thing type 'eight' (known: seven)"), std::string::npos) << e.what();
  }
  ConfigReader extra(json{{"type", "seven"}, {"w", 1}}, "cfg");
  EXPECT_THROW(reg.create(extra), Error);
}

}  // namespace
}  // namespace nf
