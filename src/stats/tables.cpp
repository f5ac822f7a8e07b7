#include "stats/tables.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "common/error.hpp"

namespace lmgaze::stats {

TableRows select_rows(const CsvTable& table, const std::vector<ColumnFilter>& filters) {
  return {&table, filter_rows(table, filters)};
}

namespace {

struct Cell {
  double value;
  long line;
};

// One table of stats paired: layer -> reader -> value, and the layers in order of appearance.
struct ByLayer {
  std::vector<std::string> order;
  std::map<std::string, std::map<std::string, Cell>> cells;
};

ByLayer index_by_layer(const TableRows& t, const PairedColumns& c) {
  const CsvTable& table = *t.table;
  const size_t kc = table.column(c.key), sc = table.column(c.subject), vc = table.column(c.value);
  ByLayer out;
  for (const CsvRow* row : t.rows) {
    const std::string& key = row->fields[kc];
    if (key == "max") continue;  // resemblance tables' best-layer summary row
    auto [layer, new_layer] = out.cells.try_emplace(key);
    if (new_layer) out.order.push_back(key);
    const std::string& subject = row->fields[sc];
    auto [cell, inserted] =
        layer->second.try_emplace(subject, Cell{table.number(*row, vc), row->line});
    if (!inserted)
      throw InputError(table.path, row->line,
                       c.key + " " + key + ", " + c.subject + " '" + subject +
                           "' appears twice (first at line " + std::to_string(cell->second.line) +
                           "); --filter can select one model or group");
  }
  if (out.order.empty())
    throw InputError(table.path, "no rows to compare (after --filter, without the 'max' row)");
  return out;
}

bool is_integer(const std::string& s, long* value) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *value);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

namespace {

// The distinct values of `column` over the rows used, in first-seen order.
std::vector<std::string> distinct(const TableRows& t, size_t column) {
  std::vector<std::string> seen;
  for (const CsvRow* row : t.rows)
    if (std::find(seen.begin(), seen.end(), row->fields[column]) == seen.end())
      seen.push_back(row->fields[column]);
  return seen;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

void require_same_group(const TableRows& a, const TableRows& b) {
  if (!a.table->has_column("group") || !b.table->has_column("group")) return;
  const auto ga = distinct(a, a.table->column("group"));
  const auto gb = distinct(b, b.table->column("group"));
  for (const auto* t : {&a, &b}) {
    const auto& g = t == &a ? ga : gb;
    if (g.size() > 1)
      throw InputError(t->table->path, "holds groups " + joined(g) +
                                           ": a paired test pairs the readers of one group; "
                                           "choose one with --filter group=NAME");
  }
  if (!ga.empty() && !gb.empty() && ga[0] != gb[0])
    throw InputError(a.table->path, "holds group " + ga[0] + " and " + b.table->path + " group " +
                                        gb[0] +
                                        ": different people cannot be paired, even where their "
                                        "ids match (compare groups with lmgaze stats groups)");
}

LayerwiseComparison compare_layerwise(const TableRows& a, const TableRows& b,
                                      const PairedColumns& columns, double alpha) {
  const ByLayer ia = index_by_layer(a, columns), ib = index_by_layer(b, columns);
  for (const auto& key : ia.order)
    if (!ib.cells.count(key))
      throw InputError(b.table->path, "has no rows for " + columns.key + " " + key + ", which " +
                                          a.table->path + " has");
  for (const auto& key : ib.order)
    if (!ia.cells.count(key))
      throw InputError(a.table->path, "has no rows for " + columns.key + " " + key + ", which " +
                                          b.table->path + " has");

  std::vector<std::string> order = ia.order;
  std::vector<long> numbers(order.size());
  bool numeric = true;
  for (size_t k = 0; k < order.size() && numeric; ++k) numeric = is_integer(order[k], &numbers[k]);
  if (numeric)
    std::sort(order.begin(), order.end(), [](const std::string& x, const std::string& y) {
      return std::stol(x) < std::stol(y);
    });

  LayerwiseComparison out;
  out.alpha = alpha;
  out.threshold = alpha / static_cast<double>(order.size());
  for (const auto& key : order) {
    const auto& ca = ia.cells.at(key);
    const auto& cb = ib.cells.at(key);
    std::vector<double> va, vb;
    for (const auto& [subject, cell] : ca) {
      auto other = cb.find(subject);
      if (other == cb.end()) {
        ++out.unpaired;
      } else if (std::isnan(cell.value) || std::isnan(other->second.value)) {
        ++out.missing;
      } else {
        va.push_back(cell.value);
        vb.push_back(other->second.value);
      }
    }
    for (const auto& [subject, cell] : cb)
      if (!ca.count(subject)) ++out.unpaired;
    LayerTest layer;
    layer.key = key;
    try {
      layer.test = paired_t_test(va, vb);
    } catch (const InputError& e) {
      throw InputError(columns.key + " " + key + ": " + e.problem() + " (" + columns.subject +
                       "s with a value in both " + a.table->path + " and " + b.table->path + ")");
    }
    layer.p_bonferroni = std::min(1.0, layer.test.p * static_cast<double>(order.size()));
    layer.significant = layer.test.p < out.threshold;
    if (layer.significant && layer.test.mean_diff > 0) ++out.higher;
    if (layer.significant && layer.test.mean_diff < 0) ++out.lower;
    out.layers.push_back(layer);
  }
  return out;
}

Sample column_sample(const TableRows& rows, const std::string& column) {
  const size_t c = rows.table->column(column);
  Sample s;
  for (const CsvRow* row : rows.rows) {
    const double v = rows.table->number(*row, c);
    if (std::isnan(v))
      ++s.missing;
    else
      s.values.push_back(v);
  }
  return s;
}

namespace {

std::string origin(const CsvTable& table, const CsvRow& row) {
  return table.path + ":" + std::to_string(row.line);
}

void add_point(Points& p, double x, double y, std::string where) {
  if (std::isnan(x) || std::isnan(y)) {
    ++p.missing;
    return;
  }
  p.x.push_back(x);
  p.y.push_back(y);
  p.x_origin.push_back(std::move(where));
}

}  // namespace

Points points_by_row(const TableRows& rows, const std::string& x_column,
                     const std::string& y_column) {
  const CsvTable& t = *rows.table;
  const size_t xc = t.column(x_column), yc = t.column(y_column);
  Points p;
  for (const CsvRow* row : rows.rows)
    add_point(p, t.number(*row, xc), t.number(*row, yc), origin(t, *row));
  return p;
}

Points points_joined(const TableRows& x_rows, const std::string& x_column, const TableRows& y_rows,
                     const std::string& y_column, const std::string& key) {
  const CsvTable& xt = *x_rows.table;
  const CsvTable& yt = *y_rows.table;
  const size_t xc = xt.column(x_column), yc = yt.column(y_column);
  const size_t xk = xt.column(key), yk = yt.column(key);
  auto index = [&key](const TableRows& rows, size_t column) {
    std::map<std::string, const CsvRow*> by_key;
    for (const CsvRow* row : rows.rows) {
      auto [it, inserted] = by_key.emplace(row->fields[column], row);
      if (!inserted)
        throw InputError(rows.table->path, row->line,
                         key + " '" + row->fields[column] + "' appears twice (first at line " +
                             std::to_string(it->second->line) + "); --join needs unique keys");
    }
    return by_key;
  };
  const auto x_index = index(x_rows, xk);
  const auto y_index = index(y_rows, yk);
  Points p;
  long matched = 0;
  for (const CsvRow* row : x_rows.rows) {
    auto other = y_index.find(row->fields[xk]);
    if (other == y_index.end()) {
      ++p.unmatched_x;
      continue;
    }
    ++matched;
    add_point(p, xt.number(*row, xc), yt.number(*other->second, yc), origin(xt, *row));
  }
  p.unmatched_y = static_cast<long>(y_index.size()) - matched;
  return p;
}

}  // namespace lmgaze::stats
