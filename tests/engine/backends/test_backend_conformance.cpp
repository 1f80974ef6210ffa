// Backend conformance: every available backend against the reference, op by op (the checks
// and their tolerances are in tests/support/backend_conformance.h). The CPU backend always
// runs; the CUDA rows run when createBackend("cuda") succeeds and are skipped with the
// reason otherwise.

#include "backend_conformance.h"
#include "strata/layer.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

class TestBackendConformance : public QObject
{
    Q_OBJECT

private slots:
    void conforms_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("check");
        const auto checks = conformanceChecks();
        for (const char *backend : {"cpu", "cuda"})
            for (size_t i = 0; i < checks.size(); ++i)
                QTest::newRow(
                    qPrintable(QString(backend) + ": " + QString::fromStdString(checks[i].name)))
                    << QString(backend) << int(i);
    }

    void conforms()
    {
        QFETCH(QString, backend);
        QFETCH(int, check);
        std::string why;
        auto b = tryCreateBackend(backend.toStdString(), &why);
        if (!b)
            QSKIP(qPrintable("no " + backend + " backend here: " + QString::fromStdString(why)));
        const std::string problem = conformanceChecks()[static_cast<size_t>(check)].run(*b);
        QVERIFY2(problem.empty(), problem.c_str());
    }

    // A new layer type cannot skip the conformance suite: each registered type needs an op
    // case in opCases() (tests/support/backend_conformance.cpp).
    void everyLayerTypeHasACase()
    {
        const std::set<std::string> covered = conformanceLayerTypes();
        for (const LayerType *type : LayerRegistry::instance().all())
            QVERIFY2(
                covered.contains(type->name),
                qPrintable(QString::fromStdString(type->name) +
                           " has no case in opCases() (tests/support/backend_conformance.cpp)"));
    }

    // Asking for a GPU that is not there is a clear BackendError, never a crash, and the
    // device list says why CUDA cannot be used.
    void missingGpuIsExplained()
    {
        int gpus = 0;
        QString why;
        for (const DeviceInfo &d : listDevices()) {
            if (d.id.rfind("cuda", 0) != 0)
                continue;
            if (d.available)
                ++gpus;
            else
                why = QString::fromStdString(d.whyUnavailable);
        }
        if (gpus == 0)
            QVERIFY2(
                why.contains("built without CUDA") || why.contains("no NVIDIA GPU") ||
                    why.contains("compute capability"),
                qPrintable("listDevices() must say why CUDA is unavailable, not '" + why + "'"));
        if (gpus >= 8)
            QSKIP("this machine has a cuda:7");
        try {
            createBackend("cuda:7");
            QFAIL("createBackend(\"cuda:7\") succeeded");
        } catch (const BackendError &e) {
            const QString message = e.what();
            QVERIFY2(message.contains("cuda:7") && message.contains("--device cpu"),
                     qPrintable(message));
        }
        QVERIFY_THROWS_EXCEPTION(BackendError, createBackend("cuda:x"));
    }
};

QTEST_GUILESS_MAIN(TestBackendConformance)
#include "test_backend_conformance.moc"
