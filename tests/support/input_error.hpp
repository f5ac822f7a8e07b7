// What a call refuses: the InputError it throws, as text, so that a test can
// look for the file, line and problem it names. Empty when it throws none.
#pragma once

#include <functional>
#include <string>

#include "common/error.hpp"

namespace lmgaze::test {

// The whole message: "file:line: problem".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The problem alone, without the place.
inline std::string problem_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.problem();
  }
  return "";
}

}  // namespace lmgaze::test
