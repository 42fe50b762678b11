"""Every user-facing string is marked for translation (issue 18; house style 38): text in
a template outside {% translate %} / {% blocktranslate %}, and a string literal handed
to a label, help text, message, domain error or case page panel without gettext, fail.

Templates are read with Django's own template Lexer, their text and user-facing
attributes (title, alt, placeholder, aria-label) with the HTML parser; Python with its
AST. The allow-list holds what is the same in every language (the brand, units).
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

from haven.lib.errors import HavenError

HAVEN = Path(__file__).resolve().parents[2]
LETTER = re.compile(r"[^\W\d_]")
SEPARATORS = re.compile("[\\s(),.:;·/\u00d7\u2013\u2014-]+")  # x and dashes as escapes
# The same in every language.
ALLOWED = {
    "Haven",
    "HTCDS",
    "JSON",
    "CSV",
    "XLSX",
    "PDF",
    "ISO",
    "GDPR",
    "API",
    "NRM",
    "ε",
    "δ",
    "k",
    "v",  # a version: "v3"
    "km",
    "MB",
    "%",
}
ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
SILENT_ELEMENTS = {"script", "style"}
PLACEHOLDER = " "  # a tag or variable: no text, and harmless inside an HTML tag

BLOCK_TRANSLATE = ("blocktranslate", "blocktrans")
END_BLOCK_TRANSLATE = ("endblocktranslate", "endblocktrans")


def _template_html(source: str) -> str:
    """The template's HTML with every tag, variable and translated text replaced by a
    placeholder, and comments left out: what remains with letters is unmarked text."""
    out: list[str] = []
    in_translate = in_comment = in_verbatim = False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.strip() else ""
            in_translate = (in_translate or name in BLOCK_TRANSLATE) and (
                name not in END_BLOCK_TRANSLATE
            )
            in_comment = (in_comment or name == "comment") and name != "endcomment"
            in_verbatim = (in_verbatim or name == "verbatim") and name != "endverbatim"
            out.append(PLACEHOLDER)
        elif token.token_type == TokenType.VAR:
            out.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and not (in_translate or in_comment):
            out.append(token.contents)
    return "".join(out)


def _unmarked(text: str) -> str:
    words = " ".join(text.split())
    if not LETTER.search(words):
        return ""
    remaining = [w for w in SEPARATORS.split(words) if w and w not in ALLOWED]
    return words if any(LETTER.search(w) for w in remaining) else ""


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SILENT_ELEMENTS:
            self.silent += 1
        shown = set(ATTRIBUTES)
        if tag == "input" and dict(attrs).get("type") in {"submit", "button", "reset"}:
            shown.add("value")  # the button's text
        for name, value in attrs:
            if name in shown and value and (text := _unmarked(value)):
                self.found.append(f'{name}="{text}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT_ELEMENTS:
            self.silent = max(0, self.silent - 1)

    def handle_data(self, data: str) -> None:
        if not self.silent and (text := _unmarked(data)):
            self.found.append(text)


def unmarked_template_text(source: str) -> list[str]:
    finder = _TextFinder()
    finder.feed(_template_html(source))
    finder.close()
    return finder.found


# --- Python -------------------------------------------------------------------------------

KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "title", "empty_label"}
MESSAGE_FUNCTIONS = {"success", "error", "info", "warning", "debug", "add_message"}
# Django's and DRF's errors whose message reaches the user.
ERROR_CLASSES = {
    "ValidationError",
    "AuthenticationFailed",
    "PermissionDenied",
    "ParseError",
    "NotAuthenticated",
}
FIELD_MODULES = {"models", "forms", "serializers"}
# Their first argument is the related model, not a name.
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# The first argument is a pattern.
PATTERN_FIELDS = {"RegexField"}
# A sweep's label is for the console's log of the deadline worker, not a page.
CONSOLE_CALLS = {"sweep_register"}


def _error_class_names() -> set[str]:
    """Haven's domain errors whose message a user reads (the 403, 409 and form error, the
    API's ``detail``). Left out: the 5xx errors (a misconfigured server, for its
    operator; the API says only that it failed) are diagnostics like the logs."""
    names = set()
    for path in HAVEN.glob("*/errors.py"):
        module = importlib.import_module(f"haven.{path.parent.name}.errors")
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, HavenError)
                and value.http_status < HTTPStatus.INTERNAL_SERVER_ERROR
            ):
                names.add(name)
    return names


def _is_text(node: ast.AST | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(_unmarked(node.value))
    )


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _module_of(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return ""


def unmarked_python_strings(
    source: str, errors: set[str], *, api: bool = False
) -> Iterator[tuple[int, str]]:
    """Unmarked strings handed to users. In an API module (``api=True``) the help texts
    document the schema for developers, in English like the rest of the OpenAPI
    document; its error messages are still the users'."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        first = node.args[0] if node.args else None
        hidden = any(  # editable=False: in no form nor admin page
            k.arg == "editable" and isinstance(k.value, ast.Constant) and k.value.value is False
            for k in node.keywords
        )
        for keyword in node.keywords:
            if ((api or hidden) and keyword.arg == "help_text") or name in CONSOLE_CALLS:
                continue
            if keyword.arg in KEYWORDS and _is_text(keyword.value):
                yield node.lineno, f"{keyword.arg}={ast.unparse(keyword.value)}"
        text: ast.expr | None = None
        if name in MESSAGE_FUNCTIONS and _module_of(node) == "messages":
            position = 2 if name == "add_message" else 1
            text = node.args[position] if len(node.args) > position else None
        elif name in ERROR_CLASSES or name in errors:
            text = first
        elif name == "Panel":
            text = node.args[4] if len(node.args) > 4 else None
        elif (
            _module_of(node) in FIELD_MODULES
            and name.endswith("Field")
            and name not in RELATION_FIELDS | PATTERN_FIELDS
        ):
            text = first
        if text is not None and _is_text(text):
            yield node.lineno, f"{name}({ast.unparse(text)})"


