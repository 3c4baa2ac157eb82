"""Reading a response's Content-Security-Policy, and what in its page the browser would refuse."""

import re

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def script_problems(response) -> list[str]:
    """Inline scripts without the response's nonce, and inline event handlers (both refused)."""
    nonces = [s[len("'nonce-") : -1] for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    page = response.get_data(as_text=True)
    missing = [attrs for attrs in INLINE_SCRIPT.findall(page) if not nonces or f'nonce="{nonces[0]}"' not in attrs]
    return [f"script without the nonce: <script{attrs}>" for attrs in missing] + [
        f"inline event handler: {tag[:80]}" for tag in EVENT_HANDLER.findall(page)
    ]
