#!/usr/bin/env python3
"""Checks the messages of email-job shards with Python's own MIME parser.

Usage: check_emails.py OUT.jsonl SHARD_STEM_PATH [SHARD_STEM_PATH ...]
Each SHARD_STEM_PATH names <stem>.mbox and <stem>.manifest.jsonl. For every manifest line the
message bytes are sliced at (offset, length) and checked: CRLF line ends only, header lines
<= 998 characters, body lines <= 76 (quoted-printable), parse with policy=email.policy.default
without defects, the required headers once each, multipart/alternative with text/plain then
text/html (UTF-8), Message-ID and Date as in the manifest, https-only links and no active HTML.
The mbox file as a whole is read with mailbox.mbox and must hold the same messages in order.
Writes one JSON line per message (decoded headers and parts) to OUT.jsonl; exits 1 on failure.
"""
import datetime
import email
import email.policy
import html.parser
import json
import mailbox
import sys

REQUIRED = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "List-Unsubscribe",
            "List-Unsubscribe-Post", "Content-Type"]


class HtmlScan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.links, self.handlers = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k in ("href", "src"):
                self.links.append(v)
            if k.startswith("on"):
                self.handlers.append(k)


def check_message(raw, entry, errors):
    where = entry["message_id"]

    def fail(msg):
        errors.append(f"{where}: {msg}")

    if b"\r\n" not in raw or raw.replace(b"\r\n", b"").find(b"\n") >= 0 or \
            raw.replace(b"\r\n", b"").find(b"\r") >= 0:
        fail("bare CR or LF (lines must end in CRLF)")
    head, _, body = raw.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if len(line) > 998:
            fail(f"header line of {len(line)} characters")
        if b"=?" in line and len(line) > 76:
            fail(f"header line with encoded-words of {len(line)} characters (RFC 2047: 76)")
    for line in body.split(b"\r\n"):
        if len(line) > 76:
            fail(f"body line of {len(line)} characters (quoted-printable allows 76)")
    try:
        raw.decode("ascii")
    except UnicodeDecodeError:
        fail("8-bit bytes in the message (everything must be encoded)")

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg.defects:
        fail(f"message defects {msg.defects}")
    for name in REQUIRED:
        if len(msg.get_all(name) or []) != 1:
            fail(f"header {name} appears {len(msg.get_all(name) or [])} times")
    for name, value in msg.items():
        if getattr(value, "defects", None):
            fail(f"header {name} defects {value.defects}")
    if msg.get_content_type() != "multipart/alternative":
        fail(f"content type {msg.get_content_type()}")
    parts = list(msg.iter_parts())
    if [p.get_content_type() for p in parts] != ["text/plain", "text/html"]:
        fail(f"parts {[p.get_content_type() for p in parts]}")
    for p in msg.walk():
        if p.defects:
            fail(f"part defects {p.defects}")
    for p in parts:
        if p.get_content_charset() != "utf-8":
            fail(f"charset {p.get_content_charset()}")
    if msg["Message-ID"] != "<" + entry["message_id"] + ">":
        fail(f"Message-ID {msg['Message-ID']} vs manifest {entry['message_id']}")
    date = msg["Date"].datetime
    sent = datetime.datetime.strptime(entry["send_at_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)
    if date.tzinfo is None or date != sent:
        fail(f"Date {msg['Date']} is not the scheduled send time {entry['send_at_utc']}")
    if str(msg["List-Unsubscribe-Post"]) != "List-Unsubscribe=One-Click":
        fail("List-Unsubscribe-Post is not List-Unsubscribe=One-Click")
    unsub = str(msg["List-Unsubscribe"])
    if not unsub.startswith("<https://"):
        fail(f"List-Unsubscribe {unsub} does not start with an https URL")
    unsub_url = unsub[1:unsub.index(">")]

    # Decoded parts keep the canonical CRLF line ends; compare with LF.
    text = parts[0].get_content().replace("\r\n", "\n") if len(parts) == 2 else ""
    html_text = parts[1].get_content().replace("\r\n", "\n") if len(parts) == 2 else ""
    scan = HtmlScan()
    scan.feed(html_text)
    if scan.tags & {"script", "iframe", "object", "embed", "form"}:
        fail(f"active HTML tags {scan.tags & {'script', 'iframe', 'object', 'embed', 'form'}}")
    if scan.handlers:
        fail(f"event handler attributes {scan.handlers}")
    for link in scan.links:
        if not link.startswith("https://"):
            fail(f"non-https link {link!r}")
    if unsub_url not in scan.links:
        fail("the HTML footer does not link the unsubscribe URL")
    if unsub_url not in text:
        fail("the text footer does not show the unsubscribe URL")
    to = msg["To"]
    return {
        "customer_id": entry["customer_id"],
        "message_id": entry["message_id"],
        "campaign": entry["campaign"],
        "subject": str(msg["Subject"]),
        "from": [a.addr_spec for a in msg["From"].addresses],
        "to": [a.addr_spec for a in to.addresses],
        "to_display": [a.display_name for a in to.addresses],
        "header_names": [k for k, _ in msg.items()],
        "unsubscribe_url": unsub_url,
        "links": scan.links,
        "text": text,
        "html": html_text,
    }


def main():
    out_path, stems = sys.argv[1], sys.argv[2:]
    errors, records = [], []
    for stem in stems:
        data = open(stem + ".mbox", "rb").read()
        entries = [json.loads(l) for l in open(stem + ".manifest.jsonl", encoding="utf-8")]
        for e in entries:
            raw = data[e["offset"]:e["offset"] + e["length"]]
            if not data[:e["offset"]].endswith(b"\r\n") or \
                    data[:e["offset"]].rsplit(b"\r\n", 2)[-2].split(b"\r\n")[-1][:5] != b"From ":
                errors.append(f"{e['message_id']}: not preceded by an mbox From_ line")
            records.append(check_message(raw, e, errors))
        box = mailbox.mbox(stem + ".mbox", create=False)
        ids = [m["Message-ID"] for m in box]
        if ids != ["<" + e["message_id"] + ">" for e in entries]:
            errors.append(f"{stem}.mbox: mailbox.mbox reads {len(ids)} messages, the manifest "
                          f"lists {len(entries)} (or in another order)")
    with open(out_path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for e in errors[:50]:
        print(e)
    print(f"checked {len(records)} messages, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
