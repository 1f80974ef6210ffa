#pragma once
// The one-click repairs the Problems panel offers for some problems (the engine says which:
// ProjectProblem::fix), each one undoable step of the document.

#include <strata/project_check.h>

#include <QString>

namespace strata::ui {

class Document;

// The fix as a button would say it ("Insert Flatten before 'fc1'"); empty when there is none.
QString quickFixText(const ProjectProblem &problem);

// Applies the fix as one undo step. Returns why it could not (the edit is then not made), or
// an empty string.
QString applyQuickFix(Document *document, const ProjectProblem &problem);

} // namespace strata::ui
