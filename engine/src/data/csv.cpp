// CSV tables: numeric feature columns plus one label column.
//
// - Cells are separated by commas; a cell may be double-quoted (with "" for a quote inside),
//   but a quoted cell cannot span lines. Blank lines are skipped; line numbers in messages
//   count every physical line from 1. A UTF-8 byte order mark is ignored. gzip is read too.
// - The first row is a header when one of its cells outside the label column is not a number
//   (or when it holds the label column's name). A header of numbers only cannot be told from
//   data.
// - Labels: when every label is a non-negative integer, it is the class number and the
//   classes are named "0" ... "max"; otherwise the labels are class names, numbered in sorted
//   (byte-wise) order so that a train and a test file give the same numbers whatever the row
//   order.

#include "data/data_file.h"
#include "io/json_text.h"

#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/memory.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <string_view>

namespace strata {

namespace {

using internal::briefQuote;
using internal::throwFileError;

// A class number beyond this is not a class number but some other integer column.
constexpr double kMaxClassNumber = 100000;

std::string trim(std::string_view s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t");
    return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> splitRow(std::string_view line, const std::string &path, int lineNo)
{
    std::vector<std::string> cells;
    size_t i = 0;
    while (true) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        if (i < line.size() && line[i] == '"') {
            std::string cell;
            ++i;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                cell += line[i++];
            }
            if (!closed)
                throwFileError(path, "line " + std::to_string(lineNo) + ", column " +
                                         std::to_string(cells.size() + 1) +
                                         ": the quote is never closed (quoted cells cannot "
                                         "span lines)");
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                ++i;
            if (i < line.size() && line[i] != ',')
                throwFileError(path, "line " + std::to_string(lineNo) + ", column " +
                                         std::to_string(cells.size() + 1) +
                                         ": unexpected text after a closing quote");
            cells.push_back(std::move(cell));
        } else {
            const size_t comma = line.find(',', i);
            const size_t end = comma == std::string_view::npos ? line.size() : comma;
            cells.push_back(trim(line.substr(i, end - i)));
            i = end;
        }
        if (i >= line.size())
            break;
        ++i; // the comma
    }
    return cells;
}

bool parseNumber(const std::string &cell, double &value)
{
    const char *begin = cell.data();
    const char *end = cell.data() + cell.size();
    if (begin != end && *begin == '+')
        ++begin;
    if (begin == end)
        return false;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    return ec == std::errc() && ptr == end && std::isfinite(value);
}

bool isClassNumber(const std::string &cell, int &number)
{
    double v = 0;
    if (!parseNumber(cell, v) || v < 0 || v > kMaxClassNumber || v != std::floor(v))
        return false;
    number = static_cast<int>(v);
    return true;
}

bool isIndex(const std::string &s)
{
    return !s.empty() && s.size() < 9 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string columnLabel(const std::vector<std::string> &header, size_t column)
{
    std::string s = "column " + std::to_string(column + 1);
    if (column < header.size() && !header[column].empty())
        s += " (" +
             (header[column].size() > 40 ? header[column].substr(0, 40) + "…" : header[column]) +
             ")";
    return s;
}

// The first cells of a row for a message, each quoted briefly: never the whole row.
std::string joined(const std::vector<std::string> &cells)
{
    std::string s;
    for (size_t i = 0; i < cells.size() && i < 8; ++i)
        s += (i ? ", " : "") + briefQuote(cells[i], 30);
    if (cells.size() > 8)
        s += ", … (" + std::to_string(cells.size()) + " cells)";
    return s;
}

struct Row
{
    int line;
    std::vector<std::string> cells;
};

std::vector<Row> readRows(const std::string &path)
{
    internal::DataFile file(path);
    const std::vector<uint8_t> bytes = file.readAll();
    std::string_view text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    std::vector<Row> rows;
    int lineNo = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        rows.push_back({lineNo, splitRow(line, path, lineNo)});
    }
    return rows;
}

// Finds the label column among the first row's cells and tells whether that row is a header.
size_t findLabelColumn(const std::string &path, const Row &first, const std::string &labelColumn,
                       bool &header)
{
    const size_t columns = first.cells.size();
    size_t label = columns - 1;
    header = false;
    const auto named = std::find(first.cells.begin(), first.cells.end(), labelColumn);
    if (!labelColumn.empty() && named != first.cells.end()) {
        header = true;
        label = static_cast<size_t>(named - first.cells.begin());
    } else if (isIndex(labelColumn)) {
        label = std::stoul(labelColumn);
        if (label >= columns)
            throwFileError(path, "label column " + labelColumn + " is out of range: line " +
                                     std::to_string(first.line) + " has " +
                                     std::to_string(columns) + " columns (indices 0 to " +
                                     std::to_string(columns - 1) + ")");
    } else if (!labelColumn.empty()) {
        throwFileError(path, "line " + std::to_string(first.line) + " has no column named " +
                                 briefQuote(labelColumn, 40) +
                                 " for the labels (its cells are: " + joined(first.cells) +
                                 "); give the column's name or its 0-based index");
    }
    double v = 0;
    for (size_t c = 0; c < columns && !header; ++c)
        if (c != label && !parseNumber(first.cells[c], v))
            header = true;
    return label;
}

} // namespace

