#pragma once
// The run's data as the panels that show samples read it (the mistakes gallery, the sample
// picker of Try the model): loaded off the GUI thread, once per (folder, dataset section),
// and shared while any panel holds it (a Fashion-MNIST copy is ~190 MB: never two).

#include "strata/dataset.h"
#include "strata/project.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace strata::ui {

// The dataset of project (paths relative to base), loaded, or the copy a panel still holds.
// Thread-safe; blocks while it loads; throws what loadDataset throws.
std::shared_ptr<const strata::DatasetBundle> loadRunData(const strata::Project &project,
                                                         const std::string &base);

// A sample's values before normalisation (pictures in 0-255): x = (x' * std + mean) / scale,
// per channel.
std::vector<float> unnormalised(const strata::Dataset &data, int64_t index,
                                const strata::Normalization &n);

// True for a sample shape of pictures: C×H×W with 1 (gray) or 3 (RGB) channels.
bool isPictureShape(const strata::Shape &shape);

// A class's name, or its number when the data has no names.
QString className(const std::vector<std::string> &names, int index);

// A table's row as text: its first values, with "…" when there are more.
QString rowText(const std::vector<float> &values, size_t shown = 12);

} // namespace strata::ui
