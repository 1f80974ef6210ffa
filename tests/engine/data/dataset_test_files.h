#pragma once
// Building small dataset files at test time (IDX, CIFAR-10, gzip) so that no binary test data
// is committed. Shared by the tests in this folder.

#include "strata/errors.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <functional>
#include <string>
#include <vector>

namespace strata::testdata {

inline QByteArray be32(quint32 v)
{
    QByteArray b(4, '\0');
    b[0] = char(v >> 24);
    b[1] = char(v >> 16);
    b[2] = char(v >> 8);
    b[3] = char(v);
    return b;
}

// An IDX file of unsigned bytes: magic 0x000008<dims.size()>, the dims, the payload.
inline QByteArray idx(const std::vector<quint32> &dims, const QByteArray &payload)
{
    QByteArray b = be32(0x0800u | quint32(dims.size()));
    for (quint32 d : dims)
        b += be32(d);
    return b + payload;
}

// count images of rows×cols with pixel i of the whole payload = (i * 7 + 3) % 256.
inline QByteArray idxImages(quint32 count, quint32 rows, quint32 cols)
{
    QByteArray pixels;
    for (quint32 i = 0; i < count * rows * cols; ++i)
        pixels += char((i * 7 + 3) % 256);
    return idx({count, rows, cols}, pixels);
}

inline QByteArray idxLabels(const std::vector<int> &labels)
{
    QByteArray b;
    for (int l : labels)
        b += char(l);
    return idx({quint32(labels.size())}, b);
}

// gzip-compresses data the way gzip(1) does (deflate with a gzip header and trailer).
inline QByteArray gzip(const QByteArray &data)
{
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(int(deflateBound(&z, uLong(data.size()))), '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(int(z.total_out));
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : QByteArray();
}

inline std::string writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write test file %s", qPrintable(path));
    return path.toStdString();
}

// Runs f, which must throw DatasetError; returns its message ("" and a test failure if not).
inline QString datasetErrorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const DatasetError &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace strata::testdata
