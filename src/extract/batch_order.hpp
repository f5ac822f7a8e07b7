// Micro-batches of an extraction group: which sentences run together.
//
// Batches are right-padded to their longest sentence, so sentences of unequal
// length waste compute on padding. In length order a group's sentences are
// sorted by token count (stable) before they are cut into batches, so that a
// batch holds sentences of about one length; in file order batches are
// consecutive sentences. Either way every sentence is written at its own place
// in the file (the file order never changes), and within a batch sentences are
// kept in file order, so a batch is a few runs of consecutive sentences, each
// written as one block. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mpi/partition.hpp"

namespace lmgaze {

enum class BatchOrder { length, file };

// "length" or "file"; anything else is refused by name (InputError).
BatchOrder parse_batch_order(const std::string& name);

// One micro-batch: sentence indices in ascending (file) order.
using Batch = std::vector<size_t>;

// Batches of at most `batch_size` sentences of `group`; n_tokens[s] is the
// model-input length of sentence s. Every sentence of the group is in exactly
// one batch.
std::vector<Batch> make_batches(const std::vector<int64_t>& n_tokens, mpi::Range group,
                                int batch_size, BatchOrder order);

// The batch's maximal runs of consecutive sentences, in order.
std::vector<mpi::Range> consecutive_runs(const Batch& batch);

// Padding positions of a batch: size x longest - the sum of the lengths.
int64_t padded_tokens(const std::vector<int64_t>& n_tokens, const Batch& batch);

}  // namespace lmgaze
