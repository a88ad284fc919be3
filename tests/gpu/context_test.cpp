#include <gtest/gtest.h>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "support/gpu_test.hpp"

namespace nf::gpu {
namespace {

using test::GpuTest;

TEST_F(GpuTest, ContextReportsTheDeviceAndFeatures) {
  const auto& info = ctx().info();
  EXPECT_FALSE(info.name.empty());
  EXPECT_GE(info.api_version, VK_API_VERSION_1_2);
  EXPECT_TRUE(info.has_compute_queue);
  EXPECT_GE(info.max_storage_buffer_range, 1u << 27);
  EXPECT_GE(ctx().features().subgroup_size, 1u);
  EXPECT_TRUE(ctx().validation_enabled());
  EXPECT_FALSE(describe(info).empty());
}

TEST(Context, EnumeratesDevicesAndRejectsBadIndex) {
  const auto devices = enumerate_devices();
  ASSERT_FALSE(devices.empty());
  ContextOptions options;
  options.device = int(devices.size()) + 3;
  try {
    Context c(options);
    FAIL() << "bad device index accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("requested, but there are only"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nf::gpu

namespace nf::gpu {
namespace {

TEST_F(GpuTest, ValidationMessagesReachTheLog) {
  // A zero-size buffer violates VUID-VkBufferCreateInfo-size-00912: the harness must see it.
  const auto messages = test::capture_validation_messages([&] {
    VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bci.size = 0;
    bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    VkBuffer b = VK_NULL_HANDLE;
    if (vkCreateBuffer(ctx().device(), &bci, nullptr, &b) == VK_SUCCESS && b) vkDestroyBuffer(ctx().device(), b, nullptr);
  });
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.front().find("00912"), std::string::npos) << messages.front();
}

}  // namespace
}  // namespace nf::gpu
