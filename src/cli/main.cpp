// lmgaze: does a language model read like a person?
//
// The executable is a set of subcommands; every one runs under MPI (a plain
// `lmgaze ...` is a one-rank MPI job). This file is the main of both lmgaze,
// built without LibTorch, and lmgaze-model, which holds the commands that run
// a model (src/cli/CMakeLists.txt). Errors a user can fix are printed as
// one line and give exit code 2; anything unexpected gives exit code 3.
#include <mpi.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/inputs.hpp"
#include "io/hdf5.hpp"
#include "lmgaze_version.hpp"

namespace {

void print_usage() {
  std::cout << "lmgaze " << LMGAZE_VERSION
            << ": model vs. human reading attention\n\n"
               "usage: lmgaze <command> [options]    (lmgaze <command> --help for its options)\n\n"
               "commands:\n";
  for (const auto& c : lmgaze::cli::subcommands())
    std::cout << "  " << c.name << std::string(c.name[0] ? 16 - std::string(c.name).size() : 0, ' ')
              << c.summary << "\n";
}

// Commands with two words ("human import") are matched before one-word ones.
const lmgaze::cli::Subcommand* find_command(const std::vector<std::string>& words, size_t* used) {
  for (const auto& c : lmgaze::cli::subcommands()) {
    std::string name = c.name;
    if (words.size() >= 2 && name == words[0] + " " + words[1]) {
      *used = 2;
      return &c;
    }
  }
  for (const auto& c : lmgaze::cli::subcommands())
    if (!words.empty() && c.name == words[0]) {
      *used = 1;
      return &c;
    }
  return nullptr;
}

int report(const std::string& message, int code) {
  int size = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (size == 1) {
    std::cerr << "lmgaze: " << message << std::endl;
    return code;
  }
  // Another rank may be waiting in a collective: take the whole job down.
  std::cerr << "lmgaze (rank " << rank << " of " << size << "): " << message << std::endl;
  MPI_Abort(MPI_COMM_WORLD, code);
  return code;
}

// mpirun, srun and other PMI launchers leave their mark in the environment.
bool launched_by_a_launcher() {
  for (const char* var :
       {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_PROCID"})
    if (std::getenv(var)) return true;
  return false;
}

#ifdef LMGAZE_MODEL_EXECUTABLE
// This is the front end, built without LibTorch so that a command that runs no
// model starts fast. A command that runs one has no entry here: the process
// becomes the executable beside this one that holds it (same arguments, same
// environment), before MPI_Init, so that under mpirun or srun every rank turns
// into it in place and the job goes on as if it had been started directly.
// Returns only to say that the partner cannot be started.
[[noreturn]] void hand_over_to_model_executable(char** argv) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::string partner = (self.parent_path() / LMGAZE_MODEL_EXECUTABLE).string();
  if (!error) execv(partner.c_str(), argv);
  const std::string why = error ? "/proc/self/exe: " + error.message() : std::strerror(errno);
  std::string model_commands;
  for (const auto& c : lmgaze::cli::subcommands())
    if (!c.run) model_commands += std::string(model_commands.empty() ? "" : ", ") + c.name;
  std::cerr << "lmgaze: " << partner << ": cannot start (" << why
            << "); the commands that run a model (" << model_commands
            << ") live in that executable, installed beside lmgaze" << std::endl;
  std::exit(3);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  size_t used = 0;
  const auto* command = find_command(words, &used);
#ifdef LMGAZE_MODEL_EXECUTABLE
  if (command && !command->run) hand_over_to_model_executable(argv);
#endif
  // Started without mpirun or srun, Open MPI would launch its runtime daemon
  // for this one process (a singleton), which costs about 2 s and serves only
  // process spawning, which lmgaze never does. Isolated, MPI_Init takes
  // milliseconds. Under a launcher this setting is not consulted; a value the
  // user set wins.
  setenv("OMPI_MCA_ess_singleton_isolated", "1", /*overwrite=*/0);
  // A singleton talks to nobody, yet Open MPI probes every point-to-point
  // layer it has (UCX first) at MPI_Init: about 0.25 s of a model-free
  // command's start on a 2-core machine. Alone, the process needs only the
  // ob1 layer and the loopback transport. Under a launcher (mpirun, srun)
  // the cluster's own choice stands; a value the user set wins.
  if (!launched_by_a_launcher()) {
    setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
    setenv("OMPI_MCA_btl", "self", /*overwrite=*/0);
  }
  // A write past a file-size limit (ulimit -f) then fails with EFBIG, which is
  // reported like a full disk, instead of killing lmgaze with SIGXFSZ.
  signal(SIGXFSZ, SIG_IGN);
  MPI_Init(&argc, &argv);
  // Every file a command reads is noted; no output may replace one.
  lmgaze::track_inputs(true);
  int code = 0;
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_usage();
  } else if (words[0] == "--version") {
    std::cout << "lmgaze " << LMGAZE_VERSION << "\n";
  } else {
    if (!command) {
      code = report("unknown command '" + words[0] + "' (lmgaze --help lists them)", 2);
    } else {
      try {
        code = command->run(std::vector<std::string>(words.begin() + used, words.end()));
      } catch (const lmgaze::InputError& e) {
        code = report(e.what(), 2);
      } catch (const std::filesystem::filesystem_error& e) {
        // A directory that cannot be made or written, a file in the way: the
        // user's to fix, so one line and exit 2, the path first.
        code = report(e.path1().string() + ": " + e.code().message() + " (" + e.what() + ")", 2);
      } catch (const std::exception& e) {
        code = report(std::string("internal error: ") + e.what(), 3);
      }
    }
  }
  if (lmgaze::h5::shutdown_unsafe()) {
    // A file failed to close (disk full, file-size limit): HDF5's shutdown,
    // which MPI_Finalize runs, would crash on it. The error is reported and
    // the partial output removed; end here, with the error's exit code.
    std::cout.flush();
    std::cerr.flush();
    _exit(code != 0 ? code : 2);
  }
  MPI_Finalize();
  return code;
}
