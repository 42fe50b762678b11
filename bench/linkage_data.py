"""A generated multilingual register of persons with known duplicates (fixed seed), for
the linkage benchmark, the fitting of the match weights and the tests.

    from bench import linkage_data
    rows, pairs = linkage_data.register(persons=2000, seed=14)

Each person is written one to three times, the way several agencies in the region
would write them: in Cyrillic or in one of ten romanisations (passport/ICAO, BGN/PCGN,
ISO 9, German, French, Polish, Finnish, Estonian, Latvian with its -s, Lithuanian with
its -as), with a diminutive, the surname in its other gendered form (Lithuanian married
and maiden forms), a patronymic, given and family names swapped, Vietnamese and
Chinese names split or ordered differently, typing errors, and estimated or partial
dates of birth (year only, day/month swapped, 01-01 and 1st-of-month placeholders,
±1 year). Hard non-matches are added on purpose: relatives (one surname, another given
name), twins (one surname and date of birth) and namesakes.

Names are synthetic combinations of common names; no real person is described.

``register(..., names="realistic")`` draws the names instead from large synthetic pools
(``NamePools``) with a Zipf-like frequency, as a real register has them: each country's
common names first (the lists below), then a long tail composed from syllables and
endings of its language (never a list of real persons), weighted 1/(rank + 15) for
surnames and 1/(rank + 4) for given names: the commonest Russian surname carries about
1 % of its persons and most of the tail is carried by one or two. The default
(``names="small"``) stays byte for byte what it was: the ``generated`` dataset, the
fitted weights and the tests depend on it.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELDS = ("record_id", "given_name", "family_name", "sex", "date_of_birth", "nationality")

# --- Cyrillic names (Russian, with the key of their group in the diminutives table) -----
RU_MALE = [
    "Александр",
    "Алексей",
    "Андрей",
    "Дмитрий",
    "Сергей",
    "Иван",
    "Михаил",
    "Николай",
    "Владимир",
    "Евгений",
    "Павел",
    "Пётр",
    "Юрий",
    "Игорь",
    "Олег",
    "Максим",
    "Виктор",
    "Фёдор",
    "Григорий",
    "Константин",
    "Кирилл",
    "Вячеслав",
    "Василий",
    "Борис",
    "Анатолий",
    "Денис",
    "Роман",
    "Артём",
    "Илья",
    "Яков",
    "Станислав",
    "Валерий",
    "Геннадий",
    "Леонид",
    "Тимофей",
    "Егор",
    "Глеб",
    "Вадим",
    "Богдан",
    "Семён",
    "Аркадий",
    "Тарас",
    "Руслан",
]
RU_FEMALE = [
    "Александра",
    "Анастасия",
    "Анна",
    "Дарья",
    "Екатерина",
    "Елена",
    "Елизавета",
    "Евгения",
    "Галина",
    "Ирина",
    "Юлия",
    "Ксения",
    "Людмила",
    "Любовь",
    "Мария",
    "Марина",
    "Надежда",
    "Наталья",
    "Нина",
    "Ольга",
    "Светлана",
    "Татьяна",
    "Валентина",
    "Вера",
    "Виктория",
    "Софья",
    "Зинаида",
    "Лариса",
    "Полина",
    "Алина",
    "Маргарита",
    "Кристина",
    "Яна",
    "Оксана",
    "Лилия",
    "Вероника",
    "Алла",
    "Инна",
    "Раиса",
    "Жанна",
    "Эльвира",
]
RU_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Воронцов",
    "Аксёнов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Хохлов",
    "Шубин",
    "Шилов",
    "Шестаков",
    "Островский",
    "Вишневский",
    "Покровский",
    "Троицкий",
    "Толстой",
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Шевчук",
    "Коваль",
    "Мельник",
    "Бойко",
    "Мороз",
    "Лысенко",
    "Руденко",
    "Савченко",
    "Петренко",
    "Марченко",
    "Кравчук",
    "Левченко",
    "Хрущёв",
    "Щукин",
    "Жуковский",
    "Цой",
    "Ким",
    "Юсупов",
    "Хабибуллин",
]

# Cyrillic → Latin, letter by letter, for each romanisation (later tables override base).
_BASE = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "ie",
            "y",
            "",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)
ROMANISATIONS: dict[str, dict[str, str]] = {
    "icao": {},
    "bgn": {"й": "y", "ё": "ë", "ъ": "ʺ", "ь": "ʹ", "ю": "yu", "я": "ya", "ы": "y"},
    "iso9": {"ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ",
             "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "è", "ю": "û", "я": "â", "ё": "ë"},
    "german": {"ж": "sch", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
               "щ": "schtsch", "в": "w", "ю": "ju", "я": "ja", "ё": "jo", "ъ": "", "ь": ""},
    "french": {"ж": "j", "й": "ï", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch",
               "щ": "chtch", "у": "ou", "ю": "iou", "я": "ia", "ё": "io", "ъ": "", "ь": ""},
    "polish": {"ж": "ż", "й": "j", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz",
               "в": "w", "ю": "ju", "я": "ja", "ё": "io", "ъ": "", "ь": ""},
    "finnish": {"ж": "ž", "й": "j", "х": "h", "ц": "ts", "ч": "tš", "ш": "š", "щ": "štš",
                "ю": "ju", "я": "ja", "ё": "jo", "ъ": "", "ь": ""},
    "estonian": {"ж": "ž", "й": "i", "х": "h", "ц": "ts", "ч": "tš", "ш": "š",
                 "щ": "štš", "ы": "õ", "ю": "ju", "я": "ja", "ё": "jo", "ъ": "", "ь": ""},
    "latvian": {"ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                "ю": "ju", "я": "ja", "ё": "jo", "ъ": "", "ь": ""},
    "lithuanian": {"ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                   "ю": "ju", "я": "ja", "ё": "jo", "ы": "y", "ъ": "", "ь": ""},
}  # fmt: skip
# Ukrainian passport style applied to a Russian spelling (г as h, и as y).
ROMANISATIONS["ukrainian"] = {"г": "h", "и": "y", "й": "i", "ю": "iu", "я": "ia", "ь": ""}


def romanise(text: str, system: str) -> str:
    table = {**_BASE, **ROMANISATIONS[system]}
    out = []
    for ch in text:
        latin = table.get(ch.lower(), ch)
        out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out).strip()


def feminine(surname: str) -> str:
    """The Russian feminine form of a masculine surname (Иванов → Иванова)."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой") and len(surname) > 4:
        return surname[:-2] + "ая"
    return surname


