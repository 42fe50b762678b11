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
"""

from __future__ import annotations

import csv
import random
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


def _person(rng: random.Random, origin: str, female: bool) -> Person:
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


def _relative(rng: random.Random, other: Person) -> Person:
    """Same family (and nationality), another given name and date of birth; sometimes a twin."""
    person = _person(rng, other.origin, rng.random() < 0.5)
    person.family = other.family
    if other.origin in {"ru", "ua", "by"}:
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
    persons: int = 2000, seed: int = 14
) -> tuple[list[dict[str, str]], set[tuple[str, str]]]:
    """(rows, true pairs): rows in ``FIELDS`` order, shuffled; pairs as sorted id tuples."""
    rng = random.Random(seed)
    people: list[Person] = []
    for _ in range(persons):
        if people and rng.random() < 0.15:
            people.append(_relative(rng, rng.choice(people)))
        else:
            people.append(_person(rng, rng.choice(ORIGINS), rng.random() < 0.6))
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
