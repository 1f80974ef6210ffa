// safetensors: round trip, byte-exact files in both directions, and a malformed-input table
// where every row must fail with a message naming the file and what was expected.

#include "strata/safetensors.h"

#include <QtTest>

#include <cstring>

using namespace strata;

namespace {

// The 8-byte little-endian length, then the header, then the data.
QByteArray withLength(quint64 length, const QByteArray &rest)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = char((length >> (8 * i)) & 0xff);
    return bytes + rest;
}

QByteArray fileOf(const QByteArray &header, const QByteArray &data = {})
{
    return withLength(quint64(header.size()), header + data);
}

template <typename T> QByteArray bytesOf(std::initializer_list<T> values)
{
    QByteArray bytes;
    for (T v : values) {
        char raw[sizeof(T)];
        std::memcpy(raw, &v, sizeof(T));
        bytes.append(raw, sizeof(T));
    }
    return bytes;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSafetensors : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString path(const char *name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTrip()
    {
        std::vector<float> many(1000);
        for (size_t i = 0; i < many.size(); ++i)
            many[i] = float(i) * 0.37f - 100.0f;
        const std::vector<std::pair<std::string, Tensor>> tensors{
            {"conv1.weight", Tensor::fromVector({2, 1, 3}, {1, -2, 3.5f, 0, 1e-30f, -7})},
            {"conv1.bias", Tensor::fromVector({2}, {0.25f, -0.125f})},
            {"fc.weight", Tensor::fromVector({10, 100}, many)},
            {"step", Tensor::fromVector({}, {42})},
            {"empty", Tensor(Shape{0, 4})},
        };
        const std::map<std::string, std::string> metadata{{"format", "pt"}, {"strata_epoch", "3"}};
        const std::string file = path("round.safetensors").toStdString();
        writeSafetensors(file, tensors, metadata);
        QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));
        // The header (with its padding) ends on an 8-byte boundary.
        const QByteArray bytes = readFile(QString::fromStdString(file));
        quint64 headerBytes = 0;
        std::memcpy(&headerBytes, bytes.constData(), 8);
        QCOMPARE(headerBytes % 8, quint64(0));

        const SafetensorsFile back = readSafetensors(file);
        QCOMPARE(back.metadata, metadata);
        QCOMPARE(back.tensors.size(), tensors.size());
        for (size_t i = 0; i < tensors.size(); ++i) {
            QCOMPARE(back.tensors[i].first, tensors[i].first); // file order kept
            QCOMPARE(back.tensors[i].second.shape(), tensors[i].second.shape());
            QCOMPARE(back.tensors[i].second.toVector(), tensors[i].second.toVector());
        }

        // Writing again replaces the file.
        writeSafetensors(file, {{"only", Tensor::fromVector({1}, {9})}}, {});
        const SafetensorsFile replaced = readSafetensors(file);
        QCOMPARE(replaced.tensors.size(), size_t(1));
        QVERIFY(replaced.metadata.empty());
    }

    void writerBytesAreExact()
    {
        // What PyTorch tooling expects, byte for byte: length, compact JSON header with the
        // metadata first, spaces up to a multiple of 8, then the little-endian floats.
        const std::string file = path("exact.safetensors").toStdString();
        writeSafetensors(file, {{"x", Tensor::fromVector({2}, {1.0f, 2.0f})}}, {{"format", "pt"}});
        QByteArray header = R"({"__metadata__":{"format":"pt"},)"
                            R"("x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        header.append((8 - header.size() % 8) % 8, ' ');
        QCOMPARE(readFile(QString::fromStdString(file)),
                 fileOf(header, bytesOf<float>({1.0f, 2.0f})));
    }

    void readsHandBuiltFile()
    {
        // Keys out of file order and no padding (both allowed); every supported conversion.
        const QByteArray header = R"({"i":{"dtype":"I64","shape":[1],"data_offsets":[32,40]},)"
                                  R"("w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                                  R"("h":{"dtype":"F16","shape":[3],"data_offsets":[16,22]},)"
                                  R"("b":{"dtype":"BF16","shape":[1],"data_offsets":[22,24]},)"
                                  R"("d":{"dtype":"F64","shape":[],"data_offsets":[24,32]},)"
                                  R"("__metadata__":{"source":"hand"}})";
        // F16: 1.5 = 0x3E00, -0.25 = 0xB400, the smallest subnormal 0x0001 = 2^-24.
        // BF16: -2.0 = 0xC000 (the top half of the float's bits).
        const QByteArray data =
            bytesOf<float>({1.0f, -2.0f, 0.5f, 3.0f}) + bytesOf<quint16>({0x3E00, 0xB400, 0x0001}) +
            bytesOf<quint16>({0xC000}) + bytesOf<double>({0.1}) + bytesOf<qint64>({-7});
        const QString file = path("hand.safetensors");
        writeFile(file, fileOf(header, data));
        const SafetensorsFile f = readSafetensors(file.toStdString());
        QCOMPARE(f.metadata.at("source"), std::string("hand"));
        QStringList names;
        for (const auto &[name, t] : f.tensors)
            names << QString::fromStdString(name);
        QCOMPARE(names, QStringList({"w", "h", "b", "d", "i"})); // by data offset
        QCOMPARE(f.tensors[0].second.shape(), Shape({2, 2}));
        QCOMPARE(f.tensors[0].second.toVector(), std::vector<float>({1, -2, 0.5f, 3}));
        QCOMPARE(f.tensors[1].second.toVector(),
                 std::vector<float>({1.5f, -0.25f, std::ldexp(1.0f, -24)}));
        QCOMPARE(f.tensors[2].second.toVector(), std::vector<float>({-2.0f}));
        QCOMPARE(f.tensors[3].second.shape(), Shape{});
        QCOMPARE(f.tensors[3].second.toVector(), std::vector<float>({0.1f}));
        QCOMPARE(f.tensors[4].second.toVector(), std::vector<float>({-7.0f}));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");
        const QByteArray four(4, '\0'), eight(8, '\0'), twelve(12, '\0');
        auto one = [](const QByteArray &entry) { return R"({"a":)" + entry + "}"; };

        QTest::newRow("empty file") << QByteArray() << "has 0 bytes; expected at least 8";
        QTest::newRow("7 bytes") << QByteArray(7, '\0') << "has 7 bytes";
        QTest::newRow("header past the end")
            << withLength(1000, "{}") << "header length 1000 at offset 0 is larger than the 2";
        QTest::newRow("header over 100 MB") << withLength(200000000, "{}") << "100 MB limit";
        QTest::newRow("not JSON") << fileOf(R"({"a": )") << "not valid JSON";
        QTest::newRow("nested 200,000 deep")
            << fileOf("{\"a\": " + QByteArray(200000, '[') + QByteArray(200000, ']') + "}")
            << "nests deeper than 200 levels";
        QTest::newRow("a tensor named twice")
            << fileOf(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
                      R"( "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
                      QByteArray(8, '\0'))
            << "the key 'a' appears twice";
        QTest::newRow("a 1 MB tensor name, quoted briefly")
            << fileOf("{\"" + QByteArray(1 << 20, 'n') + "\": 5}") << "tensor 'nnnnnnnn";
        QTest::newRow("not an object")
            << fileOf("[1, 2]") << "the header is a JSON array; expected an object of tensors";
        QTest::newRow("entry not an object")
            << fileOf(one("3")) << "tensor 'a': expected an object with dtype, shape and";
        QTest::newRow("no dtype") << fileOf(one(R"({"shape":[1],"data_offsets":[0,4]})"), four)
                                  << R"(tensor 'a': missing "dtype")";
        QTest::newRow("no shape") << fileOf(one(R"({"dtype":"F32","data_offsets":[0,4]})"), four)
                                  << R"(missing "shape")";
        QTest::newRow("no data_offsets")
            << fileOf(one(R"({"dtype":"F32","shape":[1]})"), four) << R"(missing "data_offsets")";
        QTest::newRow("unsupported dtype")
            << fileOf(one(R"({"dtype":"C64","shape":[1],"data_offsets":[0,8]})"), eight)
            << R"(unsupported dtype "C64"; expected one of F32, F64)";
        QTest::newRow("dtype not a string")
            << fileOf(one(R"({"dtype":4,"shape":[1],"data_offsets":[0,4]})"), four)
            << "unsupported dtype 4";
        QTest::newRow("negative dim")
            << fileOf(one(R"({"dtype":"F32","shape":[-1,2],"data_offsets":[0,4]})"), four)
            << "expected a shape of integers >= 0 but found [-1,2]";
        QTest::newRow("fractional dim")
            << fileOf(one(R"({"dtype":"F32","shape":[1.5],"data_offsets":[0,4]})"), four)
            << "expected a shape of integers >= 0 but found [1.5]";
        QTest::newRow("shape not an array")
            << fileOf(one(R"({"dtype":"F32","shape":"1","data_offsets":[0,4]})"), four)
            << "expected a shape of integers >= 0";
        QTest::newRow("shape overflows")
            << fileOf(one(R"({"dtype":"F32","shape":[4294967296,4294967296,4],)"
                          R"("data_offsets":[0,4]})"),
                      four)
            << "has too many elements";
        QTest::newRow("offsets past the data")
            << fileOf(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})"), four)
            << "data_offsets [0,8] run past the end of the data (4 bytes";
        QTest::newRow("offsets reversed")
            << fileOf(one(R"({"dtype":"F32","shape":[1],"data_offsets":[4,0]})"), four)
            << "expected data_offsets [begin, end] with 0 <= begin <= end but found [4,0]";
        QTest::newRow("one offset")
            << fileOf(one(R"({"dtype":"F32","shape":[1],"data_offsets":[4]})"), four)
            << "expected data_offsets [begin, end]";
        QTest::newRow("negative offset")
            << fileOf(one(R"({"dtype":"F32","shape":[1],"data_offsets":[-4,0]})"), four)
            << "expected data_offsets [begin, end]";
        QTest::newRow("size does not match shape")
            << fileOf(one(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})"), eight)
            << "data_offsets [0,8] hold 8 bytes but shape [3] of F32 needs 12";
        QTest::newRow("size does not match dtype")
            << fileOf(one(R"({"dtype":"F64","shape":[1],"data_offsets":[0,4]})"), four)
            << "shape [1] of F64 needs 8";
        QTest::newRow("overlap") << fileOf(
                                        R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                        twelve)
                                 << "tensors 'a' and 'b' overlap";
        QTest::newRow("gap") << fileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                       R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                                       twelve)
                             << "data bytes 4 to 8 before tensor 'b' belong to no tensor";
        QTest::newRow("trailing data")
            << fileOf(one(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})"), eight)
            << "the tensors cover 4 of the 8 data bytes";
        QTest::newRow("metadata not an object")
            << fileOf(R"({"__metadata__":[1]})") << "__metadata__ is [1]; expected an object";
        QTest::newRow("metadata value not a string")
            << fileOf(R"({"__metadata__":{"epoch":3}})")
            << "__metadata__ 'epoch' is 3; expected a string";
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        const QString file = path("malformed.safetensors");
        writeFile(file, bytes);
        try {
            readSafetensors(file.toStdString());
            QFAIL("expected a SafetensorsError");
        } catch (const SafetensorsError &e) {
            const QString message = QString::fromUtf8(e.what());
            QCOMPARE(QString::fromStdString(e.file()), file);
            QVERIFY2(message.contains("malformed.safetensors"), qPrintable(message));
            QVERIFY2(message.contains(fragment), qPrintable(message));
        }
    }

    void missingFile()
    {
        const std::string file = path("absent.safetensors").toStdString();
        try {
            readSafetensors(file);
            QFAIL("expected a SafetensorsError");
        } catch (const SafetensorsError &e) {
            QVERIFY2(QString(e.what()).contains("absent.safetensors: cannot open the file"),
                     e.what());
        }
    }

    void writeErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::addColumn<bool>("defined");
        QTest::addColumn<QString>("fragment");
        const QString ok = dir_.filePath("w.safetensors");
        QTest::newRow("duplicate name") << ok << "a"
                                        << "a" << true
                                        << "cannot write a tensor "
                                           "named 'a'";
        QTest::newRow("reserved name") << ok << "a"
                                       << "__metadata__" << true << "named '__metadata__'";
        QTest::newRow("undefined tensor") << ok << "a"
                                          << "b" << false << "tensor 'b' is not a host tensor";
        QTest::newRow("missing folder") << dir_.filePath("no/such/dir/w.safetensors") << "a"
                                        << "b" << true << "cannot create";
    }
    void writeErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, first);
        QFETCH(QString, second);
        QFETCH(bool, defined);
        QFETCH(QString, fragment);
        const std::vector<std::pair<std::string, Tensor>> tensors{
            {first.toStdString(), Tensor({1})},
            {second.toStdString(), defined ? Tensor({2}) : Tensor()}};
        try {
            writeSafetensors(file.toStdString(), tensors, {});
            QFAIL("expected a SafetensorsError");
        } catch (const SafetensorsError &e) {
            QVERIFY2(QString(e.what()).startsWith(file + ": "), e.what());
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
        QVERIFY(!QFile::exists(file));
        QVERIFY(!QFile::exists(file + ".tmp"));
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
