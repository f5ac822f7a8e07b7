// lmgaze is built without LibTorch and hands extract, run, plan and check over
// to lmgaze-model (src/cli/main.cpp): the same help, output and exit codes as
// the partner gives, and one error line when the partner is missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/run_command.hpp"

namespace {

using lmgaze::test::count_lines;
using lmgaze::test::lmgaze_binary;
using lmgaze::test::run_command;
namespace fs = std::filesystem;

std::string partner_binary() { return std::string(LMGAZE_BINARY_DIR) + "/lmgaze-model"; }

TEST(CliFront, LinksNoLibTorchWhileThePartnerDoes) {
  const auto front = run_command("ldd " + lmgaze_binary());
  const auto partner = run_command("ldd " + partner_binary());
  ASSERT_EQ(front.exit_code, 0) << front.output;
  ASSERT_EQ(partner.exit_code, 0) << partner.output;
  EXPECT_EQ(front.output.find("libtorch"), std::string::npos) << front.output;
  EXPECT_NE(partner.output.find("libtorch"), std::string::npos) << partner.output;
}

TEST(CliFront, HelpListsEveryCommandOfThePartner) {
  const auto front = run_command(lmgaze_binary() + " --help");
  const auto partner = run_command(partner_binary() + " --help");
  EXPECT_EQ(front.exit_code, 0);
  EXPECT_EQ(front.output, partner.output);
  for (const char* command : {"extract", "run", "plan", "check", "resemblance", "human import"})
    EXPECT_NE(front.output.find(std::string("\n  ") + command + " "), std::string::npos) << command;
}

TEST(CliFront, ModelCommandsGiveThePartnersOutputAndExitCode) {
  for (const std::string args : {"extract --help", "plan --help",
                                 "extract --model /nonexistent --text /nonexistent --out x.h5",
                                 "run --job /nonexistent.ini", "check --bogus-option"}) {
    const auto front = run_command(lmgaze_binary() + " " + args);
    const auto partner = run_command(partner_binary() + " " + args);
    EXPECT_EQ(front.exit_code, partner.exit_code) << args;
    EXPECT_EQ(front.output, partner.output) << args;
  }
  // Not vacuous: a bad input is an exit code 2 in both.
  EXPECT_EQ(run_command(lmgaze_binary() + " run --job /nonexistent.ini").exit_code, 2);
}

TEST(CliFront, MissingPartnerIsOneLineAndOtherCommandsStillRun) {
  const fs::path dir = lmgaze::test::scratch_dir("front_alone");
  const fs::path alone = dir / "lmgaze";
  fs::copy_file(lmgaze_binary(), alone);
  fs::permissions(alone, fs::perms::owner_all);

  const auto r = run_command(alone.string() + " extract --help");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_EQ(r.output.rfind("lmgaze: " + (dir / "lmgaze-model").string() + ": cannot start", 0), 0u)
      << r.output;
  EXPECT_NE(r.output.find("(extract, run, plan, check)"), std::string::npos) << r.output;

  const auto version = run_command(alone.string() + " --version");
  EXPECT_EQ(version.exit_code, 0) << version.output;
  const auto help = run_command(alone.string() + " resemblance --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  fs::remove_all(dir);
}

}  // namespace
