// Thin RAII layer over the HDF5 C API.
//
// Only what lmgaze's files need: a file (serial, or parallel over an MPI
// communicator through MPI-IO), root and dataset attributes, 1-D vectors and
// 2-D row-major blocks of float, double, int32 and int64, variable-length
// string lists. Every HDF5 failure becomes an InputError that names the file
// and the object, so a damaged or foreign file is reported in one line.
//
// A write that fails (disk full, file-size limit) says why (the system's
// reason) and so does a close that cannot flush. HDF5 1.10 then keeps a
// dangling file entry that crashes its own shutdown at MPI_Finalize;
// `shutdown_unsafe()` tells main to exit without that shutdown.
#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lmgaze::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  // Closes the object; false when the close failed.
  bool reset();

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// True once a file failed to close: HDF5's library shutdown (run by
// MPI_Finalize) would touch freed memory, so the process must end without it.
bool shutdown_unsafe();

struct Shape2 {
  int64_t rows = 0;
  int64_t cols = 0;
};

// Columns [col0, col0 + cols) of a two-dimensional dataset.
struct ColumnRun {
  int64_t col0 = 0;
  int64_t cols = 0;
};

class File {
 public:
  // Creates (truncating) a file for one process. `name`: the path errors
  // name (the final output for a PATH.partial being written), default `path`.
  static File create(const std::string& path, const std::string& name = "");
  // Creates a file collectively: every rank of `comm` calls it with the same
  // path and all later dataset creations and attribute writes are collective.
  static File create_parallel(const std::string& path, MPI_Comm comm, const std::string& name = "");
  // Opens an existing file read-only (each rank may open it on its own).
  static File open_read(const std::string& path);
  // Opens read-write for one process.
  static File open_write(const std::string& path);
  // Opens read-write collectively over `comm`.
  static File open_write_parallel(const std::string& path, MPI_Comm comm);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }
  bool parallel() const { return parallel_; }
  void flush();
  // Closes the file; throws InputError when the final flush fails (a file
  // whose close failed is not complete, whatever it holds).
  void close();

  bool exists(const std::string& object) const;                   // "/a/b" (every level checked)
  void create_group(const std::string& group);                    // creates missing parents too
  std::vector<std::string> list(const std::string& group) const;  // child names, sorted

  // Attributes on an object (default: the root group).
  void set_attr(const std::string& name, const std::string& value, const std::string& on = "/");
  void set_attr(const std::string& name, int64_t value, const std::string& on = "/");
  void set_attr(const std::string& name, double value, const std::string& on = "/");
  bool has_attr(const std::string& name, const std::string& on = "/") const;
  std::string attr_string(const std::string& name, const std::string& on = "/") const;
  int64_t attr_int(const std::string& name, const std::string& on = "/") const;
  double attr_double(const std::string& name, const std::string& on = "/") const;

  // Whole 1-D datasets.
  template <class T>
  void write_vector(const std::string& dataset, const std::vector<T>& values);
  template <class T>
  std::vector<T> read_vector(const std::string& dataset) const;
  void write_strings(const std::string& dataset, const std::vector<std::string>& values);
  std::vector<std::string> read_strings(const std::string& dataset) const;

  // 1-D datasets written and read by ranges (a parallel file: collective
  // creation, independent range writes).
  template <class T>
  void create_vector(const std::string& dataset, int64_t size);
  template <class T>
  void write_range(const std::string& dataset, int64_t begin, int64_t count, const T* data);
  template <class T>
  std::vector<T> read_range(const std::string& dataset, int64_t begin, int64_t count) const;

  // 2-D datasets written and read by blocks. In a parallel file, creation is
  // collective; block writes are independent (each rank writes its own part).
  template <class T>
  void create_matrix(const std::string& dataset, Shape2 shape);
  template <class T>
  void write_block(const std::string& dataset, int64_t row0, int64_t col0, Shape2 block,
                   const T* data);
  // Rows [0, rows) of several column runs (ascending, disjoint) in one write:
  // data is [rows, sum of the runs' cols] row-major, each row the runs' columns
  // one after the other.
  template <class T>
  void write_column_runs(const std::string& dataset, int64_t rows,
                         const std::vector<ColumnRun>& runs, const T* data);
  template <class T>
  void read_block(const std::string& dataset, int64_t row0, int64_t col0, Shape2 block,
                  T* out) const;
  Shape2 matrix_shape(const std::string& dataset) const;

 private:
  File(std::string path, Handle file, bool parallel, std::string name = "")
      : path_(std::move(path)),
        name_(name.empty() ? path_ : std::move(name)),
        file_(std::move(file)),
        parallel_(parallel) {}
  Handle open_dataset(const std::string& dataset) const;
  Handle open_object(const std::string& object) const;
  [[noreturn]] void fail(const std::string& what) const;
  // For a failed write or flush: `what` plus the system's reason (errno), so
  // that a full disk or a file-size limit is named as such.
  [[noreturn]] void fail_write(const std::string& what) const;
  // Fails unless the block lies inside the two-dimensional dataset.
  void check_block(const std::string& dataset, int64_t row0, int64_t col0, Shape2 block) const;

  std::string path_;
  std::string name_;  // in error messages
  Handle file_;
  bool parallel_ = false;
};

}  // namespace lmgaze::h5
