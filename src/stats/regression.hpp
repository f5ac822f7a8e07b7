// Least-squares line and Pearson correlation for METHODS.md section 8
// (resemblance against log10(parameters); NTP loss against resemblance).
//
// y = intercept + slope·x fitted by ordinary least squares; r is Pearson's
// correlation of x and y, tested against r = 0 with
// t = r·sqrt((n − 2) / (1 − r²)), df = n − 2 (the same t as slope / se(slope)),
// two-sided p from Boost.Math's Student t distribution.
#pragma once

#include <vector>

namespace lmgaze::stats {

struct LineFit {
  long n = 0;
  double slope = 0, intercept = 0;
  double slope_se = 0, intercept_se = 0;  // from the residual variance, df = n − 2
  double r = 0, r_squared = 0;
  double t = 0, df = 0, p = 0;  // test of r = 0; t = ±inf and p = 0 for a perfect line
};

// Needs n >= 3 points (df >= 1) and neither x nor y constant; otherwise
// throws InputError saying which.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace lmgaze::stats