def patronymic(father: str, female: bool) -> str:
    if father.endswith("й"):
        return father[:-1] + ("евна" if female else "евич")
    if father.endswith(("а", "я")):
        return father[:-1] + ("ична" if female else "ич")
    return father + ("овна" if female else "ович")


# --- Latin-script names of the region and beyond ------------------------------------------
LV: dict[str, Any] = {
    "male": [
        "Jānis",
        "Pēteris",
        "Andris",
        "Juris",
        "Mārtiņš",
        "Kristaps",
        "Edgars",
        "Raimonds",
        "Artūrs",
        "Aivars",
    ],
    "female": [
        "Anna",
        "Kristīne",
        "Ilze",
        "Inese",
        "Līga",
        "Laura",
        "Santa",
        "Dace",
        "Zane",
        "Anete",
    ],
    "surnames": [
        ("Bērziņš", "Bērziņa"),
        ("Kalniņš", "Kalniņa"),
        ("Ozoliņš", "Ozoliņa"),
        ("Jansons", "Jansone"),
        ("Ozols", "Ozola"),
        ("Liepiņš", "Liepiņa"),
        ("Krūmiņš", "Krūmiņa"),
        ("Balodis", "Balode"),
        ("Vītols", "Vītola"),
        ("Zariņš", "Zariņa"),
        ("Kļaviņš", "Kļaviņa"),
        ("Pētersons", "Pētersone"),
    ],
}
LT: dict[str, Any] = {
    "male": [
        "Jonas",
        "Petras",
        "Antanas",
        "Tomas",
        "Mantas",
        "Darius",
        "Andrius",
        "Paulius",
        "Kęstutis",
        "Vytautas",
    ],
    "female": [
        "Ona",
        "Rūta",
        "Ieva",
        "Eglė",
        "Gintarė",
        "Aušra",
        "Kristina",
        "Jurgita",
        "Lina",
        "Agnė",
    ],
    "surnames": [
        ("Kazlauskas", "Kazlauskienė", "Kazlauskaitė"),
        ("Petrauskas", "Petrauskienė", "Petrauskaitė"),
        ("Jankauskas", "Jankauskienė", "Jankauskaitė"),
        ("Stankevičius", "Stankevičienė", "Stankevičiūtė"),
        ("Vasiliauskas", "Vasiliauskienė", "Vasiliauskaitė"),
        ("Žukauskas", "Žukauskienė", "Žukauskaitė"),
        ("Butkus", "Butkienė", "Butkutė"),
        ("Paulauskas", "Paulauskienė", "Paulauskaitė"),
        ("Urbonas", "Urbonienė", "Urbonaitė"),
        ("Navickas", "Navickienė", "Navickaitė"),
    ],
}
PL: dict[str, Any] = {
    "male": [
        "Piotr",
        "Krzysztof",
        "Andrzej",
        "Tomasz",
        "Paweł",
        "Michał",
        "Marcin",
        "Jakub",
        "Łukasz",
        "Grzegorz",
    ],
    "female": [
        "Anna",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Magdalena",
        "Joanna",
        "Ewa",
        "Monika",
        "Zofia",
        "Aleksandra",
    ],
    "surnames": [
        ("Kowalski", "Kowalska"),
        ("Wiśniewski", "Wiśniewska"),
        ("Wójcik", "Wójcik"),
        ("Kowalczyk", "Kowalczyk"),
        ("Kamiński", "Kamińska"),
        ("Lewandowski", "Lewandowska"),
        ("Zieliński", "Zielińska"),
        ("Szymański", "Szymańska"),
        ("Woźniak", "Woźniak"),
        ("Dąbrowski", "Dąbrowska"),
        ("Nowak", "Nowak"),
    ],
}
CZ: dict[str, Any] = {
    "male": ["Jan", "Petr", "Jiří", "Josef", "Pavel", "Martin", "Tomáš", "Jaroslav"],
    "female": ["Jana", "Marie", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Lucie"],
    "surnames": [
        ("Novák", "Nováková"),
        ("Svoboda", "Svobodová"),
        ("Novotný", "Novotná"),
        ("Dvořák", "Dvořáková"),
        ("Černý", "Černá"),
        ("Procházka", "Procházková"),
        ("Kučera", "Kučerová"),
        ("Veselý", "Veselá"),
    ],
}
EE: dict[str, Any] = {
    "male": [
        "Jaan",
        "Jüri",
        "Toomas",
        "Andres",
        "Peeter",
        "Mihkel",
        "Rein",
        "Tõnu",
        "Margus",
        "Indrek",
    ],
    "female": [
        "Mari",
        "Kadri",
        "Liis",
        "Tiina",
        "Kersti",
        "Maarja",
        "Triin",
        "Kristiina",
        "Anu",
        "Reet",
    ],
    "surnames": [
        (s, s)
        for s in [
            "Tamm",
            "Saar",
            "Sepp",
            "Mägi",
            "Kask",
            "Kukk",
            "Rebane",
            "Ilves",
            "Pärn",
            "Koppel",
        ]
    ],
}
VN: dict[str, Any] = {
    "family": [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
    ],
    "middle_male": ["Văn", "Minh", "Đức", "Hữu", "Quang"],
    "middle_female": ["Thị", "Ngọc", "Thanh", "Thu"],
    "given": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hà",
        "Hải",
        "Hạnh",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Nam",
        "Phúc",
        "Quang",
        "Sơn",
        "Thảo",
        "Trang",
        "Tuấn",
        "Vy",
        "Yến",
    ],
}
TH: dict[str, Any] = {
    "given_male": [
        "Somchai",
        "Somsak",
        "Sombat",
        "Prasert",
        "Wichai",
        "Anan",
        "Kittisak",
        "Chaiwat",
    ],
    "given_female": [
        "Siriporn",
        "Malee",
        "Nattaya",
        "Pimchanok",
        "Kanokwan",
        "Suda",
        "Apinya",
        "Ratana",
    ],
    "family": [
        "Saetang",
        "Srisuk",
        "Wongsakul",
        "Chaiyaphum",
        "Rattanakosin",
        "Sukprasert",
        "Thongchai",
        "Phromma",
        "Kaewmanee",
        "Boonmee",
    ],
}
NG: dict[str, Any] = {
    "given_male": [
        "Chinedu",
        "Oluwaseun",
        "Adebayo",
        "Chukwuemeka",
        "Oluwadamilare",
        "Ibrahim",
        "Abdulrahman",
        "Tunde",
        "Emeka",
        "Musa",
    ],
    "given_female": [
        "Ngozi",
        "Ifeoma",
        "Aisha",
        "Fatima",
        "Blessing",
        "Precious",
        "Favour",
        "Funmilayo",
        "Yetunde",
        "Bukola",
    ],
    "family": [
        "Okafor",
        "Adeyemi",
        "Okonkwo",
        "Balogun",
        "Eze",
        "Nwosu",
        "Ogunleye",
        "Abubakar",
        "Bello",
        "Mohammed",
        "Okoro",
        "Olawale",
        "Uche",
    ],
}
CN: dict[str, Any] = {
    "family": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"],
    "given": [
        "Xiaoming",
        "Wei",
        "Fang",
        "Na",
        "Min",
        "Jing",
        "Lei",
        "Yan",
        "Jun",
        "Hui",
        "Xiuying",
        "Guiying",
        "Jianhua",
        "Zhiwei",
        "Xiaohong",
        "Lihua",
    ],
}

