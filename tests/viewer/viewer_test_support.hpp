#pragma once
// Helpers of the viewer's windowless tests: an ImGui context without a backend, and error expectations.
#include <gtest/gtest.h>
#include <imgui.h>

#include <string>

#include "core/error.hpp"
#include "viewer_app.hpp"

namespace nf::viewer {

// Expects fn to throw nf::Error whose message contains `part`.
template <class Fn>
void expect_error(Fn fn, const std::string& part) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one containing '" << part << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

// An ImGui context with fonts built and a display size, without any backend.
struct HeadlessImGui {
  HeadlessImGui() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~HeadlessImGui() { ImGui::DestroyContext(); }
  // One frame with `key` (a GLFW key code, or -1) pressed; returns the viewport rect.
  ViewRect frame(ViewerApp& app, int key = -1) {
    ImGuiIO& io = ImGui::GetIO();
    for (bool& k : io.KeysDown) k = false;
    if (key >= 0) io.KeysDown[key] = true;
    ImGui::NewFrame();
    const ViewRect r = app.draw_ui(1280, 800);
    ImGui::Render();
    return r;
  }
};

}  // namespace nf::viewer
