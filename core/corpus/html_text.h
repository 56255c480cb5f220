// HTML to plain text for e-mail bodies: drops script/style/title and comments, removes tags,
// turns block elements into paragraph breaks and <br> into line breaks, decodes entities.
#pragma once

#include <string>
#include <string_view>

namespace tailor {

/// Decodes HTML character references in `s`: named ones of HTML 4 (&amp; &nbsp; &eacute; &euro;
/// ...; the five basic ones and the Latin-1 names also without ';'), decimal &#233; and hex
/// &#xE9; (0x80..0x9F read as windows-1252, invalid code points -> U+FFFD). Unknown names stay
/// as written.
std::string decode_html_entities(std::string_view s);

/// Plain text of an HTML document (UTF-8 in, UTF-8 out). Source line breaks are spaces except
/// inside <pre>; <p>, <div>, <h1>..<h6>, <table>, <ul>, <ol>, <blockquote>, <hr>, ... give a
/// paragraph break, <br>, <tr>, <li> a line break, <td>/<th> a space. Run normalize_block on the
/// result for the final whitespace.
std::string html_to_text(std::string_view html);

}  // namespace tailor
