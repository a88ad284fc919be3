#include "gpu/context.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/log.hpp"

namespace nf::gpu {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
constexpr const char* kNoDriver =
    "no Vulkan driver found: install one (on Debian: apt-get install mesa-vulkan-drivers, which provides the "
    "CPU device lavapipe; GPU vendors ship their own drivers)";

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::strcmp(v, "0") != 0;
}

bool has_extension(const std::vector<VkExtensionProperties>& list, const char* name) {
  for (const auto& e : list)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

std::vector<VkExtensionProperties> instance_extensions(const char* layer) {
  uint32_t n = 0;
  vkEnumerateInstanceExtensionProperties(layer, &n, nullptr);
  std::vector<VkExtensionProperties> list(n);
  vkEnumerateInstanceExtensionProperties(layer, &n, list.data());
  return list;
}

std::vector<VkExtensionProperties> device_extensions(VkPhysicalDevice pd) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> list(n);
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, list.data());
  return list;
}

bool layer_available(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  for (const auto& l : layers)
    if (std::strcmp(l.layerName, name) == 0) return true;
  return false;
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                VkDebugUtilsMessageTypeFlagsEXT,
                                                const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
  const LogLevel level =
      severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? LogLevel::Error : LogLevel::Warning;
  log(level, "validation", data && data->pMessage ? data->pMessage : "(no message)");
  return VK_FALSE;
}

using PresentSupport = std::function<bool(VkInstance, VkPhysicalDevice, uint32_t)>;

// present (may be empty): when set, only graphics + compute families that can present qualify.
uint32_t pick_queue_family(VkPhysicalDevice pd, bool* found, bool* timestamps,
                           VkInstance instance = VK_NULL_HANDLE, const PresentSupport& present = {}) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  std::vector<VkQueueFamilyProperties> families(n);
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, families.data());
  // Prefer a universal (graphics + compute) family so the viewer can share the queue; any compute one will do.
  int best = -1;
  for (uint32_t i = 0; i < n; ++i) {
    if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (present && (!(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) || !present(instance, pd, i))) continue;
    if (best < 0 || (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) best = int(i);
    if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) break;
  }
  *found = best >= 0;
  *timestamps = best >= 0 && families[uint32_t(best)].timestampValidBits > 0;
  return best >= 0 ? uint32_t(best) : 0;
}