# A few diminutives written as caseworkers hear them (a subset of the engine's table on
# purpose, plus some it does not know).
DIMINUTIVES = {
    "Александр": ["Sasha", "Саша", "Shura"], "Александра": ["Sasha", "Саша"],
    "Алексей": ["Alyosha", "Lyosha"], "Анастасия": ["Nastya", "Настя"],
    "Анна": ["Anya", "Аня"], "Дарья": ["Dasha", "Даша"], "Дмитрий": ["Dima", "Дима"],
    "Екатерина": ["Katya", "Катя"], "Елена": ["Lena", "Лена"], "Евгений": ["Zhenya"],
    "Евгения": ["Zhenya"], "Ирина": ["Ira"], "Иван": ["Vanya", "Ваня"],
    "Юлия": ["Yulya"], "Ксения": ["Ksyusha"], "Людмила": ["Lyuda", "Mila"],
    "Мария": ["Masha", "Маша"], "Михаил": ["Misha", "Миша"], "Наталья": ["Natasha", "Наташа"],
    "Николай": ["Kolya", "Коля"], "Ольга": ["Olya", "Оля"], "Павел": ["Pasha"],
    "Светлана": ["Sveta", "Света"], "Сергей": ["Seryozha", "Серёжа"], "Татьяна": ["Tanya", "Таня"],
    "Владимир": ["Vova", "Volodya", "Вова"], "Виктория": ["Vika"], "Надежда": ["Nadya"],
    "Константин": ["Kostya"], "Юрий": ["Yura"], "Пётр": ["Petya"], "Борис": ["Borya"],
    "Вячеслав": ["Slava"], "Станислав": ["Stas"], "Любовь": ["Lyuba"], "Галина": ["Galya"],
    "Oluwaseun": ["Seun"], "Chukwuemeka": ["Emeka"], "Oluwadamilare": ["Dami"],
    "Abdulrahman": ["Abdul"], "Jüri": ["Juri"], "Jaan": ["Johannes"], "Pēteris": ["Peteris"],
    "Katarzyna": ["Kasia"], "Małgorzata": ["Gosia"], "Aleksandra": ["Ola"],
}  # fmt: skip

