#pragma once
// The GLFW window (no client API: Vulkan draws into it). Owns GLFW's initialisation for its lifetime, the
// window, and the queue of files dropped onto it. Knows nothing of the device beyond what a gpu::Context
// needs to present to it (context_options) and the surface it makes.
//
// Construction fails with an nf::Error that points at the headless CLI when there is no display to open a
// window on, or when GLFW finds no Vulkan loader.
#include <string>
#include <vector>

#include "gpu/context.hpp"
#include "present/present_handles.hpp"

struct GLFWwindow;

namespace nf::viewer {

class Window {
 public:
  Window(int width, int height, const std::string& title);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  GLFWwindow* handle() const { return window_; }
  // Adds the instance extensions and the presentation test this window needs to options.
  void add_requirements(gpu::ContextOptions& options) const;
  present::SurfaceHandle create_surface(VkInstance instance) const;

  bool should_close() const;
  void request_close() const;
  // Framebuffer size in pixels; 0 x 0 while minimised.
  VkExtent2D framebuffer_size() const;
  void poll_events() const;
  // Sleeps until an event arrives or timeout_s passes (minimised windows).
  void wait_events(double timeout_s) const;
  void set_title(const std::string& title) const;
  // Asks the window system for a new size (the framebuffer follows when it grants it).
  void set_size(int width, int height) const;

  // Paths dropped onto the window since the last call.
  std::vector<std::string> take_dropped_files();

 private:
  GLFWwindow* window_ = nullptr;
  std::vector<std::string> dropped_;
};

}  // namespace nf::viewer
