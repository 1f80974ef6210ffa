// JsonObjectReader: the one rule set every project and spec reader follows, as a table of
// values, what they read as, and the message a refusal gives.

#include "io/json_reader.h"

#include <QtTest>

#include <cstdint>

using namespace strata;
using internal::JsonObjectReader;
using json = nlohmann::json;

namespace {

// Reads key "v" of text as field kind; returns what it read as text, or the error message.
std::string readAs(const QString &kind, const std::string &text)
{
    const json j = json::parse(text);
    try {
        JsonObjectReader r(j, "/spec", "f.strata");
        std::string out;
        if (kind == "int") {
            int v = -99;
            r.integer("v", v);
            out = std::to_string(v);
        } else if (kind == "int 1..10") {
            int v = -99;
            r.integer("v", v, 1, 10);
            out = std::to_string(v);
        } else if (kind == "uint64") {
            uint64_t v = 99;
            r.integer("v", v);
            out = std::to_string(v);
        } else if (kind == "uint32") {
            uint32_t v = 99;
            r.integer("v", v);
            out = std::to_string(v);
        } else if (kind == "int64 >= 0") {
            int64_t v = -99;
            r.integer("v", v, 0);
            out = std::to_string(v);
        } else if (kind == "number") {
            double v = -99;
            r.number("v", v);
            out = std::to_string(v);
        } else if (kind == "number [0, 1)") {
            double v = -99;
            r.number("v", v, {0, 1, false, true});
            out = std::to_string(v);
        } else if (kind == "bool") {
            bool v = false;
            r.boolean("v", v);
            out = v ? std::string("true") : std::string("false");
        } else if (kind == "string") {
            r.string("v", out);
        } else if (kind == "choice") {
            std::string choice("a");
            r.choice("v", choice, {"a", "b"});
            out = choice;
        } else if (kind == "strings") {
            std::vector<std::string> v;
            r.strings("v", v);
            for (const auto &s : v)
                out += s + ";";
        }
        r.finish();
        return out;
    } catch (const ProjectError &e) {
        return std::string("error: ") + e.what();
    }
}

} // namespace

class TestJsonReader : public QObject
{
    Q_OBJECT

private slots:
    void table_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("result");
        const QString e = "error: f.strata: /spec/v: ";
        auto row = [](const char *name, const char *kind, const char *text, QString result) {
            QTest::newRow(name) << kind << text << result;
        };
        // Integers: integral JSON numbers only, 10.0 reads as 10, within the field's range.
        row("int", "int", R"({"v": 7})", "7");
        row("int absent keeps default", "int", R"({})", "-99");
        row("int negative", "int", R"({"v": -3})", "-3");
        row("int 10.0 is 10", "int", R"({"v": 10.0})", "10");
        row("int 1e3 is 1000", "int", R"({"v": 1e3})", "1000");
        row("int 10.5", "int", R"({"v": 10.5})", e + "expected an integer but found number 10.5");
        row("int string", "int", R"({"v": "7"})", e + "expected an integer but found string \"7\"");
        row("int true", "int", R"({"v": true})", e + "expected an integer but found boolean true");
        row("int null", "int", R"({"v": null})", e + "expected an integer but found null");
        row("int too big", "int", R"({"v": 3000000000})",
            e + "expected an integer but found number 3000000000");
        row("int in range", "int 1..10", R"({"v": 10})", "10");
        row("int below range", "int 1..10", R"({"v": 0})",
            e + "expected an integer from 1 to 10 but found number 0");
        row("int above range", "int 1..10", R"({"v": 11.0})",
            e + "expected an integer from 1 to 10 but found number 11.0");
        row("uint64 large", "uint64", R"({"v": 18446744073709551615})", "18446744073709551615");
        row("uint64 negative", "uint64", R"({"v": -1})",
            e + "expected an integer from 0 to 18446744073709551615 but found number -1");
        row("uint32 too big", "uint32", R"({"v": 4294967296})",
            e + "expected an integer from 0 to 4294967295 but found number 4294967296");
        row("int64 >= 0", "int64 >= 0", R"({"v": 5})", "5");
        row("int64 negative", "int64 >= 0", R"({"v": -5})",
            e + "expected an integer from 0 to 9223372036854775807 but found number -5");
        // Numbers: any finite JSON number, optionally within a range.
        row("number", "number", R"({"v": 2.5})", "2.500000");
        row("number integer", "number", R"({"v": 2})", "2.000000");
        row("number string", "number", R"({"v": "2"})",
            e + "expected a number but found string \"2\"");
        row("number in range", "number [0, 1)", R"({"v": 0})", "0.000000");
        row("number out of range", "number [0, 1)", R"({"v": 1})",
            e + "expected a number in [0, 1) but found number 1");
        // Booleans, strings, choices, arrays of strings.
        row("bool", "bool", R"({"v": true})", "true");
        row("bool 1", "bool", R"({"v": 1})", e + "expected true or false but found number 1");
        row("string", "string", R"({"v": "x"})", "x");
        row("string array", "string", R"({"v": ["x"]})", e + "expected a string but found array");
        row("string object", "string", R"({"v": {"a": 1}})",
            e + "expected a string but found object");
        row("choice", "choice", R"({"v": "b"})", "b");
        row("choice unknown", "choice", R"({"v": "c"})",
            e + "expected one of a, b but found string \"c\"");
        row("choice not a string", "choice", R"({"v": 3})",
            e + "expected a string but found number 3");
        row("strings", "strings", R"({"v": ["a", "b"]})", "a;b;");
        row("strings element", "strings", R"({"v": ["a", 2]})",
            "error: f.strata: /spec/v/1: expected a string but found number 2");
        // Unknown keys are refused, naming the key and the known ones.
        row("unknown key", "int", R"({"v": 1, "w": 2})",
            "error: f.strata: /spec/w: unknown setting; expected one of v");
    }
    void table()
    {
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(QString, result);
        QCOMPARE(QString::fromStdString(readAs(kind, text.toStdString())), result);
    }

    void notAnObject()
    {
        try {
            JsonObjectReader r(json::parse("[1, 2]"), "/training");
            QFAIL("expected a ProjectError");
        } catch (const ProjectError &e) {
            QCOMPARE(std::string(e.what()),
                     std::string("/training: expected an object but found array"));
        }
    }

    void longValuesAreCut()
    {
        const std::string shown = internal::describeJson(json(std::string(1000, 'x')));
        QVERIFY2(shown.size() < 60, shown.c_str());
        QVERIFY(shown.ends_with("…"));
    }
};

QTEST_APPLESS_MAIN(TestJsonReader)
#include "test_json_reader.moc"
