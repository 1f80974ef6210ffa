#pragma once
// Running strata-cli from a test: the binary CTest points at (STRATA_BINARY_DIR), and a run
// that returns the exit code and output. Header-only, so the tests of app/ can use it without
// the engine; example projects come from source_dir.h's examplePath().

#include "source_dir.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace strata::test {

struct CliResult
{
    int code; // the exit code; -1: timed out, -2: crashed
    QString out, err;
};

inline QString cliPath()
{
    return qEnvironmentVariable("STRATA_BINARY_DIR") + "/app/strata-cli";
}

// environment: the child's, when given (else this process's).
inline CliResult runCli(const QStringList &args, int timeoutMs = 300000,
                        const QProcessEnvironment &environment = {})
{
    QProcess p;
    if (!environment.isEmpty())
        p.setProcessEnvironment(environment);
    p.start(cliPath(), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, "timed out"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace strata::test