NATIONALITY = {
    "ru": ("RU", "RUS"), "ua": ("UA", "UKR"), "lv": ("LV", "LVA"), "lt": ("LT", "LTU"),
    "pl": ("PL", "POL"), "cz": ("CZ", "CZE"), "ee": ("EE", "EST"), "vn": ("VN", "VNM"),
    "th": ("TH", "THA"), "ng": ("NG", "NGA"), "cn": ("CN", "CHN"), "by": ("BY", "BLR"),
}  # fmt: skip
ORIGINS = ("ru", "ru", "ru", "ua", "ua", "by", "lv", "lt", "pl", "cz", "ee", "vn", "th", "ng", "cn")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- large pools with realistic frequencies (register(..., names="realistic")) ------------
# Syllables and endings per language; names composed from them are synthetic. Each pool
# starts with the common names of the small lists above (in their order, the commonest
# first), then the composed tail.
_RU_ONSETS = _words("б в г д ж з к л м н п р с т ф х ч ш бр гр др кр пр тр ст сл св зв бл гл")
_RU_VOWELS = _words("а о е и у я ё ы")
_RU_CODAS = ("", "", "", *_words("н р л к м т д ш х"))
_RU_SURNAME_ENDINGS = _words("ов ов ов ев ин ин ский енко ук ич цкий")
_RU_MALE_ENDINGS = _words("слав мир дор ан ий ей он ат гор им")
_RU_FEMALE_ENDINGS = _words("ана ина ия ея ава ила ора ета еся ьяна")
_LATIN_ONSETS = _words("b d g k l m n p r s t v z br dr gr kr pr st tr sk sl")
_LATIN_VOWELS = _words("a e i o u ai au ie")
_LATIN_CODAS = ("", "", "", *_words("n r l k m t s"))
_SURNAME_FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    # (masculine ending, feminine ending(s)): Lithuanian married then maiden.
    "lv": (("iņš", "iņa"), ("ons", "one"), ("s", "a"), ("is", "e"), ("ēns", "ēna")),
    "lt": (("as", "ienė", "aitė"), ("auskas", "auskienė", "auskaitė"),
           ("us", "ienė", "ūtė"), ("ius", "ienė", "iūtė"), ("enas", "enienė", "enaitė")),
    "pl": (("ski", "ska"), ("cki", "cka"), ("ak", "ak"), ("czyk", "czyk"), ("ek", "ek"),
           ("owski", "owska")),
    "cz": (("ák", "áková"), ("ý", "á"), ("a", "ová"), ("ek", "ková"), ("ec", "cová")),
    "ee": (("", ""), ("e", "e"), ("mäe", "mäe"), ("ste", "ste"), ("pere", "pere"),
           ("saar", "saar")),
}  # fmt: skip
_LATIN_MALE_ENDINGS = {
    "lv": ("is", "s", "ars", "ārs", "ijs"), "lt": ("as", "us", "ius", "imas", "enas"),
    "pl": ("ek", "an", "sław", "mir", "usz"), "cz": ("an", "ek", "slav", "mír", "oš"),
    "ee": ("o", "u", "ar", "ev", "mo"),
}  # fmt: skip
_LATIN_FEMALE_ENDINGS = {
    "lv": ("a", "e", "īte", "ija", "ite"), "lt": ("a", "ė", "ija", "utė", "ina"),
    "pl": ("a", "ina", "ena", "sława", "ia"), "cz": ("a", "ka", "ie", "slava", "ena"),
    "ee": ("e", "i", "a", "ike", "li"),
}  # fmt: skip
_VN_ONSETS = ("", *_words("b c d đ g h kh l m n ng nh ph qu s t th tr v x"))
_VN_RIMES = _words(
    "a à á ả ã ạ an ấn ăng anh ành ên ênh i inh ính o ong ông ơn u uân ung ương ường y "
    "yên ến ải ơi ao ào iệp ọc úc ứ ũng"
)
_TH_PARTS = _words(
    "sri wong chai suk kaew boon thong rat phrom sak som prasert manee kit wat pong siri "
    "nakorn phan charoen ruang sombat kul thana wit yoo lert samut"
)
_NG_PREFIXES = _words(
    "ade olu oke chi nwa obi ife ola ayo eme uche oni ogun ebe ike adu abu baba osa efe"
)
_NG_SUFFIXES = _words(
    "yemi wale seun kafor nedu dike kwu bayo tunde nna mide lade goke sola nso chukwu ola femi ri"
)
_CN_SYLLABLES = _words(
    "an bao bin chen chun dong fang fei gang guo hai hao hong hua hui jia jian jie jin jing "
    "jun kai lan lei li lin ling long mei min ming na ning peng ping qian qiang qing rong "
    "rui shan sheng shu tao ting wei wen xia xiao xin xiu yan yang ying yong yu yun zhen zhi "
    "zhong"
)
_CN_RARE_FAMILIES = _words(
    "Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng "
    "Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du"
)
SURNAME_OFFSET = 15  # weight 1/(rank + 15): ~1 % for the commonest of a large pool
GIVEN_OFFSET = 4  # given names are more concentrated: ~3 % for the commonest


