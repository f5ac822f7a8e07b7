// Numbers in the JSON sidecars of the analyses. JSON has no NaN or infinity:
// an undefined value is written as null and read back as NaN.
#pragma once

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace lmgaze::analysis {

inline nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

inline double number_or_nan(const nlohmann::json& v) {
  return v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace lmgaze::analysis
