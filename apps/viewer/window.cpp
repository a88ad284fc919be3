#include "window.hpp"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include <cstdlib>
#include <utility>

#include "core/error.hpp"

namespace nf::viewer {
namespace {

constexpr const char* kHeadless = "; for training without a display use the headless CLI: nf fit IMAGE";

std::string glfw_error() {
  const char* text = nullptr;
  const int code = glfwGetError(&text);
  return code == GLFW_NO_ERROR ? std::string("no GLFW error")
                               : std::string(text ? text : "unknown GLFW error");
}

}  // namespace

Window::Window(int width, int height, const std::string& title) {
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((!display || !*display) && (!wayland || !*wayland))
    fail("cannot open a window: no display (DISPLAY is not set; run under X11, or xvfb-run for tests)",
         kHeadless);
  if (!glfwInit()) fail("cannot open a window: GLFW could not initialise (", glfw_error(), ")", kHeadless);
  if (!glfwVulkanSupported()) {
    glfwTerminate();
    fail("cannot open a window: GLFW found no Vulkan loader with window-system support", kHeadless);
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!window_) {
    const std::string why = glfw_error();
    glfwTerminate();
    fail("cannot open a ", width, "x", height, " window: ", why, kHeadless);
  }
  glfwSetWindowUserPointer(window_, this);
  glfwSetDropCallback(window_, [](GLFWwindow* w, int count, const char** paths) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
    for (int i = 0; i < count; ++i) self->dropped_.emplace_back(paths[i]);
  });
}

Window::~Window() {
  if (window_) glfwDestroyWindow(window_);
  glfwTerminate();
}

void Window::add_requirements(gpu::ContextOptions& options) const {
  uint32_t n = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&n);
  if (!names)
    fail("cannot show a window: GLFW reports no Vulkan instance extensions for it (", glfw_error(), ")",
         kHeadless);
  for (uint32_t i = 0; i < n; ++i) options.instance_extensions.emplace_back(names[i]);
  options.device_extensions.emplace_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
  options.present_support = [](VkInstance instance, VkPhysicalDevice device, uint32_t family) {
    return glfwGetPhysicalDevicePresentationSupport(instance, device, family) == GLFW_TRUE;
  };
}

present::SurfaceHandle Window::create_surface(VkInstance instance) const {
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  const VkResult r = glfwCreateWindowSurface(instance, window_, nullptr, &surface);
  if (r != VK_SUCCESS)
    fail("cannot create a Vulkan surface for the window: ", gpu::result_name(r), kHeadless);
  return present::SurfaceHandle(instance, surface);
}

bool Window::should_close() const {
  return glfwWindowShouldClose(window_);
}
void Window::request_close() const {
  glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

VkExtent2D Window::framebuffer_size() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return {uint32_t(w > 0 ? w : 0), uint32_t(h > 0 ? h : 0)};
}

void Window::poll_events() const {
  glfwPollEvents();
}
void Window::wait_events(double timeout_s) const {
  glfwWaitEventsTimeout(timeout_s);
}
void Window::set_title(const std::string& title) const {
  glfwSetWindowTitle(window_, title.c_str());
}

void Window::set_size(int width, int height) const {
  glfwSetWindowSize(window_, width, height);
}

std::vector<std::string> Window::take_dropped_files() {
  return std::exchange(dropped_, {});
}

}  // namespace nf::viewer
