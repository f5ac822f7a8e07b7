// Option parsing shared by every subcommand.
//
// Each subcommand declares its options with Boost.Program_options; this adds
// --help and --job. A job file is INI (common/ini.hpp, the reader `lmgaze run`
// uses, with ${VAR} expansion): keys before any [section] apply to every
// command that knows them (a near miss of one of the command's options is
// refused as misspelt), keys under [name] apply to the subcommand `name` only
// and must be known to it; other sections are not read. The command line
// always wins over the job file.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lmgaze::cli {

namespace po = boost::program_options;

struct CommandSpec {
  std::string name;     // "extract", "human import", ...
  std::string usage;    // one line after "usage: lmgaze "
  std::string summary;  // what it does, printed under --help
};

// Returns nullopt when --help was printed (the command then exits 0).
// Throws InputError for unknown options, bad values, a missing or bad job file.
std::optional<po::variables_map> parse_options(
    const CommandSpec& spec, const po::options_description& options,
    const std::vector<std::string>& args,
    const po::positional_options_description* positional = nullptr);

struct JobEntry {
  std::string key;
  std::string value;  // ${VARS} expanded
  long line = 0;
  bool in_command_section = false;  // under [command], not before any section
};

// Reads the job file (common/ini.hpp) entries that apply to `command` ("human
// import" reads the top and the [human import] section), in file order.
// InputError "FILE:LINE: ${NAME} is not set" for an unset variable among them.
std::vector<JobEntry> job_entries(const std::string& job_path, const std::string& command);

}  // namespace lmgaze::cli
