#!/usr/bin/env python3
"""Peer of tailor's email rendering benchmark: the same message shape built with Python's email
package (EmailMessage, multipart/alternative, quoted-printable UTF-8 parts, RFC 2047 headers,
List-Unsubscribe) and appended to an mbox-style file, timed with a monotonic clock.

Usage: email_python.py MESSAGES OUT_FILE [WARMUP REPEATS]  (default 0 1): WARMUP untimed runs, then
REPEATS timed ones, each rewriting OUT_FILE -> prints one JSON line
{"messages", "samples" (seconds of each timed run), "seconds" (the fastest), "bytes"}
"""
import email.policy
import email.utils
import hashlib
import hmac
import json
import sys
import time
from email.message import EmailMessage
from html import escape

NAMES = ["Anna", "Zoë", "Jürgen", "Søren", "Mia", "Noah", "Lena", "Omar"]
TITLES = ["Linen Midi Dress in Sage", "Crème Wool Scarf, Large", "Canvas Tote in Navy",
          "Ceramic Mug Set", "Leather Ankle Boots in Tan", "Silk Tie, Paisley"]


def render_all(n, out_path):
    policy = email.policy.SMTP
    secret = b"bench-secret-not-for-production"
    t0 = time.monotonic()
    total = 0
    with open(out_path, "wb") as out:
        for i in range(n):
            name = NAMES[i % len(NAMES)]
            cid = str(100000 + i)
            token = hmac.new(secret, cid.encode(), hashlib.sha256).hexdigest()[:32]
            unsub = f"https://shop.example/unsubscribe?c={cid}&t={token}"
            items = [TITLES[(i + j) % len(TITLES)] for j in range(4)]
            body = (f"Hi {name},\n\nwe thought you would like {items[0]}. It is one of our favourite "
                    f"pieces this season, and at £24.50 it is a little treat.\n\nSee you soon,\n"
                    f"the Tailor Demo Shop team")
            text = body + "\n\n" + "".join(
                f"* {t} - £24.50\n  https://shop.example/products/SKU-{j}?utm_source=tailor\n\n"
                for j, t in enumerate(items)) + (
                "--\nTailor Demo Shop\n1 Example Street\nLondon EC1A 1AA\n\n"
                f"Unsubscribe: {unsub}\n")
            html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><table>"
                    + "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
                    + "".join(f"<tr><td><a href=\"https://shop.example/products/SKU-{j}\">"
                              f"{escape(t)}</a><div>£24.50</div></td></tr>"
                              for j, t in enumerate(items))
                    + f"<tr><td>1 Example Street<br>London EC1A 1AA<br><a href=\"{escape(unsub)}\">"
                      "Unsubscribe</a></td></tr></table></body></html>")
            m = EmailMessage(policy=policy)
            m["Date"] = email.utils.format_datetime(
                email.utils.localtime().replace(year=2024, month=6, day=1, hour=10, minute=0))
            m["From"] = "Tailor Demo Shop <news@shop.example>"
            m["To"] = email.utils.formataddr((name, f"user{i}@example.com"))
            m["Subject"] = f"{name}, picked for you: {items[0]}"
            m["Message-ID"] = f"<{hashlib.sha256(cid.encode()).hexdigest()[:32]}@shop.example>"
            m["List-Unsubscribe"] = f"<{unsub}>"
            m["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            m.set_content(text, charset="utf-8", cte="quoted-printable")
            m.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
            data = b"From news@shop.example Sat Jun  1 10:00:00 2024\r\n" + m.as_bytes() + b"\r\n"
            out.write(data)
            total += len(data)
    return time.monotonic() - t0, total


def main():
    n, out_path = int(sys.argv[1]), sys.argv[2]
    warmup, repeats = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (0, 1)
    for _ in range(warmup):
        render_all(n, out_path)
    samples, total = [], 0
    for _ in range(repeats):
        seconds, total = render_all(n, out_path)
        samples.append(seconds)
    print(json.dumps({"messages": n, "samples": samples, "seconds": min(samples), "bytes": total}))


if __name__ == "__main__":
    main()
