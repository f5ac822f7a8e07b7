// The one INI reader: job files of `lmgaze run` / `plan` / `check` and the
// `--job FILE` of every single command.
//
//   # comment            ; comment
//   key = value          before any section only where the caller allows it
//   [section]            or [kind NAME] (one or two words)
//
// A section appears once, a key once per section; a value may use ${NAME} or
// ${NAME:-default} (environment variables). Malformed lines, unterminated or
// badly named ${...}, repeated sections or keys are InputError "FILE:LINE: ...".
// A variable that is unset and has no default expands to "" and is listed in
// File::unset: `lmgaze run` makes it a problem that `plan` shows, a single
// command refuses it at once.
#pragma once

#include <string>
#include <vector>

namespace lmgaze::ini {

struct Entry {
  std::string key;
  std::string value;    // expanded
  std::string written;  // as in the file
  long line = 0;
  bool used = false;  // for the caller: set once the key has been read
};

struct Section {
  std::string kind;  // first word: "job", "model", "human"; "" for keys before any section
  std::string name;  // second word, or ""
  long line = 0;
  std::vector<Entry> entries;
  // "model toy-s", "human import", "extract"; "" before any section.
  std::string title() const { return name.empty() ? kind : kind + " " + name; }
};

struct UnsetVariable {
  long line = 0;
  std::string name;
};

struct File {
  std::string path;
  std::vector<Section>
      sections;  // file order; with keys before any section, sections[0] has kind ""
  std::vector<UnsetVariable> unset;
};

// `top_level_keys`: keys before the first [section] are allowed (they go in a
// section of kind ""); otherwise such a key is refused.
File read(const std::string& path, bool top_level_keys);

// The known word nearest to `word` (edit distance at most 2, and less than its
// length), or "" when none is that near.
std::string closest(const std::string& word, const std::vector<std::string>& known);

// "unknown key 'batchh' in [extract] (did you mean 'batch'?)".
std::string unknown_key(const std::string& key, const std::string& section_title,
                        const std::vector<std::string>& known);

}  // namespace lmgaze::ini
