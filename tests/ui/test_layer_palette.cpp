// The layer palette with the full registry: every type is listed once under its category,
// the search field finds types by name, by words of their help and by category (what users
// type: "swish", "MobileNet", "clamp"), and clearing it shows everything again; folded
// groups, pinned layers and one-line rows are remembered, and a search unfolds what it finds.

#include "ui/palette/layer_palette.h"
#include "ui/studio_settings.h"

#include <strata/layer.h>

#include <QLineEdit>
#include <QMenu>
#include <QTreeWidget>
#include <QtTest>

using namespace strata;
using namespace strata::ui;

class TestLayerPalette : public QObject
{
    Q_OBJECT

    static QTreeWidgetItem *group(const LayerPalette &palette, const QString &name)
    {
        for (int g = 0; g < palette.tree()->topLevelItemCount(); ++g)
            if (palette.tree()->topLevelItem(g)->text(0) == name)
                return palette.tree()->topLevelItem(g);
        return nullptr;
    }

private slots:
    void init()
    {
        QSettings settings = studioSettings();
        settings.remove(QStringLiteral("palette"));
    }

    void foldedGroupsAreRemembered()
    {
        {
            LayerPalette palette;
            palette.resize(260, 600);
            palette.show();
            QVERIFY(QTest::qWaitForWindowExposed(&palette));
            QTreeWidgetItem *activation = group(palette, "Activation");
            palette.tree()->scrollToItem(activation);
            QVERIFY(activation && activation->isExpanded());
            // A click on the header folds it, another unfolds it.
            QTest::mouseClick(palette.tree()->viewport(), Qt::LeftButton, {},
                              palette.tree()->visualItemRect(activation).center());
            QVERIFY(!activation->isExpanded());
            QVERIFY(palette.isFolded("Activation"));
            QTest::mouseClick(palette.tree()->viewport(), Qt::LeftButton, {},
                              palette.tree()->visualItemRect(activation).center());
            QVERIFY(activation->isExpanded());
            QTest::mouseClick(palette.tree()->viewport(), Qt::LeftButton, {},
                              palette.tree()->visualItemRect(activation).center());
            palette.setFolded("Pooling", true);
        }
        LayerPalette again;
        QVERIFY(!group(again, "Activation")->isExpanded());
        QVERIFY(!group(again, "Pooling")->isExpanded());
        QVERIFY(group(again, "Core")->isExpanded());
        // Folded or not, its layers still count as listed.
        QVERIFY(again.visibleTypes().contains("ReLU"));

        // A search unfolds the groups it finds something in, without remembering it; clearing
        // it folds them again.
        again.searchField()->setText("relu");
        QVERIFY(group(again, "Activation")->isExpanded());
        QVERIFY(group(again, "Pooling")->isHidden());
        again.searchField()->clear();
        QVERIFY(!group(again, "Activation")->isExpanded());
        QVERIFY(again.isFolded("Activation"));
        QMenu *menu = again.contextMenu(nullptr);
        for (QAction *a : menu->actions())
            if (a->text() == "Unfold all groups")
                a->trigger();
        QVERIFY(group(again, "Activation")->isExpanded());
        QVERIFY(!again.isFolded("Pooling"));
    }

    void pinnedLayersComeFirst()
    {
        {
            LayerPalette palette;
            QVERIFY(!group(palette, LayerPalette::pinnedCategory()));
            QTreeWidgetItem *conv =
                palette.tree()->findItems("Conv2D", Qt::MatchExactly | Qt::MatchRecursive).value(0);
            QVERIFY(conv);
            QMenu *menu = palette.contextMenu(conv);
            QCOMPARE(menu->actions().value(0)->text(), QString("Pin Conv2D to the top"));
            menu->actions().value(0)->trigger();
            palette.setPinned("ReLU", true);
            palette.setPinned("NoSuchLayer", true); // kept in the list, not shown
        }
        LayerPalette again;
        QTreeWidgetItem *pinned = again.tree()->topLevelItem(0);
        QCOMPARE(pinned->text(0), LayerPalette::pinnedCategory());
        QCOMPARE(pinned->childCount(), 2);
        QCOMPARE(pinned->child(0)->text(0), QString("Conv2D"));
        QCOMPARE(pinned->child(1)->text(0), QString("ReLU"));
        QCOMPARE(again.visibleTypes().count("Conv2D"), 1); // listed once under its category
        QMenu *menu = again.contextMenu(pinned->child(0));
        QCOMPARE(menu->actions().value(0)->text(), QString("Unpin Conv2D"));
        menu->actions().value(0)->trigger();
        QCOMPARE(again.tree()->topLevelItem(0)->childCount(), 1);
        again.setPinned("ReLU", false);
        again.setPinned("NoSuchLayer", false);
        QVERIFY(!group(again, LayerPalette::pinnedCategory()));
    }

    void descriptionsCanBeTurnedOff()
    {
        int twoLines = 0;
        {
            LayerPalette palette;
            palette.resize(260, 600);
            palette.show();
            QVERIFY(QTest::qWaitForWindowExposed(&palette));
            QTreeWidgetItem *dense =
                palette.tree()->findItems("Dense", Qt::MatchExactly | Qt::MatchRecursive).value(0);
            twoLines = palette.tree()->visualItemRect(dense).height();
            QVERIFY(palette.showsDescriptions());
            palette.setShowDescriptions(false);
            QTRY_VERIFY(palette.tree()->visualItemRect(dense).height() < twoLines * 3 / 4);
        }
        LayerPalette again;
        QVERIFY(!again.showsDescriptions());
    }

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
