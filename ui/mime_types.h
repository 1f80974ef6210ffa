#pragma once
// The studio's own drag-and-drop and clipboard formats, apart from the widgets that produce
// and accept them, so the palette and the node editor need not know each other.

namespace strata::ui {

// What a palette entry carries when dragged: the layer type name, UTF-8.
inline constexpr char kLayerMimeType[] = "application/x-strata-layer";
// Copied layers on the clipboard: a Document::copyFragment() JSON fragment.
inline constexpr char kNodesMimeType[] = "application/x-strata-nodes";

} // namespace strata::ui
