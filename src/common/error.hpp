// Errors lmgaze reports to the user.
//
// Every problem a user can fix (bad file, bad option, inconsistent data) is an
// InputError: it carries the file, the line (0 when there is none) and what is
// wrong, and the command-line front end prints it as exactly one line
// "lmgaze: FILE:LINE: what" before exiting non-zero. A problem inside a line
// of text also names the column: "FILE:LINE:COLUMN: what" (1-based, in
// characters).
#pragma once

#include <stdexcept>
#include <string>

namespace lmgaze {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, long line, const std::string& what);
  InputError(const std::string& file, long line, long column, const std::string& what);
  InputError(const std::string& file, const std::string& what);
  explicit InputError(const std::string& what);

  const std::string& file() const { return file_; }
  long line() const { return line_; }
  long column() const { return column_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  long line_ = 0;
  long column_ = 0;
  std::string problem_;
};

}  // namespace lmgaze
