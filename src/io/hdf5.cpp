#include "io/hdf5.hpp"

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/inputs.hpp"

namespace lmgaze::h5 {
namespace {

template <class T>
hid_t native_type();
template <>
hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<int64_t>() {
  return H5T_NATIVE_INT64;
}

// HDF5 prints a stack of its own on every failed call; lmgaze reports errors
// itself, in one line, so the automatic printing is switched off once.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

bool g_shutdown_unsafe = false;

Handle string_type() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Handle(t, H5Tclose);
}

Handle file_access(MPI_Comm comm, bool parallel) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (parallel) H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL);
  return fapl;
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = -1;
  }
  return *this;
}

bool Handle::reset() {
  bool ok = true;
  if (id_ >= 0 && closer_) {
    ok = closer_(id_) >= 0;
    // A file whose close failed (its final flush could not write) stays in
    // HDF5's table of open files with its memory already freed.
    if (!ok && closer_ == &H5Fclose) g_shutdown_unsafe = true;
  }
  id_ = -1;
  return ok;
}

bool shutdown_unsafe() { return g_shutdown_unsafe; }

File File::create(const std::string& path, const std::string& name) {
  silence_hdf5();
  errno = 0;
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) {
    const std::string why = errno ? std::string(": ") + std::strerror(errno) : std::string();
    throw InputError(name.empty() ? path : name, "cannot create HDF5 file " + path + why);
  }
  return File(path, Handle(id, H5Fclose), false, name);
}

File File::create_parallel(const std::string& path, MPI_Comm comm, const std::string& name) {
  silence_hdf5();
  Handle fapl = file_access(comm, true);
  errno = 0;
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (id < 0) {
    const std::string why = errno ? std::string(": ") + std::strerror(errno) : std::string();
    throw InputError(name.empty() ? path : name,
                     "cannot create HDF5 file " + path + " (parallel)" + why);
  }
  return File(path, Handle(id, H5Fclose), true, name);
}

File File::open_read(const std::string& path) {
  silence_hdf5();
  note_input(path);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "not an HDF5 file, or missing");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError(path, "cannot open HDF5 file");
  return File(path, Handle(id, H5Fclose), false);
}

File File::open_write(const std::string& path) {
  silence_hdf5();
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (id < 0) throw InputError(path, "cannot open HDF5 file for writing");
  return File(path, Handle(id, H5Fclose), false);
}

File File::open_write_parallel(const std::string& path, MPI_Comm comm) {
  silence_hdf5();
  Handle fapl = file_access(comm, true);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
  if (id < 0) throw InputError(path, "cannot open HDF5 file for writing (parallel)");
  return File(path, Handle(id, H5Fclose), true);
}

void File::fail(const std::string& what) const { throw InputError(name_, what); }

void File::fail_write(const std::string& what) const {
  // HDF5 keeps the errno of the failed write() or ftruncate() it made.
  const int reason = errno;
  if (reason == EFBIG || reason == ENOSPC || reason == EDQUOT || reason == EIO || reason == EROFS ||
      reason == EACCES)
    fail(what + ": " + std::strerror(reason));
  fail(what);
}

void File::flush() {
  errno = 0;
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) fail_write("cannot flush the file");
}

void File::close() {
  errno = 0;
  if (!file_.reset()) fail_write("cannot close the file (its last writes failed)");
}

