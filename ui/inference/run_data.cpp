#include "ui/inference/run_data.h"

#include <QStringList>

#include <algorithm>
#include <mutex>

namespace strata::ui {

std::shared_ptr<const strata::DatasetBundle> loadRunData(const strata::Project &project,
                                                         const std::string &base)
{
    // The last data loaded, while some panel holds it. One lock for the load too: two panels
    // asking at once wait for one load instead of making two copies.
    static std::mutex mutex;
    static std::string lastKey;
    static std::weak_ptr<const strata::DatasetBundle> last;
    const std::string key = base + "\n" + strata::toJson(project.dataset).dump();
    std::lock_guard lock(mutex);
    if (key == lastKey)
        if (auto held = last.lock())
            return held;
    auto data =
        std::make_shared<const strata::DatasetBundle>(strata::loadDataset(project.dataset, base));
    lastKey = key;
    last = data;
    return data;
}

std::vector<float> unnormalised(const strata::Dataset &data, int64_t index,
                                const strata::Normalization &n)
{
    const int64_t per = data.sampleSize();
    std::vector<float> v(data.features.begin() + ptrdiff_t(index * per),
                         data.features.begin() + ptrdiff_t((index + 1) * per));
    const size_t channels = std::max<size_t>({n.mean.size(), n.std.size(), 1});
    const size_t plane = channels > 1 ? size_t(per) / channels : size_t(per);
    for (size_t i = 0; i < v.size(); ++i) {
        const size_t c = std::min(i / std::max<size_t>(plane, 1), channels - 1);
        const float mean = n.mean.empty() ? 0 : n.mean[n.mean.size() == 1 ? 0 : c];
        const float std = n.std.empty() ? 1 : n.std[n.std.size() == 1 ? 0 : c];
        v[i] = (v[i] * std + mean) / (n.scale != 0 ? n.scale : 1);
    }
    return v;
}

bool isPictureShape(const strata::Shape &s)
{
    return s.size() == 3 && (s[0] == 1 || s[0] == 3);
}

QString className(const std::vector<std::string> &names, int index)
{
    return size_t(index) < names.size() ? QString::fromStdString(names[size_t(index)])
                                        : QString::number(index);
}

QString rowText(const std::vector<float> &values, size_t shown)
{
    QStringList text;
    for (size_t i = 0; i < values.size() && i < shown; ++i)
        text << QString::number(double(values[i]), 'g', 4);
    if (values.size() > shown)
        text << QStringLiteral("…");
    return text.join(QStringLiteral(", "));
}

} // namespace strata::ui