@dataclass
class Person:
    origin: str
    female: bool
    given: str
    family: str  # masculine / base form
    family_forms: tuple[str, ...]  # forms this person's surname may be written in
    year: int
    month: int
    day: int
    father: str = ""
    middle: str = ""
    records: list[dict[str, str]] = field(default_factory=list)


def _person(
    rng: random.Random, origin: str, female: bool, pools: NamePools | None = None
) -> Person:
    if pools is not None:
        return pools.person(rng, origin, female)
    year, month, day = rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28)
    if origin in {"ru", "ua", "by"}:
        given = rng.choice(RU_FEMALE if female else RU_MALE)
        base = rng.choice(RU_SURNAMES)
        forms: tuple[str, ...] = (feminine(base),) if female else (base,)
        if female and feminine(base) != base:
            forms = (feminine(base), base)
        return Person(origin, female, given, base, forms, year, month, day, rng.choice(RU_MALE))
    if origin in {"lv", "pl", "cz", "ee"}:
        pool = {"lv": LV, "pl": PL, "cz": CZ, "ee": EE}[origin]
        given = rng.choice(pool["female" if female else "male"])
        male_form, female_form = rng.choice(pool["surnames"])
        forms = (female_form, male_form) if female else (male_form,)
        return Person(origin, female, given, male_form, forms, year, month, day)
    if origin == "lt":
        given = rng.choice(LT["female" if female else "male"])
        male_form, married, maiden = rng.choice(LT["surnames"])
        forms = (married, maiden, male_form) if female else (male_form,)
        return Person(origin, female, given, male_form, forms, year, month, day)
    if origin == "vn":
        middle = rng.choice(VN["middle_female" if female else "middle_male"])
        family = rng.choice(VN["family"])
        return Person(
            origin,
            female,
            rng.choice(VN["given"]),
            family,
            (family,),
            year,
            month,
            day,
            middle=middle,
        )
    pool = {"th": TH, "ng": NG, "cn": CN}[origin]
    given = rng.choice(pool.get("given_female" if female else "given_male", pool.get("given", [])))
    family = rng.choice(pool["family"])
    return Person(origin, female, given, family, (family,), year, month, day)


def _composed(rng: random.Random, head: list[str], make: Callable[[], str], size: int) -> list[str]:
    """``head`` then names from ``make`` not seen before, up to ``size`` (or as many as
    ``make`` can give in 20 tries a name)."""
    pool, seen = list(head), set(head)
    for _ in range(20 * size):
        if len(pool) >= size:
            break
        name = make()
        if name not in seen:
            seen.add(name)
            pool.append(name)
    return pool


