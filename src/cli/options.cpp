#include "cli/options.hpp"

#include <iostream>

#include "common/error.hpp"
#include "common/ini.hpp"

namespace lmgaze::cli {

std::vector<JobEntry> job_entries(const std::string& job_path, const std::string& command) {
  const ini::File file = ini::read(job_path, /*top_level_keys=*/true);
  std::vector<JobEntry> entries;
  for (const ini::Section& section : file.sections) {
    if (!section.kind.empty() && section.title() != command) continue;
    for (const ini::Entry& e : section.entries) {
      // A variable is refused where it would be used, not in a section meant
      // for another command (`lmgaze run` reports those itself).
      for (const ini::UnsetVariable& v : file.unset)
        if (v.line == e.line) throw InputError(job_path, e.line, "${" + v.name + "} is not set");
      entries.push_back({e.key, e.value, e.line, !section.kind.empty()});
    }
  }
  return entries;
}

namespace {

void print_help(const CommandSpec& spec, const po::options_description& all) {
  std::cout << "usage: lmgaze " << spec.usage << "\n\n" << spec.summary << "\n\n" << all << "\n";
}

}  // namespace

std::optional<po::variables_map> parse_options(
    const CommandSpec& spec, const po::options_description& options,
    const std::vector<std::string>& args, const po::positional_options_description* positional) {
  const std::string job_help = "INI job file; keys at the top or under [" + spec.name +
                               "] supply options (the command line wins)";
  po::options_description common("Common options");
  common.add_options()("help,h", "print this help and exit")("job", po::value<std::string>(),
                                                             job_help.c_str());
  po::options_description all(spec.name + " options");
  all.add(options).add(common);

  po::variables_map vm;
  try {
    po::command_line_parser parser(args);
    parser.options(all);
    if (positional) parser.positional(*positional);
    po::parsed_options parsed = parser.run();
    // Boost keeps stray words (no positional slot for them) and store() drops
    // them silently; a forgotten --option name must not be ignored.
    for (const po::option& o : parsed.options)
      if (o.string_key.empty() && !o.original_tokens.empty())
        throw InputError("lmgaze " + spec.name + ": unexpected argument '" +
                         o.original_tokens.front() + "' (see --help)");
    po::store(parsed, vm);
    if (vm.count("help")) {
      print_help(spec, all);
      return std::nullopt;
    }
    if (vm.count("job")) {
      const std::string job = vm["job"].as<std::string>();
      std::vector<std::string> known;
      for (const auto& o : options.options()) known.push_back(o->long_name());
      po::parsed_options from_job(&all);
      for (const JobEntry& e : job_entries(job, spec.name)) {
        if (!options.find_nothrow(e.key, false)) {
          // Under [command] every key is the command's; before any section a
          // key may be another command's, unless it is a near miss of one of
          // this command's (`batchh` for `batch`), which is refused.
          if (e.in_command_section || !ini::closest(e.key, known).empty())
            throw InputError(job, e.line,
                             ini::unknown_key(e.key, e.in_command_section ? spec.name : "", known));
          continue;
        }
        po::option opt;
        opt.string_key = e.key;
        opt.value.push_back(e.value);
        opt.original_tokens = {e.key, e.value};
        from_job.options.push_back(opt);
      }
      po::store(from_job, vm);  // values already set on the command line win
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError("lmgaze " + spec.name + ": " + e.what() + " (see --help)");
  }
  return vm;
}

}  // namespace lmgaze::cli