bool File::exists(const std::string& object) const {
  // H5Lexists fails on a missing intermediate group, so walk level by level.
  size_t pos = 0;
  while (true) {
    pos = object.find('/', pos + 1);
    std::string prefix = object.substr(0, pos);
    if (prefix.empty() || prefix == "/") {
      if (pos == std::string::npos) return true;
      continue;
    }
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

void File::create_group(const std::string& group) {
  if (exists(group)) return;
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  hid_t g = H5Gcreate2(file_.get(), group.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail("cannot create group " + group);
  H5Gclose(g);
}

namespace {
herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> File::list(const std::string& group) const {
  std::vector<std::string> names;
  if (!exists(group)) return names;
  if (H5Literate_by_name(file_.get(), group.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
                         collect_name, &names, H5P_DEFAULT) < 0)
    fail("cannot list group " + group);
  return names;
}

Handle File::open_object(const std::string& object) const {
  if (!exists(object)) fail("missing " + object);
  hid_t id = H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT);
  if (id < 0) fail("cannot open " + object);
  return Handle(id, H5Oclose);
}

Handle File::open_dataset(const std::string& dataset) const {
  if (!exists(dataset)) fail("missing dataset " + dataset);
  hid_t id = H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT);
  if (id < 0) fail("cannot open dataset " + dataset);
  return Handle(id, H5Dclose);
}

namespace {

void write_attr(hid_t obj, const std::string& name, hid_t type, const void* value,
                const std::string& path) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (attr.get() < 0 || H5Awrite(attr.get(), type, value) < 0) {
    const int reason = errno;
    throw InputError(path, "cannot write attribute " + name +
                               (reason == EFBIG || reason == ENOSPC || reason == EDQUOT
                                    ? std::string(": ") + std::strerror(reason)
                                    : std::string()));
  }
}

}  // namespace

void File::set_attr(const std::string& name, const std::string& value, const std::string& on) {
  Handle obj = open_object(on);
  Handle type = string_type();
  const char* c = value.c_str();
  write_attr(obj.get(), name, type.get(), &c, name_);
}

void File::set_attr(const std::string& name, int64_t value, const std::string& on) {
  Handle obj = open_object(on);
  write_attr(obj.get(), name, H5T_NATIVE_INT64, &value, name_);
}

void File::set_attr(const std::string& name, double value, const std::string& on) {
  Handle obj = open_object(on);
  write_attr(obj.get(), name, H5T_NATIVE_DOUBLE, &value, name_);
}

bool File::has_attr(const std::string& name, const std::string& on) const {
  if (!exists(on)) return false;
  Handle obj = open_object(on);
  return H5Aexists(obj.get(), name.c_str()) > 0;
}

std::string File::attr_string(const std::string& name, const std::string& on) const {
  Handle obj = open_object(on);
  if (H5Aexists(obj.get(), name.c_str()) <= 0) fail("missing attribute " + name + " on " + on);
  Handle attr(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle ftype(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) fail("attribute " + name + " is not a string");
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle type = string_type();
    char* c = nullptr;
    if (H5Aread(attr.get(), type.get(), &c) < 0) fail("cannot read attribute " + name);
    std::string s = c ? c : "";
    H5free_memory(c);
    return s;
  }
  size_t n = H5Tget_size(ftype.get());
  std::string s(n, '\0');
  if (H5Aread(attr.get(), ftype.get(), s.data()) < 0) fail("cannot read attribute " + name);
  s.resize(std::strlen(s.c_str()));
  return s;
}

int64_t File::attr_int(const std::string& name, const std::string& on) const {
  Handle obj = open_object(on);
  if (H5Aexists(obj.get(), name.c_str()) <= 0) fail("missing attribute " + name + " on " + on);
  Handle attr(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  int64_t v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) fail("cannot read attribute " + name);
  return v;
}

double File::attr_double(const std::string& name, const std::string& on) const {
  Handle obj = open_object(on);
  if (H5Aexists(obj.get(), name.c_str()) <= 0) fail("missing attribute " + name + " on " + on);
  Handle attr(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  double v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) fail("cannot read attribute " + name);
  return v;
}

template <class T>
void File::write_vector(const std::string& dataset, const std::vector<T>& values) {
  hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle ds(H5Dcreate2(file_.get(), dataset.c_str(), native_type<T>(), space.get(), lcpl.get(),
                       H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  if (ds.get() < 0) fail_write("cannot create dataset " + dataset);
  // In a parallel file every rank holds the same vector; one write suffices
  // but all must take part in the (collective) creation above.
  bool writer = true;
  if (parallel_) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    writer = rank == 0;
  }
  errno = 0;
  if (writer && n > 0 &&
      H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail_write("cannot write dataset " + dataset);
}

template <class T>
std::vector<T> File::read_vector(const std::string& dataset) const {
  Handle ds = open_dataset(dataset);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail("cannot read dataset " + dataset);
  std::vector<T> values(static_cast<size_t>(n));
  if (n > 0 &&
      H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail("cannot read dataset " + dataset + " as the expected type");
  return values;
}

void File::write_strings(const std::string& dataset, const std::vector<std::string>& values) {
  hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle type = string_type();
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle ds(H5Dcreate2(file_.get(), dataset.c_str(), type.get(), space.get(), lcpl.get(),
                       H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  if (ds.get() < 0) fail_write("cannot create dataset " + dataset);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  errno = 0;
  if (n > 0 && H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    fail_write("cannot write dataset " + dataset);
}

std::vector<std::string> File::read_strings(const std::string& dataset) const {
  Handle ds = open_dataset(dataset);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  Handle type = string_type();
  std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
  if (n > 0 && H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    fail("cannot read string dataset " + dataset);
  std::vector<std::string> values;
  for (char* p : ptrs) values.emplace_back(p ? p : "");
  if (n > 0) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, ptrs.data());
  return values;
}

namespace {

// A dataset of `rank` dimensions, intermediate groups created. Contiguous
// layout with space allocated at creation when parallel: independent ranks can
// then write disjoint hyperslabs without collective chunk allocation.
Handle create_dataset(hid_t file, const std::string& name, hid_t type, int rank,
                      const hsize_t* dims, bool parallel) {
  Handle space(H5Screate_simple(rank, dims, nullptr), H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (parallel) H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY);
  return Handle(
      H5Dcreate2(file, name.c_str(), type, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
      H5Dclose);
}

// Writes or reads the box [start, start + count) of a `rank`-dimensional
// dataset from or into a dense buffer of shape `count`. False on failure.
enum class Transfer { kWrite, kRead };
bool transfer_box(hid_t ds, hid_t type, int rank, const hsize_t* start, const hsize_t* count,
                  Transfer direction, void* buffer) {
  Handle file_space(H5Dget_space(ds), H5Sclose);
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  Handle mem_space(H5Screate_simple(rank, count, nullptr), H5Sclose);
  const herr_t status =
      direction == Transfer::kWrite
          ? H5Dwrite(ds, type, mem_space.get(), file_space.get(), H5P_DEFAULT, buffer)
          : H5Dread(ds, type, mem_space.get(), file_space.get(), H5P_DEFAULT, buffer);
  return status >= 0;
}

int64_t vector_size(hid_t ds) {
  Handle space(H5Dget_space(ds), H5Sclose);
  return H5Sget_simple_extent_npoints(space.get());
}

}  // namespace

template <class T>
void File::create_matrix(const std::string& dataset, Shape2 shape) {
  const hsize_t dims[2] = {static_cast<hsize_t>(shape.rows), static_cast<hsize_t>(shape.cols)};
  if (create_dataset(file_.get(), dataset, native_type<T>(), 2, dims, parallel_).get() < 0)
    fail_write("cannot create dataset " + dataset);
}

template <class T>
void File::create_vector(const std::string& dataset, int64_t size) {
  const hsize_t dims[1] = {static_cast<hsize_t>(size)};
  if (create_dataset(file_.get(), dataset, native_type<T>(), 1, dims, parallel_).get() < 0)
    fail_write("cannot create dataset " + dataset);
}

Shape2 File::matrix_shape(const std::string& dataset) const {
  Handle ds = open_dataset(dataset);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 2) fail("dataset " + dataset + " is not two-dimensional");
  hsize_t dims[2];
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  return {static_cast<int64_t>(dims[0]), static_cast<int64_t>(dims[1])};
}

void File::check_block(const std::string& dataset, int64_t row0, int64_t col0, Shape2 block) const {
  const Shape2 shape = matrix_shape(dataset);
  if (row0 < 0 || col0 < 0 || row0 + block.rows > shape.rows || col0 + block.cols > shape.cols)
    fail("block outside dataset " + dataset);
}

template <class T>
void File::write_block(const std::string& dataset, int64_t row0, int64_t col0, Shape2 block,
                       const T* data) {
  check_block(dataset, row0, col0, block);
  if (block.rows == 0 || block.cols == 0) return;
  Handle ds = open_dataset(dataset);
  const hsize_t start[2] = {static_cast<hsize_t>(row0), static_cast<hsize_t>(col0)};
  const hsize_t count[2] = {static_cast<hsize_t>(block.rows), static_cast<hsize_t>(block.cols)};
  errno = 0;
  if (!transfer_box(ds.get(), native_type<T>(), 2, start, count, Transfer::kWrite,
                    const_cast<T*>(data)))
    fail_write("cannot write dataset " + dataset);
}

template <class T>
void File::write_column_runs(const std::string& dataset, int64_t rows,
                             const std::vector<ColumnRun>& runs, const T* data) {
  const Shape2 shape = matrix_shape(dataset);
  int64_t cols = 0, end = 0;
  for (const ColumnRun& r : runs) {
    if (r.col0 < end || r.cols < 0 || r.col0 + r.cols > shape.cols || rows < 0 || rows > shape.rows)
      fail("column runs outside dataset " + dataset + ", overlapping or out of order");
    end = r.col0 + r.cols;
    cols += r.cols;
  }
  if (rows == 0 || cols == 0) return;
  Handle ds = open_dataset(dataset);
  // HDF5 pairs the memory's elements, in order, with the selected file
  // elements in row-major order: row 0 of every run, then row 1, ...
  Handle file_space(H5Dget_space(ds.get()), H5Sclose);
  H5Sselect_none(file_space.get());
  for (const ColumnRun& r : runs) {
    if (r.cols == 0) continue;
    const hsize_t start[2] = {0, static_cast<hsize_t>(r.col0)};
    const hsize_t count[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(r.cols)};
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_OR, start, nullptr, count, nullptr);
  }
  const hsize_t mem_dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  Handle mem_space(H5Screate_simple(2, mem_dims, nullptr), H5Sclose);
  errno = 0;
  if (H5Dwrite(ds.get(), native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT, data) <
      0)
    fail_write("cannot write dataset " + dataset);
}

template <class T>
void File::read_block(const std::string& dataset, int64_t row0, int64_t col0, Shape2 block,
                      T* out) const {
  check_block(dataset, row0, col0, block);
  if (block.rows == 0 || block.cols == 0) return;
  Handle ds = open_dataset(dataset);
  const hsize_t start[2] = {static_cast<hsize_t>(row0), static_cast<hsize_t>(col0)};
  const hsize_t count[2] = {static_cast<hsize_t>(block.rows), static_cast<hsize_t>(block.cols)};
  if (!transfer_box(ds.get(), native_type<T>(), 2, start, count, Transfer::kRead, out))
    fail("cannot read dataset " + dataset + " as the expected type");
}

template <class T>
void File::write_range(const std::string& dataset, int64_t begin, int64_t count, const T* data) {
  Handle ds = open_dataset(dataset);
  if (begin < 0 || count < 0 || begin + count > vector_size(ds.get()))
    fail("range outside dataset " + dataset);
  if (count == 0) return;
  const hsize_t start = static_cast<hsize_t>(begin), n = static_cast<hsize_t>(count);
  errno = 0;
  if (!transfer_box(ds.get(), native_type<T>(), 1, &start, &n, Transfer::kWrite,
                    const_cast<T*>(data)))
    fail_write("cannot write dataset " + dataset);
}

template <class T>
std::vector<T> File::read_range(const std::string& dataset, int64_t begin, int64_t count) const {
  Handle ds = open_dataset(dataset);
  if (begin < 0 || count < 0 || begin + count > vector_size(ds.get()))
    fail("range outside dataset " + dataset);
  std::vector<T> out(static_cast<size_t>(count));
  if (count == 0) return out;
  const hsize_t start = static_cast<hsize_t>(begin), n = static_cast<hsize_t>(count);
  if (!transfer_box(ds.get(), native_type<T>(), 1, &start, &n, Transfer::kRead, out.data()))
    fail("cannot read dataset " + dataset + " as the expected type");
  return out;
}

#define LMGAZE_H5_INSTANTIATE(T)                                                              \
  template void File::create_vector<T>(const std::string&, int64_t);                          \
  template void File::write_range<T>(const std::string&, int64_t, int64_t, const T*);         \
  template std::vector<T> File::read_range<T>(const std::string&, int64_t, int64_t) const;    \
  template void File::write_vector<T>(const std::string&, const std::vector<T>&);             \
  template std::vector<T> File::read_vector<T>(const std::string&) const;                     \
  template void File::create_matrix<T>(const std::string&, Shape2);                           \
  template void File::write_block<T>(const std::string&, int64_t, int64_t, Shape2, const T*); \
  template void File::write_column_runs<T>(const std::string&, int64_t,                       \
                                           const std::vector<ColumnRun>&, const T*);          \
  template void File::read_block<T>(const std::string&, int64_t, int64_t, Shape2, T*) const;
LMGAZE_H5_INSTANTIATE(float)
LMGAZE_H5_INSTANTIATE(double)
LMGAZE_H5_INSTANTIATE(int32_t)
LMGAZE_H5_INSTANTIATE(int64_t)
LMGAZE_H5_INSTANTIATE(uint8_t)
#undef LMGAZE_H5_INSTANTIATE

}  // namespace lmgaze::h5
