// The layer palette with the full registry: every type is listed once under its category,
// the search field finds types by name, by words of their help and by category (what users
// type: "swish", "MobileNet", "clamp"), and clearing it shows everything again.

#include "ui/palette/layer_palette.h"

#include <strata/layer.h>

#include <QLineEdit>
#include <QTreeWidget>
#include <QtTest>

using namespace strata;
using namespace strata::ui;

class TestLayerPalette : public QObject
{
    Q_OBJECT

private slots:
    void listsEveryTypeOnce()
    {
        LayerPalette palette;
        QStringList registered;
        for (const LayerType *t : LayerRegistry::instance().all())
            registered << QString::fromStdString(t->name);
        QStringList shown = palette.visibleTypes();
        QCOMPARE(shown.size(), registered.size());
        shown.sort();
        registered.sort();
        QCOMPARE(shown, registered);
    }

    void activationsAreOneGroup()
    {
        LayerPalette palette;
        QTreeWidgetItem *group = nullptr;
        for (int g = 0; g < palette.tree()->topLevelItemCount(); ++g)
            if (palette.tree()->topLevelItem(g)->text(0) == "Activation")
                group = palette.tree()->topLevelItem(g);
        QVERIFY(group);
        QStringList names;
        for (int i = 0; i < group->childCount(); ++i)
            names << group->child(i)->text(0);
        for (const char *type : {"ReLU", "ReLU6", "Clip", "ELU", "SiLU", "Hardswish", "Hardsigmoid",
                                 "Softplus", "PReLU", "GELU"})
            QVERIFY2(names.contains(type), type);
    }

    void searchFindsNamesAndHelp_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("includes");
        QTest::addColumn<QStringList>("excludes");
        QTest::newRow("swish") << "swish" << QStringList{"SiLU", "Hardswish"}
                               << QStringList{"ReLU", "Dense"};
        QTest::newRow("MobileNet")
            << "mobilenet" << QStringList{"ReLU6", "Hardswish"} << QStringList{"Softplus"};
        QTest::newRow("clamp") << "clamp" << QStringList{"Clip"} << QStringList{"ReLU"};
        QTest::newRow("hardtanh") << "Hardtanh" << QStringList{"Clip"} << QStringList{"Tanh"};
        QTest::newRow("learned slope")
            << "learned" << QStringList{"PReLU"} << QStringList{"LeakyReLU"};
        QTest::newRow("enlarge") << "enlarge" << QStringList{"ConvTranspose2D", "Upsample"}
                                 << QStringList{"Conv2D", "MaxPool2D"};
        QTest::newRow("category") << "activation" << QStringList{"ReLU", "Softplus", "PReLU"}
                                  << QStringList{"Dense"};
    }
    void searchFindsNamesAndHelp()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, includes);
        QFETCH(QStringList, excludes);
        LayerPalette palette;
        const int all = int(palette.visibleTypes().size());
        palette.searchField()->setText(text);
        const QStringList shown = palette.visibleTypes();
        for (const QString &t : includes)
            QVERIFY2(shown.contains(t), qPrintable(t + " not found by '" + text + "'"));
        for (const QString &t : excludes)
            QVERIFY2(!shown.contains(t), qPrintable(t + " found by '" + text + "'"));
        palette.searchField()->clear();
        QCOMPARE(int(palette.visibleTypes().size()), all);
    }
};

QTEST_MAIN(TestLayerPalette)
#include "test_layer_palette.moc"