Dataset loadCsv(const std::string &path, const std::string &labelColumn)
{
    const std::vector<Row> rows = readRows(path);
    if (rows.empty())
        throwFileError(path, "is empty: expected a table of numeric feature columns and a label "
                             "column");
    const Row &first = rows.front();
    const size_t columns = first.cells.size();
    if (columns < 2)
        throwFileError(path, "line " + std::to_string(first.line) + " has " +
                                 std::to_string(columns) +
                                 " column: a table needs at least one feature column and a "
                                 "label column, separated by commas");
    bool header = false;
    const size_t labelIndex = findLabelColumn(path, first, labelColumn, header);
    const std::vector<std::string> names = header ? first.cells : std::vector<std::string>{};
    const size_t dataStart = header ? 1 : 0;
    if (rows.size() <= dataStart)
        throwFileError(path, "has a header row (line " + std::to_string(first.line) +
                                 ") but no data rows");

    Dataset data;
    data.name = std::filesystem::path(path).stem().string();
    const int64_t featureCount = static_cast<int64_t>(columns) - 1;
    data.sampleShape = {featureCount};
    if (std::string m =
            memoryShortfall(double(rows.size() - dataStart) * double(featureCount) * sizeof(float),
                            "loading " + std::to_string(rows.size() - dataStart) + " rows of " +
                                std::to_string(featureCount) + " features as floats",
                            "use fewer rows or a machine with more memory");
        !m.empty())
        throwFileError(path, m);
    data.features.reserve((rows.size() - dataStart) * size_t(featureCount));
    std::vector<const std::string *> labelCells;
    labelCells.reserve(rows.size() - dataStart);
    for (size_t r = dataStart; r < rows.size(); ++r) {
        const Row &row = rows[r];
        if (row.cells.size() != columns)
            throwFileError(path, "line " + std::to_string(row.line) + " has " +
                                     std::to_string(row.cells.size()) + " columns but line " +
                                     std::to_string(first.line) + " has " +
                                     std::to_string(columns));
        for (size_t c = 0; c < columns; ++c) {
            if (c == labelIndex)
                continue;
            double v = 0;
            if (!parseNumber(row.cells[c], v))
                throwFileError(path, "line " + std::to_string(row.line) + ", " +
                                         columnLabel(names, c) + ": " + briefQuote(row.cells[c]) +
                                         " is not a number (feature columns must be numeric)");
            data.features.push_back(static_cast<float>(v));
        }
        labelCells.push_back(&row.cells[labelIndex]);
    }

    // Labels: class numbers when all of them are, class names otherwise.
    std::vector<int> numbers(labelCells.size());
    bool allNumbers = true;
    for (size_t i = 0; i < labelCells.size() && allNumbers; ++i)
        allNumbers = isClassNumber(*labelCells[i], numbers[i]);
    if (allNumbers) {
        const int maxLabel = *std::max_element(numbers.begin(), numbers.end());
        data.labels.assign(numbers.begin(), numbers.end());
        data.classNames = internal::genericClassNames(maxLabel + 1);
        return data;
    }
    // A column of numbers that are not all class numbers is a regression target or an id,
    // not classes: say so instead of making a class of every value.
    double v = 0;
    const bool allNumeric = std::all_of(labelCells.begin(), labelCells.end(),
                                        [&](const std::string *c) { return parseNumber(*c, v); });
    if (allNumeric) {
        for (size_t i = 0; i < labelCells.size(); ++i) {
            int n = 0;
            if (!isClassNumber(*labelCells[i], n))
                throwFileError(path, "line " + std::to_string(rows[dataStart + i].line) + ", " +
                                         columnLabel(names, labelIndex) + ": label " +
                                         briefQuote(*labelCells[i]) +
                                         " is not a class: labels must be non-negative "
                                         "integers or class names");
        }
    }
    std::map<std::string, int> classes;
    for (size_t i = 0; i < labelCells.size(); ++i) {
        if (labelCells[i]->empty())
            throwFileError(path, "line " + std::to_string(rows[dataStart + i].line) + ", " +
                                     columnLabel(names, labelIndex) + ": the label is empty");
        classes.emplace(*labelCells[i], 0);
    }
    if (classes.size() > static_cast<size_t>(kMaxClassNumber))
        throwFileError(path, columnLabel(names, labelIndex) + " holds " +
                                 std::to_string(classes.size()) +
                                 " different labels: more classes than Strata trains (at most " +
                                 std::to_string(static_cast<int>(kMaxClassNumber)) +
                                 "); is it the right label column?");
    int next = 0;
    for (auto &[name, index] : classes) {
        index = next++;
        data.classNames.push_back(name);
    }
    data.labels.reserve(labelCells.size());
    for (const std::string *cell : labelCells)
        data.labels.push_back(classes.at(*cell));
    return data;
}

} // namespace strata
