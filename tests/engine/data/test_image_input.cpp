// Pictures as a model's input: decoding PNG, JPEG and BMP written by stb_image_write, channel
// conversion, bilinear resizing against hand-computed values, the input shapes a picture fits,
// the top classes, a table of malformed files, a damaged JPEG decoding the same whatever the
// heap held, and a Fashion-MNIST test image as a PNG giving exactly the IDX loader's floats.

#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/image_input.h"

#include <stb_image_write.h>

#include <QtTest>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace strata;

namespace {

std::string writeBytes(const QTemporaryDir &dir, const std::string &name, const std::string &bytes)
{
    const std::string path = dir.path().toStdString() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

// A 4x3 RGB picture with distinct values.
Picture8 sample(int channels)
{
    Picture8 p;
    p.width = 4;
    p.height = 3;
    p.channels = channels;
    for (int i = 0; i < p.width * p.height * channels; ++i)
        p.pixels.push_back(static_cast<uint8_t>((i * 37 + 11) % 256));
    return p;
}

} // namespace

class TestImageInput : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void decodesWhatStbWrites_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("tolerance");
        QTest::newRow("png gray") << "png" << 1 << 0;
        QTest::newRow("png rgb") << "png" << 3 << 0;
        QTest::newRow("bmp rgb") << "bmp" << 3 << 0;
        QTest::newRow("jpeg rgb") << "jpg" << 3 << 60; // lossy, on a tiny noisy picture
    }
    void decodesWhatStbWrites()
    {
        QFETCH(QString, format);
        QFETCH(int, channels);
        QFETCH(int, tolerance);
        const Picture8 p = sample(channels);
        const std::string path =
            dir_.path().toStdString() + "/p." + format.toStdString() + std::to_string(channels);
        int ok = 0;
        if (format == "png")
            ok = stbi_write_png(path.c_str(), p.width, p.height, channels, p.pixels.data(),
                                p.width * channels);
        else if (format == "bmp")
            ok = stbi_write_bmp(path.c_str(), p.width, p.height, channels, p.pixels.data());
        else
            ok = stbi_write_jpg(path.c_str(), p.width, p.height, channels, p.pixels.data(), 100);
        QVERIFY(ok);
        const Picture8 read = readPicture(path);
        QCOMPARE(read.width, p.width);
        QCOMPARE(read.height, p.height);
        QCOMPARE(read.channels, channels);
        for (size_t i = 0; i < p.pixels.size(); ++i)
            QVERIFY2(std::abs(int(read.pixels[i]) - int(p.pixels[i])) <= tolerance,
                     qPrintable(QString::number(i)));
    }

    void convertsChannels()
    {
        // Colour to gray by BT.601 luma; gray to colour in all three channels; same size.
        const Picture8 rgb = sample(3);
        const std::vector<float> gray = pictureAsInput(rgb, {1, 3, 4, false});
        QCOMPARE(gray.size(), size_t(12));
        for (int i = 0; i < 12; ++i) {
            const uint8_t *px = &rgb.pixels[size_t(i) * 3];
            QVERIFY(std::fabs(gray[size_t(i)] -
                              (0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2])) < 1e-3f);
        }
        const Picture8 g = sample(1);
        const std::vector<float> colour = pictureAsInput(g, {3, 3, 4, false});
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 12; ++i)
                QCOMPARE(colour[size_t(c * 12 + i)], float(g.pixels[size_t(i)]));
        // RGB stays channel-major: all red values, then green, then blue.
        const std::vector<float> planes = pictureAsInput(rgb, {3, 3, 4, false});
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 12; ++i)
                QCOMPARE(planes[size_t(c * 12 + i)], float(rgb.pixels[size_t(i * 3 + c)]));
    }

    void resizesBilinearly()
    {
        // 2x1 -> 4x1: sampling at output pixel centres (OpenCV's INTER_LINEAR).
        Picture8 p{2, 1, 1, {0, 100}};
        const std::vector<float> up = pictureAsInput(p, {1, 1, 4, false});
        QCOMPARE(up, (std::vector<float>{0, 25, 75, 100}));
        // 4x1 -> 2x1: each output pixel between two inputs.
        Picture8 q{4, 1, 1, {0, 40, 80, 120}};
        QCOMPARE(pictureAsInput(q, {1, 1, 2, false}), (std::vector<float>{20, 100}));
        // 2x2 -> 1x1: the mean.
        Picture8 r{2, 2, 1, {0, 40, 80, 120}};
        QCOMPARE(pictureAsInput(r, {1, 1, 1, false}), (std::vector<float>{60}));
        // Same size: the pixels themselves.
        const Picture8 s = sample(1);
        const std::vector<float> same = pictureAsInput(s, {1, 3, 4, false});
        for (size_t i = 0; i < same.size(); ++i)
            QCOMPARE(same[i], float(s.pixels[i]));
    }

    void shapesAPictureFits_data()
    {
        QTest::addColumn<QList<qint64>>("input");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("side"); // 0: refused
        QTest::newRow("gray image") << QList<qint64>{1, 28, 28} << 1 << 28;
        QTest::newRow("colour image") << QList<qint64>{3, 32, 32} << 3 << 32;
        QTest::newRow("flat 784") << QList<qint64>{784} << 1 << 28;
        QTest::newRow("two features") << QList<qint64>{2} << 0 << 0;
        QTest::newRow("not square") << QList<qint64>{10} << 0 << 0;
        QTest::newRow("two channels") << QList<qint64>{2, 28, 28} << 0 << 0;
        QTest::newRow("empty side") << QList<qint64>{1, 0, 5} << 0 << 0;
        QTest::newRow("huge side") << QList<qint64>{1, 100000, 2} << 0 << 0;
        QTest::newRow("4-d") << QList<qint64>{1, 1, 28, 28} << 0 << 0;
    }
    void shapesAPictureFits()
    {
        QFETCH(QList<qint64>, input);
        QFETCH(int, channels);
        QFETCH(int, side);
        const Shape shape(input.begin(), input.end());
        if (side == 0) {
            try {
                pictureShapeFor(shape);
                QFAIL("a shape a picture cannot fill was accepted");
            } catch (const Error &e) {
                QVERIFY2(std::string(e.what()).find("a picture needs an input") !=
                             std::string::npos,
                         e.what());
            }
            return;
        }
        const PictureShape s = pictureShapeFor(shape);
        QCOMPARE(s.channels, channels);
        QCOMPARE(s.height, side);
        QCOMPARE(s.width, side);
        QCOMPARE(s.flat, input.size() == 1);
    }

    void topClasses()
    {
        const float p[] = {0.1f, 0.5f, 0.1f, 0.3f};
        const auto top = strata::topClasses(p, 4, {"a", "b", "c"}, 3);
        QCOMPARE(top.size(), size_t(3));
        QCOMPARE(top[0].index, 1);
        QCOMPARE(top[0].name, std::string("b"));
        QCOMPARE(top[1].index, 3);
        QCOMPARE(top[1].name, std::string("3")); // no name: its number
        QCOMPARE(top[2].index, 0);               // a tie keeps the lower index first
        QCOMPARE(strata::topClasses(p, 4, {}, 10).size(), size_t(4));
        QVERIFY(strata::topClasses(p, 4, {}, 0).empty());
        // One sigmoid output: two classes.
        const float s[] = {0.8f};
        const auto binary = strata::topClasses(s, 1, {"no", "yes"}, 2);
        QCOMPARE(binary[0].name, std::string("yes"));
        QVERIFY(std::fabs(binary[0].probability - 0.8f) < 1e-6f);
        QVERIFY(std::fabs(binary[1].probability - 0.2f) < 1e-6f);
    }

    void malformedFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        const QByteArray pngMagic("\x89PNG\r\n\x1a\n", 8);
        // A PNG header claiming 20000 x 20000 gray pixels.
        QByteArray huge = pngMagic;
        huge += QByteArray::fromHex("0000000d4948445200004e2000004e200800000000");
        huge += QByteArray(4, '\0');
        // One claiming 100000 x 100000, more than stb_image itself takes.
        QByteArray absurd = pngMagic;
        absurd += QByteArray::fromHex("0000000d49484452000186a0000186a00800000000");
        absurd += QByteArray(4, '\0');
        QTest::newRow("empty") << QByteArray() << "is empty";
        QTest::newRow("text") << QByteArray("hello, not a picture\n") << "not a PNG, JPEG";
        QTest::newRow("a project file") << QByteArray("{\"format_version\": 1}") << "not a PNG";
        QTest::newRow("png magic only") << pngMagic << "not a picture Strata can read";
        QTest::newRow("png header too large") << huge << "more than Strata decodes";
        QTest::newRow("png header absurd") << absurd << "is 100000×100000 pixels, more than";
        QTest::newRow("jpeg start only") << QByteArray("\xff\xd8\xff\xe0", 4) << "picture";
        // A Huffman table of 16 x 32 codes, past the 256 a table holds (stb 2.27 wrote past
        // its tables for it).
        QTest::newRow("jpeg huffman table of 512 codes")
            << QByteArray("\xff\xd8\xff\xc4\x00\x13\x00", 7) + QByteArray(16, '\x20') +
                   QByteArray("\xff\xd9", 2)
            << "bad DHT header";
        // An IDAT claiming 2 GB in a file of 40 bytes (stb_image allocated the claim before
        // reading; found by fuzz_image).
        QByteArray claim = pngMagic;
        claim += QByteArray::fromHex("0000000d494844520000000200000002080200000000000000");
        claim += QByteArray::fromHex("8060000049444154789c1a2a");
        QTest::newRow("png chunk claiming 2 GB") << claim << "a PNG chunk longer than the file";
        QTest::newRow("bmp magic only") << QByteArray("BM") << "picture";
        QTest::newRow("gif magic only") << QByteArray("GIF89a") << "pixels";
    }
    void malformedFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const std::string path =
            writeBytes(dir_, std::string("bad-") + QTest::currentDataTag(), bytes.toStdString());
        try {
            readPicture(path);
            QFAIL("a malformed picture was read");
        } catch (const Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.find(path) != std::string::npos, e.what());
            QVERIFY2(what.find(message.toStdString()) != std::string::npos, e.what());
        }
    }

    // A damaged JPEG whose luma refers to a quantization table the file never defines (found
    // by the image_folder fuzz target): stb_image reads that table from memory it never wrote,
    // so the picture was made of whatever the heap held before, different from one decoding
    // to the next (and on one thread or three). It now decodes the same whatever the heap held.
    void damagedJpegDecodesTheSameWhateverTheHeapHeld()
    {
        std::vector<uint8_t> pixels(16 * 16 * 3);
        for (size_t i = 0; i < pixels.size(); ++i)
            pixels[i] = uint8_t(i * 53 + 7);
        std::string jpeg;
        QVERIFY(stbi_write_jpg_to_func(
            [](void *context, void *data, int size) {
                static_cast<std::string *>(context)->append(static_cast<char *>(data),
                                                            size_t(size));
            },
            &jpeg, 16, 16, 3, pixels.data(), 90));
        // SOF0: FF C0, length (2), precision, height (2), width (2), components, then per
        // component its id, sampling and quantization table; stb writes tables 0 and 1 only.
        const size_t sof = jpeg.find("\xff\xc0");
        QVERIFY(sof != std::string::npos);
        QCOMPARE(int(jpeg[sof + 9]), 3);
        jpeg[sof + 10 + 2] = 2; // the luma's table
        const auto decodeAfter = [&](uint8_t garbage) {
            // Fill and free blocks of the sizes stb's decoder allocates, so that its next
            // allocations start with these bytes rather than zeros.
            std::vector<void *> blocks;
            for (size_t bytes = 256; bytes <= 64 * 1024; bytes += 256) {
                blocks.push_back(std::malloc(bytes));
                std::memset(blocks.back(), garbage, bytes);
            }
            for (void *b : blocks)
                std::free(b);
            return decodePicture(reinterpret_cast<const uint8_t *>(jpeg.data()), jpeg.size(),
                                 "damaged.jpg");
        };
        const Picture8 first = decodeAfter(0x5a), second = decodeAfter(0xa5);
        QCOMPARE(first.width, 16);
        QCOMPARE(first.channels, 3);
        QVERIFY(first.pixels == second.pixels);
    }

    void notFiles()
    {
        QVERIFY_THROWS_EXCEPTION(Error, readPicture(dir_.path().toStdString()));
        QVERIFY_THROWS_EXCEPTION(Error, readPicture(dir_.path().toStdString() + "/none.png"));
        try {
            readPicture("/dev/zero");
            QFAIL("a device was read as a picture");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("not a regular file") != std::string::npos,
                     e.what());
        }
    }

    // Telling a picture from a CSV file by its first bytes, and a folder's pictures by name.
    void looksLikeAPicture()
    {
        const std::string png = writeBytes(dir_, "magic.dat", std::string("\x89PNG\r\n\x1a\n", 8));
        QVERIFY(looksLikePicture(png)); // damaged, but a picture to be reported as such
        QVERIFY(looksLikePicture(writeBytes(dir_, "j", "\xff\xd8\xff\xe0")));
        QVERIFY(looksLikePicture(writeBytes(dir_, "g", "GIF89a")));
        // A BMP's file header and the size of its info header (40: BITMAPINFOHEADER); a table
        // whose first column is BMI starts with "BM" too and is not one.
        QVERIFY(looksLikePicture(
            writeBytes(dir_, "b", std::string("BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18))));
        QVERIFY(!looksLikePicture(writeBytes(dir_, "bmi.dat", "BMI,height,weight\n22,1.8,71\n")));
        QVERIFY(!looksLikePicture(writeBytes(dir_, "rows.png", "0,1\n1,0\n")));
        QVERIFY(!looksLikePicture(writeBytes(dir_, "empty", "")));
        QVERIFY(!looksLikePicture(writeBytes(dir_, "short", "\x89P")));
        QVERIFY(!looksLikePicture(dir_.path().toStdString()));
        QVERIFY(!looksLikePicture(dir_.path().toStdString() + "/none.png"));
        QVERIFY(!looksLikePicture("/dev/zero"));
        for (const char *name : {"a.png", "b.PNG", "dir/c.jpg", "d.JPEG", "e.bmp", "f.Gif"})
            QVERIFY2(hasPictureExtension(name), name);
        for (const char *name : {"notes.txt", "rows.csv", "png", ".png.txt", "a.tiff", "a."})
            QVERIFY2(!hasPictureExtension(name), name);
    }

    // A Fashion-MNIST test image written as a PNG is, as an input, exactly the floats the
    // IDX loader gives for it.
    void fashionMnistPngMatchesIdx()
    {
        const std::string folder = "/usr/share/datasets/fashion-mnist/";
        if (!std::filesystem::exists(folder + "t10k-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        const Dataset test =
            loadIdx(folder + "t10k-images-idx3-ubyte.gz", folder + "t10k-labels-idx1-ubyte.gz");
        QCOMPARE(test.sampleShape, (Shape{1, 28, 28}));
        for (int index : {0, 1, 9999}) {
            std::vector<uint8_t> bytes;
            for (int i = 0; i < 784; ++i)
                bytes.push_back(
                    static_cast<uint8_t>(test.features[size_t(index) * 784 + size_t(i)]));
            const std::string path =
                dir_.path().toStdString() + "/fm" + std::to_string(index) + ".png";
            QVERIFY(stbi_write_png(path.c_str(), 28, 28, 1, bytes.data(), 28));
            const std::vector<float> input =
                pictureAsInput(readPicture(path), pictureShapeFor(test.sampleShape));
            QCOMPARE(input.size(), size_t(784));
            for (size_t i = 0; i < 784; ++i)
                QCOMPARE(input[i], test.features[size_t(index) * 784 + i]);
        }
    }
};

QTEST_GUILESS_MAIN(TestImageInput)
#include "test_image_input.moc"
