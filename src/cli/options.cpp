#include "cli/options.hpp"

#include <fstream>
#include <iostream>

#include "common/error.hpp"

namespace lmgaze::cli {

std::vector<std::pair<std::string, std::string>> job_entries(const std::string& job_path,
                                                             const std::string& command) {
  std::ifstream in(job_path);
  if (!in) throw InputError(job_path, "cannot open job file");
  std::vector<std::pair<std::string, std::string>> entries;
  std::string line, section;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto trim = [](std::string s) {
      size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      if (line.back() != ']') throw InputError(job_path, line_no, "unterminated [section]");
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) throw InputError(job_path, line_no, "expected key = value");
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key.empty()) throw InputError(job_path, line_no, "empty key");
    if (section.empty() || section == command) entries.emplace_back(key, value);
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
      po::parsed_options from_job(&all);
      for (const auto& [key, value] : job_entries(job, spec.name)) {
        if (!all.find_nothrow(key, false)) continue;  // meant for another command
        po::option opt;
        opt.string_key = key;
        opt.value.push_back(value);
        opt.original_tokens = {key, value};
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