def _syllables(
    rng: random.Random, onsets: tuple[str, ...], vowels: tuple[str, ...],
    codas: tuple[str, ...], low: int, high: int,
) -> str:  # fmt: skip
    text = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(low, high)))
    return text + rng.choice(codas)


class NamePools:
    """Per origin: given names (male, female) and surnames with their forms, each with
    cumulative Zipf-like weights; ``person`` draws a ``Person`` from them."""

    def __init__(self, surnames: int = 40_000, given: int = 3_000, seed: int = 0) -> None:
        rng = random.Random(seed)
        self.given: dict[tuple[str, bool], list[str]] = {}
        self.surnames: dict[str, list[str]] = {}
        # male form → (male form, female forms...) for the Latin-script gendered surnames
        self.forms: dict[str, dict[str, tuple[str, ...]]] = {}
        self.middle: dict[bool, list[str]] = {}

        def ru_root() -> str:
            return _syllables(rng, _RU_ONSETS, _RU_VOWELS, _RU_CODAS, 1, 2).capitalize()

        def latin_root() -> str:
            return _syllables(rng, _LATIN_ONSETS, _LATIN_VOWELS, _LATIN_CODAS, 1, 2)

        self.given["ru", False] = _composed(
            rng, RU_MALE, lambda: ru_root() + rng.choice(_RU_MALE_ENDINGS), given
        )
        self.given["ru", True] = _composed(
            rng, RU_FEMALE, lambda: ru_root() + rng.choice(_RU_FEMALE_ENDINGS), given
        )
        self.surnames["ru"] = _composed(
            rng, RU_SURNAMES, lambda: ru_root() + rng.choice(_RU_SURNAME_ENDINGS), surnames
        )

        def latin_given(endings: tuple[str, ...]) -> Callable[[], str]:
            return lambda: latin_root().capitalize() + rng.choice(endings)

        small = {"lv": LV, "lt": LT, "pl": PL, "cz": CZ, "ee": EE}
        for origin, pool in small.items():
            for female, key in ((False, "male"), (True, "female")):
                endings = (_LATIN_FEMALE_ENDINGS if female else _LATIN_MALE_ENDINGS)[origin]
                self.given[origin, female] = _composed(rng, pool[key], latin_given(endings), given)
            forms = {f[0]: tuple(f) for f in pool["surnames"]}
            for _ in range(20 * surnames):
                if len(forms) >= surnames // 4:  # smaller countries, smaller pools
                    break
                root = latin_root().capitalize()
                form = tuple(root + e for e in rng.choice(_SURNAME_FORMS[origin]))
                forms.setdefault(form[0], form)
            self.forms[origin] = forms
            self.surnames[origin] = list(forms)

        def vn_syllable() -> str:
            return (rng.choice(_VN_ONSETS) + rng.choice(_VN_RIMES)).capitalize()

        # Vietnamese and Chinese surnames are few and concentrated, in life as here.
        self.surnames["vn"] = _composed(rng, VN["family"], vn_syllable, 60)
        self.given["vn", False] = self.given["vn", True] = _composed(
            rng, VN["given"], vn_syllable, given
        )
        self.middle = {False: VN["middle_male"], True: VN["middle_female"]}
        self.surnames["cn"] = list(CN["family"]) + list(_CN_RARE_FAMILIES)
        self.given["cn", False] = self.given["cn", True] = _composed(
            rng, CN["given"],
            lambda: "".join(rng.sample(_CN_SYLLABLES, rng.randint(1, 2))).capitalize(), given,
        )  # fmt: skip
        self.surnames["th"] = _composed(
            rng, TH["family"],
            lambda: "".join(rng.sample(_TH_PARTS, rng.randint(2, 3))).capitalize(), surnames // 4,
        )  # fmt: skip
        for female in (False, True):
            key = "given_female" if female else "given_male"
            self.given["th", female] = _composed(
                rng, TH[key], lambda: "".join(rng.sample(_TH_PARTS, 2)).capitalize(), given
            )
            self.given["ng", female] = _composed(
                rng, NG[key],
                lambda: (rng.choice(_NG_PREFIXES) + rng.choice(_NG_SUFFIXES)).capitalize(), given,
            )  # fmt: skip
        self.surnames["ng"] = _composed(
            rng, NG["family"],
            lambda: (rng.choice(_NG_PREFIXES) + rng.choice(_NG_SUFFIXES)
                     + rng.choice(("", "", "la", "ye", "nu"))).capitalize(),
            surnames // 4,
        )  # fmt: skip
        self._weights: dict[int, tuple[list[float], float]] = {}

    def _cumulative(self, size: int, offset: int) -> tuple[list[float], float]:
        key = size * 100 + offset
        if key not in self._weights:
            cumulative = list(itertools.accumulate(1 / (r + offset) for r in range(1, size + 1)))
            self._weights[key] = (cumulative, cumulative[-1])
        return self._weights[key]

    def draw(self, rng: random.Random, pool: list[str], offset: int) -> str:
        cumulative, total = self._cumulative(len(pool), offset)
        return pool[bisect.bisect(cumulative, rng.random() * total, 0, len(pool) - 1)]

    def share_of_commonest(self, origin: str) -> float:
        """The expected share of ``origin``'s persons carrying its commonest surname."""
        cumulative, total = self._cumulative(len(self.surnames[origin]), SURNAME_OFFSET)
        return cumulative[0] / total

    def person(self, rng: random.Random, origin: str, female: bool) -> Person:
        year, month, day = rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28)
        group = "ru" if origin in {"ru", "ua", "by"} else origin
        given = self.draw(rng, self.given[group, female], GIVEN_OFFSET)
        family = self.draw(rng, self.surnames[group], SURNAME_OFFSET)
        if group == "ru":
            forms: tuple[str, ...] = (family,)
            if female and feminine(family) != family:
                forms = (feminine(family), family)
            father = self.draw(rng, self.given["ru", False], GIVEN_OFFSET)
            return Person(origin, female, given, family, forms, year, month, day, father)
        if group in self.forms:
            all_forms = self.forms[group][family]
            forms = (*all_forms[1:], all_forms[0]) if female else (all_forms[0],)
            return Person(origin, female, given, family, forms, year, month, day)
        middle = rng.choice(self.middle[female]) if group == "vn" else ""
        return Person(origin, female, given, family, (family,), year, month, day, middle=middle)


