#pragma once
// The headless Vulkan context: instance (optionally with validation), the selected physical device, a
// logical device with one compute queue, and a command pool for one-shot work. Nothing here needs a
// window; ContextOptions can ask for the extensions and the presenting queue a window needs, and present/
// adds surfaces and swapchains on top.
//
// Validation messages (warnings and errors) are routed to nf::log on channel "validation".
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gpu/device_info.hpp"
#include "gpu/vk.hpp"

namespace nf::gpu {

struct ContextOptions {
  // Enable VK_LAYER_KHRONOS_validation (with synchronization validation). Also on when NF_VALIDATION=1.
  bool validation = false;
  // The two switches below are also on when NF_NO_FLOAT_ATOMICS=1 / NF_FORCE_STAGING=1, so that any test or
  // command can be run on the paths of other GPUs (./setup.sh portability runs the suite that way).
  // Physical device index (vkEnumeratePhysicalDevices order); -1 = NF_DEVICE if set, else automatic choice.
  int device = -1;
  // Ignore the device's float atomics and use the portable compare-and-swap path (for tests).
  bool disable_float_atomics = false;
  // Never map device-local memory, even where it is host visible: uploads and downloads then go through
  // staging copies as on a discrete GPU (for tests on UMA devices such as lavapipe).
  bool force_staging = false;

  // For a context that also presents to a window (the viewer); all empty for headless work, which is then
  // unchanged. instance_extensions are enabled on the instance (e.g. glfwGetRequiredInstanceExtensions);
  // device_extensions must be supported by the chosen device and are enabled on it (e.g. VK_KHR_swapchain).
  // present_support(instance, device, family) says whether a queue family can present to the window (e.g.
  // glfwGetPhysicalDevicePresentationSupport); when set, the one queue must do graphics, compute and present,
  // and devices without such a family or without the device extensions are not chosen (errors say why).
  std::vector<std::string> instance_extensions;
  std::vector<std::string> device_extensions;
  std::function<bool(VkInstance, VkPhysicalDevice, uint32_t)> present_support;
};

// Every Vulkan device visible to the loader, described. Throws with an explanation when there is no
// loader driver at all.
std::vector<DeviceInfo> enumerate_devices();

struct MemoryStats {
  uint64_t current_bytes = 0;
  uint64_t peak_bytes = 0;
  uint64_t allocations = 0;  // total allocations made so far
};

class Context {
 public:
  explicit Context(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return queue_family_; }
  const DeviceInfo& info() const { return info_; }
  // Features nf uses, after options (e.g. disable_float_atomics) are applied.
  const DeviceFeatures& features() const { return features_; }
  bool validation_enabled() const { return messenger_ != VK_NULL_HANDLE; }
  bool force_staging() const { return force_staging_; }

  // Memory type index with all of `required` property flags among `type_bits`, or -1.
  int find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required) const;
  VkMemoryPropertyFlags memory_type_flags(uint32_t index) const;

  // Device memory accounting (updated by Buffer).
  const MemoryStats& memory() const { return memory_; }
  // Before an allocation of `bytes` from memory type `type` for buffer `name`: throws, naming the sizes and
  // what to lower, when it would not fit the heap's budget (VK_EXT_memory_budget where the device has it, else
  // the heap's size; NF_MEMORY_BUDGET_MB=N caps it for tests).
  void check_budget(uint32_t type, uint64_t bytes, const std::string& name) const;
  void note_allocation(uint64_t bytes);
  void note_free(uint64_t bytes);

  // Records commands with `record` into a fresh command buffer, submits it and waits. For set-up work
  // (uploads, readbacks), not for the training loop. The commands run after everything submitted before and
  // their writes are visible to everything after (host included): run_once records the barriers itself.
  void run_once(const std::function<void(VkCommandBuffer)>& record);

  // Every submission of nf's work goes through here: one vkQueueSubmit of `cmd` (signalling `fence` if given)
  // that also signals the context's timeline. Returns the submission's number (1, 2, ...).
  uint64_t submit(VkCommandBuffer cmd, VkFence fence = VK_NULL_HANDLE);
  // Waits until submission `number` and all before it have finished (returns at once for 0 or finished ones).
  void wait_for(uint64_t number);

  // Names an object for validation messages and debuggers (no-op without validation).
  void set_name(VkObjectType type, uint64_t handle, const std::string& name) const;

 private:
  void release();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  DeviceInfo info_;
  DeviceFeatures features_;
  VkPhysicalDeviceMemoryProperties memory_properties_{};
  MemoryStats memory_;
  bool force_staging_ = false;
  bool memory_budget_ext_ = false;
  uint64_t budget_cap_ = 0;  // NF_MEMORY_BUDGET_MB, bytes; 0 = none
  CommandPoolHandle one_shot_pool_;
  SemaphoreHandle timeline_;
  uint64_t submitted_ = 0, finished_ = 0;
  PFN_vkSetDebugUtilsObjectNameEXT set_object_name_ = nullptr;
};

}  // namespace nf::gpu
