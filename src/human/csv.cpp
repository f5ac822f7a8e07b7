#include "human/csv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/error.hpp"
#include "common/inputs.hpp"
#include "common/text_bytes.hpp"

namespace lmgaze::human {

CsvReader::CsvReader(const std::string& path) : source_(path) {
  note_input(path);
  std::error_code e;
  if (std::filesystem::is_directory(path, e))
    throw InputError(path, "is a directory, not a CSV file");
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) throw InputError(path, "cannot open CSV file");
  in_ = std::move(file);
  open_header();
}

CsvReader::CsvReader(std::unique_ptr<std::istream> in, const std::string& source)
    : in_(std::move(in)), source_(source) {
  open_header();
}

void CsvReader::open_header() {
  if (!next()) throw InputError(source_, "empty CSV file (a header line is required)");
  header_ = fields_;
  for (auto& h : header_) {
    size_t b = h.find_first_not_of(' '), e = h.find_last_not_of(' ');
    h = b == std::string::npos ? std::string() : h.substr(b, e - b + 1);
  }
  // A UTF-8 byte-order mark before the first column name.
  if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) header_[0].erase(0, 3);
}

size_t CsvReader::require(const std::string& column) const {
  long i = find(column);
  if (i >= 0) return static_cast<size_t>(i);
  std::string present;
  for (const auto& h : header_) present += (present.empty() ? "" : ", ") + h;
  throw InputError(source_, 1, "missing column '" + column + "' (header has: " + present + ")");
}

long CsvReader::find(const std::string& column) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == column) return static_cast<long>(i);
  return -1;
}

bool CsvReader::next() {
  std::string text;
  while (std::getline(*in_, text)) {
    ++line_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    // UTF-8, no control characters, no CR but in a CRLF line end (a file with
    // CR-only line ends would otherwise be one long header line).
    check_line_bytes(text, line_, source_, /*allow_tab=*/true);
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    split(text);
    if (!header_.empty() && fields_.size() < header_.size())
      fail("has " + std::to_string(fields_.size()) + " fields, the header has " +
           std::to_string(header_.size()));
    return true;
  }
  return false;
}

void CsvReader::split(const std::string& text) {
  fields_.clear();
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) fail("unterminated quoted field");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      if (i < text.size() && text[i] != ',') fail("text after a closing quote");
    } else {
      size_t end = text.find(',', i);
      if (end == std::string::npos) end = text.size();
      field = text.substr(i, end - i);
      i = end;
    }
    fields_.push_back(field);
    if (i >= text.size()) break;
    ++i;  // the comma
    if (i == text.size()) {
      fields_.emplace_back();
      break;
    }
  }
}

void CsvReader::fail(const std::string& what) const { throw InputError(source_, line_, what); }

namespace {
std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}
}  // namespace

int64_t CsvReader::integer(size_t column) const {
  const std::string text = trimmed(fields_[column]);
  errno = 0;
  char* end = nullptr;
  long long v = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    fail(header_[column] + " '" + fields_[column] + "' is not an integer");
  return v;
}

double CsvReader::number(size_t column) const {
  const std::string text = trimmed(fields_[column]);
  errno = 0;
  char* end = nullptr;
  double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    fail(header_[column] + " '" + fields_[column] + "' is not a finite number");
  return v;
}

}  // namespace lmgaze::human
