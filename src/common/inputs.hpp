// Inputs of the running command, so that no output can replace one.
//
// Every reader of a user file (text, CSV, HDF5) notes its path here; every
// output (io/atomic_output.hpp) asks before it creates anything. An output
// that resolves to the same file as an input (same path, `..` or `./`
// spellings, a symlink or a hard link) is refused with an InputError, so
// `human mean S.h5 --out S.h5` or `extract --text T --out T` can never
// destroy the input. Commands also call `refuse_output_over_inputs` right
// after parsing their options, before any work.
#pragma once

#include <string>
#include <vector>

namespace lmgaze {

// True when both paths name one existing file (std::filesystem::equivalent:
// same device and inode, so symlinks and hard links count), or, when either
// does not exist yet, when their weakly canonical forms are equal.
bool same_file(const std::string& a, const std::string& b);

// Records a file the running command reads. Only once tracking is on (the
// lmgaze executable turns it on; library tests that rewrite a file they read
// are not commands and are left alone).
void note_input(const std::string& path);
void track_inputs(bool on);

// Notes every regular file directly inside `dir` (a model checkpoint: config,
// tokenizer, weights), so that `--out` cannot name one of them.
void note_directory_inputs(const std::string& dir);

// Forgets the noted inputs (lmgaze run: each stage is a command of its own).
void clear_inputs();

// InputError(output, "...") when `output` is the same file as a noted input.
void refuse_if_input(const std::string& output);

// Up-front form: InputError when any output is the same file as any input
// (empty paths are skipped). Inputs are noted as well.
void refuse_output_over_inputs(const std::vector<std::string>& outputs,
                               const std::vector<std::string>& inputs);

}  // namespace lmgaze