@functools.cache
def name_pools() -> NamePools:
    """The pools of ``register(..., names="realistic")`` (built once, from a fixed seed)."""
    return NamePools()


def _relative(rng: random.Random, other: Person, pools: NamePools | None = None) -> Person:
    """Same family (and nationality), another given name and date of birth; sometimes a twin."""
    person = _person(rng, other.origin, rng.random() < 0.5, pools)
    person.family = other.family
    if pools is not None and other.origin in {"lv", "lt", "pl", "cz", "ee"}:
        forms = pools.forms[other.origin][other.family]  # (male, female forms...)
        person.family_forms = (*forms[1:], forms[0]) if person.female else (forms[0],)
    elif other.origin in {"ru", "ua", "by"}:
        base = other.family
        person.family_forms = (feminine(base), base) if person.female else (base,)
    elif other.origin == "lt" and person.female:
        person.family_forms = (
            other.family_forms if other.female else (LT_FEMALE.get(other.family, (other.family,)))
        )
    elif other.origin == "lt":
        person.family_forms = (other.family,)
    elif other.origin in {"lv", "pl", "cz", "ee"}:
        pool = {"lv": LV, "pl": PL, "cz": CZ, "ee": EE}[other.origin]
        pair = next(p for p in pool["surnames"] if other.family in p)
        person.family_forms = (pair[1], pair[0]) if person.female else (pair[0],)
    else:
        person.family_forms = other.family_forms
    person.middle = other.middle if other.origin == "vn" and rng.random() < 0.5 else person.middle
    if rng.random() < 0.2:  # a twin
        person.year, person.month, person.day = other.year, other.month, other.day
    else:
        person.year = other.year + rng.choice((-1, 1)) * rng.randint(1, 25)
    return person


LT_FEMALE = {m: (married, maiden) for m, married, maiden in LT["surnames"]}


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.3:
        return text[:i] + text[i + 1 :]
    if kind < 0.6:
        return text[:i] + rng.choice("aeiounrstlkm") + text[i + 1 :]
    if kind < 0.85:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def _latin_suffix(name: str, system: str, female: bool) -> str:
    """Latvian and Lithuanian add a masculine ending to foreign men's names."""
    if female or not name or not name[-1].isalpha():
        return name
    if system == "latvian" and not name.endswith("s"):
        return name + ("s" if name[-1] not in "aeiouy" else "")
    if system == "lithuanian" and not name.endswith("s"):
        return name + ("as" if name[-1] not in "aeiouy" else "us" if name.endswith("ij") else "s")
    return name


