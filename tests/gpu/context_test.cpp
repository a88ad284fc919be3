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

TEST(Context, WindowRequirementsTheDeviceLacksAreExplained) {
  // What the viewer asks for (ContextOptions' window fields), with requirements no device meets.
  ContextOptions missing_extension;
  missing_extension.device_extensions = {"VK_NF_no_such_extension"};
  try {
    Context c(missing_extension);
    FAIL() << "a device without the extension was chosen";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lacks the device extension VK_NF_no_such_extension"), std::string::npos)
        << e.what();
  }
  ContextOptions no_present;
  no_present.present_support = [](VkInstance, VkPhysicalDevice, uint32_t) { return false; };
  try {
    Context c(no_present);
    FAIL() << "a device that cannot present was chosen";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("presents to the window"), std::string::npos) << e.what();
  }
  ContextOptions bad_instance;
  bad_instance.instance_extensions = {"VK_NF_no_such_instance_extension"};
  try {
    Context c(bad_instance);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("VK_NF_no_such_instance_extension"), std::string::npos) << e.what();
  }
}

TEST(Context, PresentCapableQueueIsUniversal) {
  // A present test that accepts every family: the queue chosen must also do graphics and compute.
  ContextOptions o;
  std::vector<uint32_t> asked;
  o.present_support = [&](VkInstance, VkPhysicalDevice, uint32_t family) {
    asked.push_back(family);
    return true;
  };
  Context c(o);
  EXPECT_FALSE(asked.empty());
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(c.physical_device(), &n, nullptr);
  std::vector<VkQueueFamilyProperties> families(n);
  vkGetPhysicalDeviceQueueFamilyProperties(c.physical_device(), &n, families.data());
  const auto flags = families[c.queue_family()].queueFlags;
  EXPECT_TRUE((flags & VK_QUEUE_GRAPHICS_BIT) && (flags & VK_QUEUE_COMPUTE_BIT));
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
