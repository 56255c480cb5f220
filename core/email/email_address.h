// Recipient and sender addresses: the addr-spec subset tailor sends to (ASCII dot-atom local part,
// DNS host name), the normalised form used for suppression and duplicate checks, and mailboxes.
#pragma once

#include <string>
#include <string_view>

namespace tailor {

/// True for `local@domain` with an ASCII dot-atom local part (<= 64 characters), a domain of at
/// least two LDH labels (<= 63 each, alphabetic top-level label), 254 characters at most. Quoted
/// local parts, address literals, comments, white space and non-ASCII (SMTPUTF8) are rejected.
bool is_valid_email_address(std::string_view address);

/// Lower-cased, surrounding white space trimmed: the key for suppression lists and duplicates.
std::string normalize_email_address(std::string_view address);

/// The domain of a valid address ("" when there is no '@').
std::string email_domain(std::string_view address);

/// "Display Name <local@domain>" (name encoded as an RFC 5322 phrase), or the bare address when
/// the sanitised name is empty. `address` must be valid.
std::string format_mailbox(std::string_view display_name, std::string_view address);

}  // namespace tailor