# The console (backup and restore, management commands) speaks to the operator in
# English; tests, migrations and the synthetic demo data are not the interface.
NOT_INTERFACE = {"tests", "migrations", "demo", "backup", "management"}


def _python_files() -> list[Path]:
    return sorted(
        path
        for path in HAVEN.rglob("*.py")
        if not NOT_INTERFACE & set(path.relative_to(HAVEN).parts)
        and path.name not in {"cli.py", "settings.py"}
    )


def _is_api(path: Path) -> bool:
    parts = path.relative_to(HAVEN).parts
    return "api" in parts or path.stem.startswith(("api", "serializers"))


# --- the scanners, on examples ------------------------------------------------------------


def test_the_template_scan_finds_unmarked_text_and_attributes() -> None:
    source = """{% load i18n %}<h1>Cases</h1>
    <input placeholder="Search" aria-label="{% translate 'Search' %}">
    <p>{% translate "Marked" %} {{ value }} · 3 km</p>
    {% blocktranslate %}Marked {{ x }} too{% endblocktranslate %}
    {% comment %}A note for developers{% endcomment %}{# and this #}
    <script>const words = "not text";</script><p title="Haven">Haven</p>
    <input type="submit" value="Send"><input type="hidden" name="step" value="second">"""

    assert unmarked_template_text(source) == ["Cases", 'placeholder="Search"', 'value="Send"']


def test_the_template_scan_passes_a_marked_template() -> None:
    source = """{% load i18n %}<h1>{% translate "Cases" %}</h1>
    <img alt="{% translate 'Logo' %}" src="{{ url }}"><p>{{ count }} / {{ total }}</p>"""

    assert unmarked_template_text(source) == []


def test_the_python_scan_finds_unmarked_arguments() -> None:
    source = """
name = forms.CharField(label="Name", help_text=_("Marked"))
messages.success(request, "Saved.")
messages.error(request, _("Marked."))
raise InvalidInput("Not allowed here.", code=ErrorCode.INVALID)
raise ValidationError(_("Marked."))
title = models.CharField("title", max_length=9)
Panel("body", 10, "x.html", {}, "Decisions")
Panel("body", 10, "x.html", {}, _("Marked"))
"""

    found = [text for _line, text in unmarked_python_strings(source, {"InvalidInput"})]

    assert found == [
        "label='Name'",
        "success('Saved.')",
        "InvalidInput('Not allowed here.')",
        "CharField('title')",
        "Panel('Decisions')",
    ]


def test_the_python_scan_leaves_api_help_texts_and_related_models_alone() -> None:
    source = """
class Out(serializers.Serializer):
    id = serializers.UUIDField(help_text="The case's id.")
    version = models.PositiveIntegerField(editable=False, help_text="Locking.")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE)
raise ValidationError("Too large.")
"""

    found = [text for _line, text in unmarked_python_strings(source, set(), api=True)]

    assert found == ["ValidationError('Too large.')"]


# --- Haven's own code -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    sorted(HAVEN.glob("*/templates/**/*.html")),
    ids=lambda path: str(path.relative_to(HAVEN)),
)
def test_every_template_marks_its_text_for_translation(path: Path) -> None:
    assert unmarked_template_text(path.read_text()) == []


def test_every_python_string_shown_to_a_user_is_marked_for_translation() -> None:
    errors = _error_class_names()
    found = [
        f"{path.relative_to(HAVEN)}:{line}: {text}"
        for path in _python_files()
        for line, text in unmarked_python_strings(path.read_text(), errors, api=_is_api(path))
    ]

    assert found == []
