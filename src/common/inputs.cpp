#include "common/inputs.hpp"

#include <filesystem>
#include <mutex>

#include "common/error.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;

std::mutex g_mutex;
bool g_tracking = false;
std::vector<std::string> g_inputs;  // as given; resolved at comparison time

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::error_code ea, eb;
  const bool a_exists = fs::exists(a, ea), b_exists = fs::exists(b, eb);
  if (a_exists && b_exists) {
    std::error_code e;
    const bool same = fs::equivalent(a, b, e);
    if (!e) return same;
  }
  std::error_code e1, e2;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a), e1);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b), e2);
  if (e1 || e2) return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
  return ca == cb;
}

void track_inputs(bool on) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_tracking = on;
}

void note_input(const std::string& path) {
  if (path.empty()) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!g_tracking) return;
  for (const auto& p : g_inputs)
    if (p == path) return;
  g_inputs.push_back(path);
}

void note_directory_inputs(const std::string& dir) {
  std::error_code e;
  for (fs::directory_iterator it(dir, e), end; !e && it != end; it.increment(e))
    if (it->is_regular_file(e)) note_input(it->path().string());
}

void clear_inputs() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_inputs.clear();
}

void refuse_if_input(const std::string& output) {
  std::vector<std::string> inputs;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    inputs = g_inputs;
  }
  for (const auto& in : inputs)
    if (same_file(output, in))
      throw InputError(output, "output is the same file as the input " + in +
                                   "; choose another output path (the input would be lost)");
}

void refuse_output_over_inputs(const std::vector<std::string>& outputs,
                               const std::vector<std::string>& inputs) {
  for (const auto& out : outputs)
    for (const auto& in : inputs)
      if (!out.empty() && same_file(out, in))
        throw InputError(out, "output is the same file as the input " + in +
                                  "; choose another output path (the input would be lost)");
  for (const auto& in : inputs) note_input(in);
}

}  // namespace lmgaze