def _names(rng: random.Random, p: Person) -> tuple[str, str]:
    if p.origin in {"ru", "ua", "by"}:
        given = p.given
        if p.given in DIMINUTIVES and rng.random() < 0.15:
            given = rng.choice(DIMINUTIVES[p.given])
        family = p.family_forms[0] if rng.random() < 0.85 else p.family_forms[-1]
        if rng.random() < 0.12:
            given = f"{given} {patronymic(p.father, p.female)}"
        if rng.random() < 0.3:
            return given, family
        system = rng.choice(
            ("ukrainian", "ukrainian")
            if p.origin == "ua" and rng.random() < 0.5
            else tuple(ROMANISATIONS)
        )
        given_latin = " ".join(
            _latin_suffix(romanise(t, system), system, p.female) if _is_cyrillic(t) else t
            for t in given.split()
        )
        return given_latin, _latin_suffix(romanise(family, system), system, p.female)
    if p.origin == "vn":
        return _vietnamese(rng, p)
    if p.origin == "cn":
        given = p.given
        if len(given) > 3 and rng.random() < 0.3:
            cut = next(
                (
                    i
                    for i in range(2, len(given) - 1)
                    if given[i] not in "aeioun" and given[i - 1] in "aeioun"
                ),
                0,
            )
            if cut:
                given = given[:cut] + rng.choice((" ", "-")) + given[cut:].lower()
        return given, p.family
    given = p.given
    if given in DIMINUTIVES and rng.random() < 0.15:
        given = rng.choice(DIMINUTIVES[given])
    family = p.family_forms[0] if rng.random() < 0.7 else rng.choice(p.family_forms)
    if rng.random() < 0.25:  # diacritics dropped by a keyboard without them
        given, family = _strip(given), _strip(family)
    return given, family


def _vietnamese(rng: random.Random, p: Person) -> tuple[str, str]:
    style = rng.random()
    family, middle, given = p.family, p.middle, p.given
    if rng.random() < 0.4:
        family, middle, given = _strip(family), _strip(middle), _strip(given)
    if style < 0.5:
        return f"{middle} {given}", family
    if style < 0.75:
        return given, f"{family} {middle}"
    if style < 0.9:
        return given, family
    return family, f"{middle} {given}"  # the whole name, family first, in the wrong boxes


def _strip(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D").replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def _date(rng: random.Random, p: Person) -> str:
    r = rng.random()
    year, month, day = p.year, p.month, p.day
    if r < 0.05:
        return ""
    if r < 0.14:
        return f"{year}"
    if r < 0.19 and day <= 12:
        return f"{year}-{day:02d}-{month:02d}"
    if r < 0.24:
        return f"{year}-01-01"
    if r < 0.28:
        return f"{year}-{month:02d}-01"
    if r < 0.36:
        year += rng.choice((-1, 1))
        return rng.choice((f"{year}", f"{year}-01-01"))
    if r < 0.41:
        day = max(1, min(28, day + rng.choice((-10, -1, 1, 10))))
    return f"{year}-{month:02d}-{day:02d}"


def _record(rng: random.Random, p: Person, record_id: str) -> dict[str, str]:
    given, family = _names(rng, p)
    if rng.random() < 0.08:
        given = _typo(rng, given)
    if rng.random() < 0.08:
        family = _typo(rng, family)
    if rng.random() < 0.08:
        given, family = family, given
    alpha2, alpha3 = NATIONALITY[p.origin]
    if rng.random() < 0.08:  # recorded with a neighbour's nationality (no documents)
        alpha2, alpha3 = NATIONALITY[rng.choice(("ru", "ua", "by", "lv", "lt", "ee"))]
    r = rng.random()
    return {
        "record_id": record_id,
        "given_name": given,
        "family_name": family,
        "sex": "" if rng.random() < 0.1 else ("F" if p.female ^ (rng.random() < 0.02) else "M"),
        "date_of_birth": _date(rng, p),
        "nationality": "" if r < 0.25 else (alpha3 if r < 0.55 else alpha2),
    }


def register(
    persons: int = 2000, seed: int = 14, names: str = "small"
) -> tuple[list[dict[str, str]], set[tuple[str, str]]]:
    """(rows, true pairs): rows in ``FIELDS`` order, shuffled; pairs as sorted id tuples.

    ``names``: ``"small"`` (the lists above, a few dozen names a country) or
    ``"realistic"`` (``name_pools()``: large pools, Zipf-like frequencies)."""
    if names not in {"small", "realistic"}:
        raise ValueError("names: small or realistic")
    pools = name_pools() if names == "realistic" else None
    rng = random.Random(seed)
    people: list[Person] = []
    for _ in range(persons):
        if people and rng.random() < 0.15:
            people.append(_relative(rng, rng.choice(people), pools))
        else:
            people.append(_person(rng, rng.choice(ORIGINS), rng.random() < 0.6, pools))
    rows: list[dict[str, str]] = []
    pairs: set[tuple[str, str]] = set()
    for number, person in enumerate(people):
        copies = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        ids = [f"p{seed}-{number}-{k}" for k in range(copies)]
        rows.extend(_record(rng, person, record_id) for record_id in ids)
        pairs.update((a, b) if a < b else (b, a) for i, a in enumerate(ids) for b in ids[i + 1 :])
    rng.shuffle(rows)
    return rows, pairs


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    rows, pairs = register(30, seed=1)
    for row in sorted(rows, key=lambda r: r["record_id"]):
        print(row)
