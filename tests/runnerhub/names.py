"""Real people's names and texts, in many scripts: every one must be accepted, stored and
shown back exactly as typed."""

NAMES = [
    "Zoë 🏃‍♀️",  # runner emoji: U+1F3C3 U+200D U+2640 U+FE0F
    "👨‍👩‍👧",  # a family: three emoji joined by U+200D
    "José Ñúñez",
    "Søren Kierkegaard",
    "Łukasz Żółć",
    "محمد",
    "שָׁלוֹם",  # with niqqud (combining marks)
    "नमस्ते",
    "தமிழ்",
    "王小明",
    "山田太郎",
    "김민준",
    "Nguyễn Văn A",
    "Αλέξανδρος",
    "Дмитрий",
    "ⴰⵣⵓⵍ",  # Tifinagh
    "می‌خواهم",  # Persian with a zero-width non-joiner (U+200C)
    "Ana 🇬🇧",  # a flag: two regional indicators
    "Sam 👍🏽",  # a skin tone modifier
    "\u200fسارا\u200e",  # right-to-left and left-to-right marks
    "Zoe\u0308 Decomposed",  # e + combining diaeresis
    "Ｆｕｌｌｗｉｄｔｈ",
]

TEXTS = [
    "Ran 10 km with the kids 👨‍👩‍👧 today, Zoë 🏃‍♀️ led the way!",
    "می‌خواهم برای ماراتن تمرین کنم. آیا کشش قبل از دویدن لازم است؟",
    "שָׁלוֹם! כמה קילומטרים בשבוע?",
    "Premier semi-marathon 🇫🇷 : 1 h 52 👍🏽\nDeuxième ligne.\n\nUn autre paragraphe.",
    "मैं रोज़ सुबह दौड़ता हूँ। 王小明说：跑步很好。 김민준: 좋아요!",
    "Pace:\t5:01/km\r\nSplits\u2028kept as typed",
]
