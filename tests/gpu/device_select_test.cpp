#include <gtest/gtest.h>

#include "core/error.hpp"
#include "gpu/device_info.hpp"

namespace nf::gpu {
namespace {

DeviceInfo dev(uint32_t index, const char* name, VkPhysicalDeviceType type, uint64_t mem = 1 << 30) {
  DeviceInfo d;
  d.index = index;
  d.name = name;
  d.type = type;
  d.api_version = VK_API_VERSION_1_3;
  d.has_compute_queue = true;
  d.device_local_bytes = mem;
  return d;
}

std::string error_of(const std::vector<DeviceInfo>& list, int requested) {
  try {
    select_device(list, requested);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceSelect, PrefersDiscreteThenIntegratedThenCpu) {
  std::vector<DeviceInfo> list = {dev(0, "cpu", VK_PHYSICAL_DEVICE_TYPE_CPU),
                                  dev(1, "igpu", VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU),
                                  dev(2, "dgpu", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)};
  EXPECT_EQ(select_device(list, -1).name, "dgpu");
  list.pop_back();
  EXPECT_EQ(select_device(list, -1).name, "igpu");
  list.pop_back();
  EXPECT_EQ(select_device(list, -1).name, "cpu");
}

TEST(DeviceSelect, LargerMemoryBreaksTies) {
  std::vector<DeviceInfo> list = {dev(0, "small", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 1 << 20),
                                  dev(1, "big", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 1ull << 34)};
  EXPECT_EQ(select_device(list, -1).name, "big");
}

TEST(DeviceSelect, ExplicitIndexOverridesRanking) {
  std::vector<DeviceInfo> list = {dev(0, "cpu", VK_PHYSICAL_DEVICE_TYPE_CPU),
                                  dev(1, "dgpu", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)};
  EXPECT_EQ(select_device(list, 0).name, "cpu");
  const auto msg = error_of(list, 5);
  EXPECT_NE(msg.find("device 5 requested, but there are only 2"), std::string::npos) << msg;
}

TEST(DeviceSelect, ExplainsMissingDriverAndUnsuitableDevices) {
  EXPECT_NE(error_of({}, -1).find("mesa-vulkan-drivers"), std::string::npos);
  auto old = dev(0, "old", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU);
  old.api_version = VK_API_VERSION_1_1;
  auto noq = dev(1, "noqueue", VK_PHYSICAL_DEVICE_TYPE_CPU);
  noq.has_compute_queue = false;
  const auto msg = error_of({old, noq}, -1);
  EXPECT_NE(msg.find("old: it supports only Vulkan 1.1, nf needs 1.2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("noqueue: it has no compute queue"), std::string::npos) << msg;
  EXPECT_FALSE(error_of({old}, 0).empty());
}

}  // namespace
}  // namespace nf::gpu
