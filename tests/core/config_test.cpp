#include "core/config.hpp"

#include <gtest/gtest.h>

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
