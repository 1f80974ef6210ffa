// parseJsonText: the limits every JSON file Strata reads is held to (nesting depth, duplicate
// keys, numbers out of range, bounded quotes in messages), and briefJson/briefQuote, which
// quote user values in messages without recursion and without echoing megabytes.

#include "io/json_text.h"

#include <QtTest>

#include <string>

using namespace strata::internal;
using nlohmann::json;

namespace {

std::string nested(int depth, char open, char close, const std::string &inner = "1")
{
    std::string text;
    for (int i = 0; i < depth; ++i)
        text += open == '{' ? std::string("{\"a\":") : std::string(1, open);
    text += inner;
    text.append(static_cast<std::size_t>(depth), close);
    return text;
}

// The message of the JsonTextError `text` raises; fails the test when it parses.
QString errorOf(const std::string &text)
{
    try {
        parseJsonText(text, "in.json");
    } catch (const JsonTextError &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestJsonText : public QObject
{
    Q_OBJECT

private slots:
    void parsesOrdinaryJson()
    {
        json j = parseJsonText(R"({"a": [1, 2.5, "x", {"b": null}], "c": true})", "in.json");
        QCOMPARE(j["a"][1].get<double>(), 2.5);
        QVERIFY(j["a"][3]["b"].is_null());
        QVERIFY(j["c"].get<bool>());
    }

    void nestingUpToTheLimitIsAccepted()
    {
        json j = parseJsonText(nested(kMaxJsonDepth, '[', ']'), "in.json");
        QVERIFY(j.is_array());
    }

    void nestingBeyondTheLimitIsRefused_data()
    {
        QTest::addColumn<int>("depth");
        QTest::addColumn<char>("open");
        QTest::addColumn<char>("close");
        QTest::newRow("arrays, one too deep") << kMaxJsonDepth + 1 << '[' << ']';
        QTest::newRow("arrays, 200,000") << 200000 << '[' << ']';
        QTest::newRow("objects, 200,000") << 200000 << '{' << '}';
    }
    void nestingBeyondTheLimitIsRefused()
    {
        QFETCH(int, depth);
        QFETCH(char, open);
        QFETCH(char, close);
        QString message = errorOf(nested(depth, open, close));
        QVERIFY2(message.startsWith("in.json: at /"), qPrintable(message));
        QVERIFY2(message.contains("deeper than 200 levels"), qPrintable(message));
        // The path shows its first and last levels: one readable line, not 200 levels of /0.
        QVERIFY2(message.size() < 300, qPrintable(message));
        QVERIFY2(message.contains("levels)…/"), qPrintable(message));
    }

    void unclosedDeepNestingIsRefusedToo()
    {
        // Nothing ever closes: the parser must not recurse or keep going.
        QString message = errorOf(std::string(300000, '['));
        QVERIFY2(message.contains("deeper than"), qPrintable(message));
    }

    void duplicateKeysAreRefusedWithTheirPath()
    {
        QString message = errorOf("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}");
        QVERIFY2(message.contains("/b/c"), qPrintable(message));
        QVERIFY2(message.contains("'c' appears twice"), qPrintable(message));
        // The same key in two different objects is fine.
        QVERIFY(parseJsonText(R"([{"c": 1}, {"c": 2}])", "in.json").is_array());
    }

    void syntaxErrorsGiveLineAndColumnAndABoundedQuote()
    {
        QString message = errorOf("{\n  \"a\": tru\n}");
        QVERIFY2(message.startsWith("in.json: line 2"), qPrintable(message));
        QVERIFY2(message.contains("not valid JSON"), qPrintable(message));
        QVERIFY2(!message.contains("json.exception"), qPrintable(message));

        // An unterminated 1 MB string: the message quotes a short prefix only.
        std::string huge = "{\"a\": \"" + std::string(1 << 20, 'x');
        message = errorOf(huge);
        QVERIFY2(message.size() < 400, qPrintable(message.left(400)));
    }

    void numbersOutOfRangeNameTheirLine()
    {
        QString message = errorOf("{\n\"a\": 1,\n\"b\": 1e400}");
        QVERIFY2(message.startsWith("in.json: line 3, column 6"), qPrintable(message));
        QVERIFY2(message.contains("1e400"), qPrintable(message));
        QVERIFY2(message.contains("too large"), qPrintable(message));
    }

    void briefJsonIsBoundedAndNeverRecursive()
    {
        QCOMPARE(briefJson(json{{"a", 1}, {"b", {1, 2}}}), std::string(R"({"a":1,"b":[1,2]})"));
        QCOMPARE(briefJson(json("text")), std::string("\"text\""));

        // A value far deeper than any file may be, built in code without recursion.
        json deep = json::array();
        json *at = &deep;
        for (int i = 0; i < 100000; ++i) {
            at->push_back(json::array());
            at = &at->back();
        }
        std::string brief = briefJson(deep, 60);
        QVERIFY(brief.size() <= 60 + std::string("…").size());
        QVERIFY(brief.ends_with("…"));

        std::string bigString(50'000'000, 'y');
        brief = briefJson(json{{"cell", bigString}}, 60);
        QVERIFY(brief.size() <= 60 + std::string("…").size());
    }

    void briefQuoteCutsLongTextAndControlCharacters()
    {
        QCOMPARE(briefQuote("abc"), std::string("'abc'"));
        QCOMPARE(briefQuote("a\nb\tc"), std::string("'a b c'"));
        QCOMPARE(briefQuote(std::string(100, 'z'), 5), std::string("'zzzzz'…"));
        // Never cuts inside a UTF-8 sequence ("é" is two bytes).
        QCOMPARE(briefQuote("aé", 2), std::string("'a'…"));
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "test_json_text.moc"
