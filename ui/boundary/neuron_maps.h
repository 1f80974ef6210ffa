#pragma once
// Neuron maps: each hidden unit's activation over the decision boundary's grid as a small
// picture, grouped by layer (Playground's neuron pictures). Hovering a picture shows it
// enlarged beside the pointer.

#include <QImage>
#include <QString>
#include <QWidget>

#include <vector>

class QLabel;
class QVBoxLayout;

namespace strata::ui {

class NeuronMaps : public QWidget
{
    Q_OBJECT

public:
    explicit NeuronMaps(QWidget *parent = nullptr);

    // One group per layer: its name and its units' pictures. Rebuilds the thumbnails only
    // when the layers or their unit counts changed; otherwise swaps the pictures.
    void setMaps(const std::vector<QString> &layers, const std::vector<std::vector<QImage>> &maps);
    void clear();
    // How many unit pictures are shown.
    int mapCount() const;
    // The thumbnail of a unit (for tests), or nullptr.
    QLabel *thumbnail(int layer, int unit) const;

    static constexpr int kThumbnailSide = 40;
    static constexpr int kEnlargedSide = 220;

private:
    QVBoxLayout *groups_ = nullptr;
    std::vector<QString> layers_;
    std::vector<std::vector<QLabel *>> thumbnails_;
};

} // namespace strata::ui
