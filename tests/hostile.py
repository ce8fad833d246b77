"""Hostile strings for every field a stranger can fill in: what an attacker or a broken
client sends. Raw byte sequences (invalid UTF-8, encoded lone surrogates) are in
HOSTILE_BYTES, for requests built by hand, since a str cannot hold them as sent."""

DIGITS_OF_OTHER_SCRIPTS = ["²", "①", "¹²³", "٣", "൬", "𝟘", "Ⅻ", "½"]

HOSTILE = [
    "",
    " ",
    "\t\n\r",
    "\x00",
    "a\x00b",
    "\x01\x02\x03\x1b[31m",
    "\x7f\x85\x9f",
    "\u2028\u2029",
    "\ufeff",
    "\u202e" + "gpj.exe",
    "Z̴̡̛̖̼̗͎̪̞͈̳̙̏̆̿̾̈́͌͝a̷̢̨̛̹͎̙̬͍̗̲̜̒̽̈́͊l̶g̸o̵",
    "🏃‍♀️👨‍👩‍👧🇬🇧👍🏽",
    "a" * 10_000,
    "é" * 5_001,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{ request }}{% debug %}",
    "%s%s%s%n{0}{__class__}",
    "' OR 1=1; DROP TABLE comments_comment; --",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "//evil.example/",
    "/\\evil.example",
    "http://[",
    "\r\nBcc: victim@example.com",
    "Set-Cookie: a=b\r\n",
    '"',
    '"@',
    '""',
    "@",
    "a@",
    "@b",
    "a@b",
    "a@@b.com",
    "a@[127.0.0.1]",
    "a@localhost",
    "a" * 65 + "@example.com",
    "x@" + "a" * 64 + ".com",
    "x@" + ".".join(["a" * 63] * 4) + ".com",
    "用户@例子.广告",
    "zoë@bücher.de",
    "jo@example.com\x00",
    "jo@example.com\n",
    "-1",
    "0",
    "+1",
    " 1",
    "1 ",
    "1e3",
    "0x10",
    "9" * 19,
    "9" * 30,
    "9" * 4_301,
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"__proto__": {"polluted": 1}}',
    *DIGITS_OF_OTHER_SCRIPTS,
]

# Sent as raw bytes inside an application/x-www-form-urlencoded body.
HOSTILE_BYTES = [
    b"%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    b"%F0%28%8C%28",  # invalid UTF-8
    b"%C0%AF",  # an overlong "/"
    b"%FF%FE",
]