DeviceInfo describe_device(VkPhysicalDevice pd, uint32_t index) {
  DeviceInfo info;
  info.index = index;
  const auto exts = device_extensions(pd);

  VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  subgroup.pNext = &driver;
  VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(pd, &props);
  const auto& p = props.properties;
  info.name = p.deviceName;
  info.type = p.deviceType;
  info.api_version = p.apiVersion;
  if (p.apiVersion >= VK_API_VERSION_1_2) info.driver = cat(driver.driverName, " ", driver.driverInfo);
  info.max_storage_buffer_range = p.limits.maxStorageBufferRange;
  info.max_uniform_buffer_range = p.limits.maxUniformBufferRange;
  info.min_storage_offset_alignment = p.limits.minStorageBufferOffsetAlignment;
  info.min_uniform_offset_alignment = p.limits.minUniformBufferOffsetAlignment;
  info.max_texel_buffer_elements = p.limits.maxTexelBufferElements;
  info.min_texel_offset_alignment = p.limits.minTexelBufferOffsetAlignment;
  for (int i = 0; i < 3; ++i) info.max_workgroup_count[i] = p.limits.maxComputeWorkGroupCount[i];
  info.max_workgroup_invocations = p.limits.maxComputeWorkGroupInvocations;
  info.max_shared_memory = p.limits.maxComputeSharedMemorySize;

  auto& f = info.features;
  f.subgroup_size = subgroup.subgroupSize;
  f.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                          (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
  f.timestamp_period_ns = p.limits.timestampPeriod;

  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT atomic_float{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  v12.pNext = &v11;
  const bool has_atomic_float = has_extension(exts, VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME);
  if (has_atomic_float) v11.pNext = &atomic_float;
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  if (p.apiVersion >= VK_API_VERSION_1_2) {
    features.pNext = &v12;
    vkGetPhysicalDeviceFeatures2(pd, &features);
    f.float_atomic_add = has_atomic_float && atomic_float.shaderBufferFloat32AtomicAdd;
    f.shader_float16 = v12.shaderFloat16;
    f.storage_buffer_16bit = v11.storageBuffer16BitAccess;
  }

  bool timestamps = false;
  pick_queue_family(pd, &info.has_compute_queue, &timestamps);
  f.timestamps = timestamps && p.limits.timestampPeriod > 0;

  VkPhysicalDeviceMemoryProperties mem;
  vkGetPhysicalDeviceMemoryProperties(pd, &mem);
  for (uint32_t i = 0; i < mem.memoryHeapCount; ++i)
    if (mem.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) info.device_local_bytes += mem.memoryHeaps[i].size;
  return info;
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
  uint32_t n = 0;
  check(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> list(n);
  check(vkEnumeratePhysicalDevices(instance, &n, list.data()), "vkEnumeratePhysicalDevices");
  return list;
}

VkInstance create_instance(bool validation, bool* debug_utils, const std::vector<std::string>& extra = {}) {
  uint32_t loader_version = VK_API_VERSION_1_0;
  vkEnumerateInstanceVersion(&loader_version);
  if (loader_version < VK_API_VERSION_1_2)
    fail("the Vulkan loader supports only Vulkan ", VK_API_VERSION_MAJOR(loader_version), ".",
         VK_API_VERSION_MINOR(loader_version), "; nf needs 1.2 (install a newer libvulkan1)");
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "nf";
  app.pEngineName = "nf";
  app.apiVersion = loader_version >= VK_API_VERSION_1_3 ? VK_API_VERSION_1_3 : VK_API_VERSION_1_2;

  std::vector<const char*> extensions, layers;
  const auto available = instance_extensions(nullptr);
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  if (has_extension(available, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
    extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
    ci.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }
  for (const auto& e : extra) {
    if (!has_extension(available, e.c_str()))
      fail("the Vulkan instance extension ", e,
           " (needed to show a window) is not available from the loader");
    extensions.push_back(e.c_str());
  }
  VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT validation_features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  validation_features.enabledValidationFeatureCount = 1;
  validation_features.pEnabledValidationFeatures = enables;
  *debug_utils = false;
  if (validation) {
    if (!layer_available(kValidationLayer))
      fail("Vulkan validation was requested but ", kValidationLayer,
           " is not installed (on Debian: apt-get install vulkan-validationlayers)");
    layers.push_back(kValidationLayer);
    const auto layer_exts = instance_extensions(kValidationLayer);
    if (has_extension(available, VK_EXT_DEBUG_UTILS_EXTENSION_NAME) ||
        has_extension(layer_exts, VK_EXT_DEBUG_UTILS_EXTENSION_NAME)) {
      extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
      *debug_utils = true;
    }
    if (has_extension(layer_exts, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME)) {
      extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
      ci.pNext = &validation_features;
    }
  }
  ci.pApplicationInfo = &app;
  ci.enabledExtensionCount = uint32_t(extensions.size());
  ci.ppEnabledExtensionNames = extensions.data();
  ci.enabledLayerCount = uint32_t(layers.size());
  ci.ppEnabledLayerNames = layers.data();
  VkInstance instance = VK_NULL_HANDLE;
  const VkResult r = vkCreateInstance(&ci, nullptr, &instance);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER) fail(kNoDriver);
  check(r, "vkCreateInstance");
  return instance;
}

}  // namespace

std::vector<DeviceInfo> enumerate_devices() {
  bool debug_utils = false;
  VkInstance instance = create_instance(false, &debug_utils);
  std::vector<DeviceInfo> out;
  try {
    const auto list = physical_devices(instance);
    for (uint32_t i = 0; i < list.size(); ++i) out.push_back(describe_device(list[i], i));
  } catch (...) {
    vkDestroyInstance(instance, nullptr);
    throw;
  }
  vkDestroyInstance(instance, nullptr);
  return out;
}

Context::Context(const ContextOptions& options) {
  const bool validation = options.validation || env_flag("NF_VALIDATION");
  int requested = options.device;
  if (requested < 0) {
    if (const char* env = std::getenv("NF_DEVICE"); env && *env) {
      char* end = nullptr;
      const long v = std::strtol(env, &end, 10);
      if (*end != '\0' || v < 0) fail("NF_DEVICE='", env, "' is not a device index (see `nf info`)");
      requested = int(v);
    }
  }
  bool debug_utils = false;
  instance_ = create_instance(validation, &debug_utils, options.instance_extensions);
  try {
    if (debug_utils) {
      auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
      VkDebugUtilsMessengerCreateInfoEXT mci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
      mci.messageSeverity =
          VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
      mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                        VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      mci.pfnUserCallback = on_debug_message;
      check(create(instance_, &mci, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
      set_object_name_ = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(
          vkGetInstanceProcAddr(instance_, "vkSetDebugUtilsObjectNameEXT"));
    }

    const auto list = physical_devices(instance_);
    std::vector<DeviceInfo> infos;
    for (uint32_t i = 0; i < list.size(); ++i) {
      infos.push_back(describe_device(list[i], i));
      auto& info = infos.back();
      const auto exts = device_extensions(list[i]);
      for (const auto& e : options.device_extensions)
        if (!has_extension(exts, e.c_str())) info.missing = cat("it lacks the device extension ", e);
      bool presents = false, unused = false;
      if (options.present_support && info.missing.empty()) {
        pick_queue_family(list[i], &presents, &unused, instance_, options.present_support);
        if (!presents)
          info.missing = "none of its queue families does graphics and compute and presents to the window";
      }
    }
    info_ = select_device(infos, requested);
    physical_ = list[info_.index];
    features_ = info_.features;
    if (options.disable_float_atomics || env_flag("NF_NO_FLOAT_ATOMICS")) features_.float_atomic_add = false;
    force_staging_ = options.force_staging || env_flag("NF_FORCE_STAGING");
    vkGetPhysicalDeviceMemoryProperties(physical_, &memory_properties_);
    if (const char* env = std::getenv("NF_MEMORY_BUDGET_MB"); env && *env) {
      char* end = nullptr;
      const double mb = std::strtod(env, &end);
      if (*end != '\0' || !(mb > 0)) fail("NF_MEMORY_BUDGET_MB='", env, "' is not a positive number of MiB");
      budget_cap_ = uint64_t(mb * 1048576.0);
    }

    bool found = false, timestamps = false;
    queue_family_ = pick_queue_family(physical_, &found, &timestamps, instance_, options.present_support);
    features_.timestamps = timestamps && info_.features.timestamp_period_ns > 0;
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = queue_family_;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;

    std::vector<const char*> extensions;
    for (const auto& e : options.device_extensions) extensions.push_back(e.c_str());
    memory_budget_ext_ = has_extension(device_extensions(physical_), VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    if (memory_budget_ext_) extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    VkPhysicalDeviceShaderAtomicFloatFeaturesEXT atomic_float{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
    // Timeline semaphores are core in Vulkan 1.2 and required of every 1.2 device.
    VkPhysicalDeviceVulkan12Features vk12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    vk12.timelineSemaphore = VK_TRUE;
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    features.pNext = &vk12;
    if (features_.float_atomic_add) {
      extensions.push_back(VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME);
      atomic_float.shaderBufferFloat32AtomicAdd = VK_TRUE;
      vk12.pNext = &atomic_float;
    }
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.pNext = &features;
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    dci.enabledExtensionCount = uint32_t(extensions.size());
    dci.ppEnabledExtensionNames = extensions.data();
    check(vkCreateDevice(physical_, &dci, nullptr, &device_), "vkCreateDevice");
    vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    pci.queueFamilyIndex = queue_family_;
    VkCommandPool pool = VK_NULL_HANDLE;
    check(vkCreateCommandPool(device_, &pci, nullptr, &pool), "vkCreateCommandPool");
    one_shot_pool_ = CommandPoolHandle(device_, pool);

    VkSemaphoreTypeCreateInfo tci{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    tci.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    VkSemaphoreCreateInfo sci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    sci.pNext = &tci;
    VkSemaphore timeline = VK_NULL_HANDLE;
    check(vkCreateSemaphore(device_, &sci, nullptr, &timeline), "vkCreateSemaphore (timeline)");
    timeline_ = SemaphoreHandle(device_, timeline);
  } catch (...) {
    release();
    throw;
  }
}

Context::~Context() { release(); }

void Context::release() {
  one_shot_pool_.reset();
  if (device_) vkDeviceWaitIdle(device_);
  timeline_.reset();
  if (device_) {
    vkDeviceWaitIdle(device_);
    vkDestroyDevice(device_, nullptr);
    device_ = VK_NULL_HANDLE;
  }
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(instance_, messenger_, nullptr);
    messenger_ = VK_NULL_HANDLE;
  }
  if (instance_) {
    vkDestroyInstance(instance_, nullptr);
    instance_ = VK_NULL_HANDLE;
  }
}

int Context::find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required) const {
  for (uint32_t i = 0; i < memory_properties_.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (memory_properties_.memoryTypes[i].propertyFlags & required) == required)
      return int(i);
  return -1;
}

VkMemoryPropertyFlags Context::memory_type_flags(uint32_t index) const {
  return memory_properties_.memoryTypes[index].propertyFlags;
}

void Context::check_budget(uint32_t type, uint64_t bytes, const std::string& name) const {
  const uint32_t heap = memory_properties_.memoryTypes[type].heapIndex;
  uint64_t budget = memory_properties_.memoryHeaps[heap].size, used = memory_.current_bytes;
  if (memory_budget_ext_) {
    VkPhysicalDeviceMemoryBudgetPropertiesEXT b{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
    VkPhysicalDeviceMemoryProperties2 p{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2};
    p.pNext = &b;
    vkGetPhysicalDeviceMemoryProperties2(physical_, &p);
    budget = b.heapBudget[heap];
    used = std::max(used, b.heapUsage[heap]);
  }
  if (budget_cap_) budget = std::min(budget, budget_cap_), used = memory_.current_bytes;
  if (used + bytes <= budget) return;
  const auto mib = [](uint64_t v) { return cat(v / 1048576, ".", (v % 1048576) * 10 / 1048576, " MiB"); };
  fail("not enough device memory on ", info_.name, " for '", name, "' (", mib(bytes), "): ", mib(used), " in use of a ",
       mib(budget), " budget", budget_cap_ ? " (NF_MEMORY_BUDGET_MB)" : "",
       "; lower batch_size / chunk_size (samples_per_step for scenes) or the field's size (hash table, grid "
       "resolutions, width)");
}

void Context::note_allocation(uint64_t bytes) {
  memory_.current_bytes += bytes;
  memory_.allocations += 1;
  if (memory_.current_bytes > memory_.peak_bytes) memory_.peak_bytes = memory_.current_bytes;
}

void Context::note_free(uint64_t bytes) { memory_.current_bytes -= bytes; }

void Context::run_once(const std::function<void(VkCommandBuffer)>& record) {
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = one_shot_pool_.get();
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  check(vkAllocateCommandBuffers(device_, &ai, &cmd), "vkAllocateCommandBuffers");
  struct FreeCmd {
    VkDevice d;
    VkCommandPool p;
    VkCommandBuffer c;
    ~FreeCmd() { vkFreeCommandBuffers(d, p, 1, &c); }
  } free_cmd{device_, one_shot_pool_.get(), cmd};

  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
  // A barrier's first scope covers every command submitted before it, its second every command after it:
  // one full barrier on each side orders this work against all other submissions (and the host, after).
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 1, &mb, 0,
                       nullptr, 0, nullptr);
  record(cmd);
  mb.dstAccessMask |= VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                       VK_PIPELINE_STAGE_ALL_COMMANDS_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0,
                       nullptr);
  check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
  wait_for(submit(cmd));
}

uint64_t Context::submit(VkCommandBuffer cmd, VkFence fence) {
  const uint64_t number = submitted_ + 1;
  VkTimelineSemaphoreSubmitInfo ti{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
  ti.signalSemaphoreValueCount = 1;
  ti.pSignalSemaphoreValues = &number;
  const VkSemaphore timeline = timeline_.get();
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.pNext = &ti;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  si.signalSemaphoreCount = 1;
  si.pSignalSemaphores = &timeline;
  const VkResult r = vkQueueSubmit(queue_, 1, &si, fence);
  if (r == VK_ERROR_DEVICE_LOST) fail("the Vulkan device ", info_.name, " was lost while running nf's work");
  check(r, "vkQueueSubmit");
  submitted_ = number;
  return number;
}

void Context::wait_for(uint64_t number) {
  if (number <= finished_) return;
  NF_ASSERT(number <= submitted_, "waiting for submission ", number, " of ", submitted_, " made");
  const VkSemaphore timeline = timeline_.get();
  VkSemaphoreWaitInfo wi{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
  wi.semaphoreCount = 1;
  wi.pSemaphores = &timeline;
  wi.pValues = &number;
  const VkResult r = vkWaitSemaphores(device_, &wi, UINT64_MAX);
  if (r == VK_ERROR_DEVICE_LOST) fail("the Vulkan device ", info_.name, " was lost while running nf's work");
  check(r, "vkWaitSemaphores");
  finished_ = number;
}

void Context::set_name(VkObjectType type, uint64_t handle, const std::string& name) const {
  if (!set_object_name_ || name.empty()) return;
  VkDebugUtilsObjectNameInfoEXT ni{VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT};
  ni.objectType = type;
  ni.objectHandle = handle;
  ni.pObjectName = name.c_str();
  set_object_name_(device_, &ni);
}

}  // namespace nf::gpu
