// The time left of a long loop, for progress lines (extraction prints
// "... N tokens/s, ETA 4:05"). No LibTorch, so it is tested on its own.
#pragma once

#include <string>

namespace lmgaze {

// Seconds left at the rate so far: (total - done) / (done / elapsed_s). NaN
// when there is no rate yet (nothing done, or no time elapsed).
double seconds_left(double done, double total, double elapsed_s);

// "ETA m:ss" under an hour, "ETA h:mm:ss" from an hour on, rounded to the
// nearest second; "ETA --" when the time is unknown (NaN, infinite, negative).
std::string format_eta(double seconds);

}  // namespace lmgaze
