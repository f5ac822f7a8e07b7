// Option parsing shared by every subcommand.
//
// Each subcommand declares its options with Boost.Program_options; this adds
// --help and --job. A job file is INI: keys before any [section] apply to
// every command that knows them, keys under [name] apply to the subcommand
// `name` only (and must be known to it). The command line always wins over
// the job file.
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

// Reads the job file entries that apply to `command` ("human import" reads
// the [human import] section): (key, value) in file order.
std::vector<std::pair<std::string, std::string>> job_entries(const std::string& job_path,
                                                             const std::string& command);

}  // namespace lmgaze::cli
