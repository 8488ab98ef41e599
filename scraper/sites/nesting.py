"""HTML trees, built only for markup that a tree builder gets through in bounded time.

An HTML5 tree builder (lexbor's as much as a browser's) walks its stack of open elements for
many tags, so markup nested N deep costs N squared (100,000 nested divs: 47 s), and it re-opens
every unclosed formatting element (<b>, <i>, <font>...) before later tags and text, so
`<p><b id=N></p>` repeated builds N squared elements (10,000 of them, 180 KB: 54 s). One element
with N distinct attributes is quadratic too (80,000: 10 s). `tree` refuses such markup after one
linear pass that follows the tree builder's rules for its stack and its list of formatting
elements (the HTML standard, "tree construction"), before lexbor sees it.

Where the pass cannot tell what the tree builder would do, it keeps elements open rather than
close them: it may count a page deeper than it is, never much shallower.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser

# The pages of the shared corpus and tests/fixtures nest at most 31 elements deep (html and body
# included; Metacritic's 2020 profile), the review texts in them at most 97 (a Letterboxd export
# review that writes <i>title<i>, 95 <i>s left open). Chrome stops nesting at 512 too: deeper
# elements become siblings there. At 512, lexbor's stack walks cost about 0.1 s per MB more.
MAX_DEPTH = 512
# At most 167 in the corpus (a 2019 Rotten Tomatoes <meta> whose description holds unescaped
# quotes, so that its words become attributes); 512 costs lexbor about 0.17 s per MB of them.
MAX_ATTRIBUTES = 512
# Formatting elements open or pending at once after the last table cell, object or template
# (each is re-opened before later tags and text): at most 8 in the corpus.
MAX_FORMATTING = 64
# Formatting elements re-opened in one page or text (each one a new element): at most 8 in the
# corpus; this bounds what unclosed <b>s can make lexbor build.
MAX_REOPENED = 100_000


_TOO_DEEP = f"HTML nested deeper than the limit of {MAX_DEPTH} elements"


class Unbounded(ValueError):
    """Markup that no site serves and whose tree would take unbounded time to build."""


def tree(markup: str) -> LexborHTMLParser:
    """The tree of `markup`, or Unbounded (a ValueError) for markup nested too deeply."""
    check(markup)
    # Without mutation events: with them, each <option> of a <select> re-runs its selectedness
    # over all the others (40,000 options: 5 s), and no parser reads what they add.
    return LexborHTMLParser(markup, options=LexborDocumentOptions.WO_EVENTS)


def check(markup: str) -> None:
    """Unbounded, naming the limit, for markup over one of the limits above."""
    # Every element on the stack comes from a tag of 3 characters or more, at most three from
    # one tag (a lone <td> opens a tbody and a tr too): this much markup cannot go over.
    if len(markup) <= MAX_DEPTH // 2 or _few_plain_tags(markup):
        return
    # Framesets nest in their own mode, where every other tag is ignored; pages have a few.
    if len(_FRAMESET.findall(markup)) > MAX_DEPTH:
        raise Unbounded(f"HTML with more framesets than the limit of {MAX_DEPTH}")
    _Scan(markup).run()


# A review's own HTML (a few <br>, <p>, <i>) is parsed on its own for its text, dozens of times
# a page: scanning each as a page cost more than the page's own scan. With this few tags, the
# tree builder's work is bounded whatever they are: at most FEW_TAGS elements opened by tags,
# three times that implied, and FEW_TAGS formatting elements re-opened before each of at most
# FEW_TAGS + 1 runs of text; only the attributes of a tag are left to count.
FEW_TAGS = 64
# Where the tokenizer leaves the data state (raw text, script, foreign content, plaintext),
# a scan by tags no longer sees the tags it would see: such texts take the whole scan.
_OTHER_STATES = re.compile(
    r"<(?:script|style|xmp|iframe|noembed|noframes|noscript|textarea|title|plaintext|svg|math)"
    r"|<!\[CDATA\[",
    re.IGNORECASE | re.ASCII,
)


def _few_plain_tags(markup: str) -> bool:
    """Whether `markup` has at most FEW_TAGS tags, all read in the data state, none with more
    than MAX_ATTRIBUTES attributes."""
    if markup.count("<") > FEW_TAGS or _OTHER_STATES.search(markup):
        return False
    for match in _TOKEN.finditer(markup):
        attrs = match[3]
        if attrs and len(attrs) > 2 * MAX_ATTRIBUTES:
            _count_attributes(attrs)
    return True


def depth(markup: str) -> int:
    """How deep the tree builder's stack of open elements grows for `markup` (html and body
    included), with no limit on depth; Unbounded for the other limits."""
    scan = _Scan(markup, limit=len(markup) + 3)
    scan.run()
    return scan.deepest


# A tag as the tokenizer reads it: a name, then attributes whose quoted values may hold ">",
# up to ">" or the end of the input. The possessive loop never backtracks, so a tag that never
# closes costs one pass, not one per "<".
_ATTRS = (
    r"(?:[\t\n\f\r /]+|[^\t\n\f\r />][^\t\n\f\r />=]*(?:[\t\n\f\r ]*=[\t\n\f\r ]*"
    r"""(?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^\t\n\f\r >"'][^\t\n\f\r >]*)?)?)*+"""
)
_TOKEN = re.compile(
    r"<(?:(/?)([A-Za-z][^\t\n\f\r />]*)(" + _ATTRS + r")(?:>|\Z)"
    r"|!--(?:-?>|.*?--!?>|.*\Z)"  # a comment, "<!-->" and "<!--->" included
    r"|(!\[CDATA\[)"  # text in SVG and MathML, a bogus comment elsewhere
    r"|[!?][^>]*(?:>|\Z)|/>|/[^A-Za-z>][^>]*(?:>|\Z))",  # doctype and bogus comments
    re.S,
)
_ATTR = re.compile(
    r"([^\t\n\f\r />][^\t\n\f\r />=]*)(?:[\t\n\f\r ]*=[\t\n\f\r ]*"
    r"""("[^"]*"?|'[^']*'?|[^\t\n\f\r >"'][^\t\n\f\r >]*))?"""
)
# Tag names match ignoring ASCII case only: "</\u017fcript>" (a long s) does not end a script.
_ASCII_CASE = re.IGNORECASE | re.ASCII


def _match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where `pattern` stops matching at `pos`: it matches there by construction (it ends in
    \\Z, or `pos` is where the scan found its start)."""
    found = pattern.match(text, pos)
    assert found is not None, pattern.pattern
    return found.end()


_BOGUS_END = re.compile(r"[^>]*(?:>|\Z)")
_CDATA_END = re.compile(r".*?(?:\]\]>|\Z)", re.S)
_SCRIPT_DATA = re.compile(r"</script[\t\n\f\r />]|<!--", _ASCII_CASE)
_SCRIPT_ESCAPED = re.compile(r"-->|</script[\t\n\f\r />]|<script[\t\n\f\r />]", _ASCII_CASE)
_SCRIPT_DOUBLE = re.compile(r"-->|</script[\t\n\f\r />]", _ASCII_CASE)
_RAW_END: dict[str, re.Pattern[str]] = {}
_FRAMESET = re.compile("<frameset", _ASCII_CASE)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The element sets of the HTML standard's tree construction.
_VOID = _names(
    "area base basefont bgsound br embed hr img image input keygen link meta param source "
    "track wbr frame"
)
_VOID_RECONSTRUCT = _names("area br embed img image input keygen wbr")
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
_CLOSES_P = _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p search section summary ul pre listing form"
)
_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
_BLOCK_END = _names(
    "address article aside blockquote button center details dialog dir div dl fieldset "
    "figcaption figure footer header hgroup listing main menu nav ol pre search section "
    "select summary ul dd dt"
)
_IMPLIED_END = _names("dd dt li optgroup option p rb rp rt rtc")
_MARKER_ELEMENTS = _names("applet marquee object template td th caption")
_TABLE_PARTS = _names("td th tr tbody thead tfoot caption colgroup col")
_TABLE_SECTIONS = ("tbody", "thead", "tfoot")
_RAWTEXT = _names("style xmp iframe noembed noframes textarea title")
_SPECIAL = _names(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input "
    "keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p "
    "param plaintext pre script search section select source style summary table tbody td "
    "template textarea tfoot th thead title tr track ul wbr xmp"
)
# lexbor lets no end tag inside a <select> reach past it, as for these.
_SCOPE = _names("applet caption html table td th marquee object template select")
# Start tags that end SVG or MathML content (font only with color, face or size).
_BREAKOUT = _names(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i "
    "img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u "
    "ul var"
)
_MATH_TEXT = _names("mi mo mn ms mtext")
# Tags with rules of their own; any other start tag re-opens formatting elements and opens,
# any other end tag of the current element closes it.
_OWN_START = (
    _VOID
    | _FORMATTING
    | _CLOSES_P
    | _HEADINGS
    | _TABLE_PARTS
    | _RAWTEXT
    | _names("li dd dt table script plaintext template rb rtc rp rt html body head")
    | _names("button option optgroup svg math applet marquee object")
)
_OWN_END = _FORMATTING | _MARKER_ELEMENTS | _names("body html head br col")

# What an element on the stack is, as bits: 0 for an HTML element.
_FOREIGN = 1  # SVG or MathML
_SVG = 2
_HTML_POINT = 4  # <foreignObject>, <desc>, <title> in SVG; an HTML <annotation-xml>
_TEXT_POINT = 8  # <mi>, <mo>, <mn>, <ms>, <mtext>
_ANNOTATION = 16  # a MathML <annotation-xml>, in which <svg> starts SVG
_READS_HTML = _HTML_POINT | _TEXT_POINT  # text and most tags in it follow the HTML rules
_MARKER = 0


class _Stop(Exception):
    """The rest of the input is text (<plaintext>, or a raw text element never closed)."""


class _Scan:
    """One pass over markup, keeping the tree builder's stack of open elements (as positions by
    name and by category, so that every scope test costs the same at any depth) and its list
    of active formatting elements."""

    def __init__(self, markup: str, limit: int = MAX_DEPTH) -> None:
        self.markup, self.limit, self.deepest = markup, limit, 0
        # The stack: an HTML element's name (SVG and MathML ones as "~name"), its kind, the
        # position lists it is in, and an id for a formatting element (else 0).
        self.keys: list[str] = []
        self.kinds: list[int] = []
        self.lists: list[tuple[list[int], ...]] = []
        self.ids: list[int] = []
        self.at: dict[str, list[int]] = {}
        self.special: list[int] = []
        self.scope: list[int] = []
        self.table: list[int] = []
        self.headings: list[int] = []
        self.li_stops: list[int] = []  # special, but not address, div or p
        # Where each run of SVG/MathML elements on the stack starts (the HTML element below it
        # is the one the HTML rules go on from), and where each run that does not read HTML
        # starts (the element below it is where a <div> in SVG goes back to).
        self.foreign_runs: list[int] = []
        self.closed_runs: list[int] = []
        self.targets: dict[str, tuple[list[int], ...]] = {}
        # The list of active formatting elements: element ids, and _MARKER.
        self.afe: list[int] = []
        self.markers: list[int] = []
        self.afe_name: dict[int, str] = {}
        self.afe_attrs: dict[int, str] = {}
        self.index: dict[int, int] = {}  # a formatting element's id -> its stack position
        self.next_id = 1
        self.reopened = 0

    # --- the stack ------------------------------------------------------------------------

    def push(self, key: str, kind: int = 0) -> None:
        position = len(self.keys)
        if position >= self.deepest:
            if position >= self.limit:
                raise Unbounded(_TOO_DEEP)
            self.deepest = position + 1
        targets = self.targets.get(key) if not kind else None
        if targets is None:
            targets = self.position_lists(key, kind)
        self.keys.append(key)
        self.kinds.append(kind)
        self.lists.append(targets)
        self.ids.append(0)
        for positions in targets:
            positions.append(position)

    def position_lists(self, key: str, kind: int) -> tuple[list[int], ...]:
        lists = [self.at.setdefault(key, [])]
        if not kind:
            if key in _SPECIAL:
                lists.append(self.special)
                if key not in ("address", "div", "p"):
                    lists.append(self.li_stops)
            if key in _SCOPE:
                lists.append(self.scope)
            if key in ("html", "table", "template"):
                lists.append(self.table)
            if key in _HEADINGS:
                lists.append(self.headings)
            self.targets[key] = targets = tuple(lists)
            return targets
        if kind & (_READS_HTML | _ANNOTATION):  # integration points are special, and scopes
            lists += [self.special, self.li_stops, self.scope]
        below = self.kinds[-1]
        if not below:
            lists.append(self.foreign_runs)
        if not kind & _READS_HTML and (not below or below & _READS_HTML):
            lists.append(self.closed_runs)
        return tuple(lists)

    def pop(self) -> None:
        self.keys.pop()
        self.kinds.pop()
        for positions in self.lists.pop():
            positions.pop()
        element = self.ids.pop()
        if element:
            del self.index[element]

    def pop_to(self, position: int) -> None:
        """Pop every element from the top down to the one at `position`, that one included."""
        while len(self.keys) > position:
            self.pop()

    def last(self, key: str) -> int:
        positions = self.at.get(key)
        return positions[-1] if positions else -1

    def in_scope(self, position: int, *extra: str) -> bool:
        """Whether the element at `position` is in scope: no scope boundary above it."""
        if position < 0:
            return False
        bound = self.scope[-1]
        for key in extra:
            bound = max(bound, self.last(key))
        return position >= bound

    def close_p(self) -> None:
        p = self.last("p")
        if p >= 0 and self.in_scope(p, "button"):
            self.pop_to(p)

    def transient(self) -> None:
        """An element opened and closed at once (<script>, an empty <p> for a lone </p>)."""
        if len(self.keys) >= self.limit:
            raise Unbounded(_TOO_DEEP)

    # --- active formatting elements -------------------------------------------------------

    def push_formatting(self, name: str) -> int:
        self.push(name)
        element = self.ids[-1] = self.next_id
        self.next_id += 1
        self.index[element] = len(self.keys) - 1
        return element

    def after_marker(self) -> int:
        return self.markers[-1] + 1 if self.markers else 0

    def add_formatting(self, name: str, attrs: str) -> None:
        element = self.push_formatting(name)
        afe, start, key = self.afe, self.after_marker(), name + " " + attrs
        alike = [i for i in range(start, len(afe)) if self.afe_attrs[afe[i]] == key]
        if len(alike) >= 3:  # the standard's "Noah's Ark" clause: three alike at most
            self.forget(alike[0])
        afe.append(element)
        self.afe_name[element] = name
        self.afe_attrs[element] = key
        if len(afe) - start > MAX_FORMATTING:
            raise Unbounded(
                "HTML with more formatting elements open at once than the limit of "
                f"{MAX_FORMATTING}"
            )

    def forget(self, i: int) -> None:
        element = self.afe.pop(i)
        del self.afe_name[element], self.afe_attrs[element]

    def add_marker(self) -> None:
        self.markers.append(len(self.afe))
        self.afe.append(_MARKER)

    def clear_to_marker(self) -> None:
        if not self.markers:
            return
        start = self.markers.pop()
        for element in self.afe[start + 1 :]:
            del self.afe_name[element], self.afe_attrs[element]
        del self.afe[start:]

    def find_formatting(self, name: str) -> int:
        """Index in the list of the last formatting element `name` after the last marker."""
        afe, names = self.afe, self.afe_name
        for i in range(len(afe) - 1, self.after_marker() - 1, -1):
            if names[afe[i]] == name:
                return i
        return -1

    def reconstruct(self) -> None:
        afe, index = self.afe, self.index
        if not afe or afe[-1] == _MARKER or afe[-1] in index:
            return
        i = len(afe) - 1
        while i > 0 and afe[i - 1] != _MARKER and afe[i - 1] not in index:
            i -= 1
        for j in range(i, len(afe)):
            old = afe[j]
            name = self.afe_name.pop(old)
            new = afe[j] = self.push_formatting(name)
            self.afe_name[new] = name
            self.afe_attrs[new] = self.afe_attrs.pop(old)
            self.reopened += 1
        if self.reopened > MAX_REOPENED:
            raise Unbounded(
                f"HTML that re-opens unclosed formatting elements more often than the limit of "
                f"{MAX_REOPENED}"
            )

    def adoption(self, name: str) -> None:
        """An end tag of a formatting element (the "adoption agency algorithm"). Where it
        moves elements around a block, it never leaves the stack deeper than it was, so the
        stack is kept as it is."""
        if self.keys[-1] == name and self.ids[-1] not in self.afe_name:
            self.pop()
            return
        i = self.find_formatting(name)
        if i < 0:
            self.other_end(name)
            return
        position = self.index.get(self.afe[i])
        if position is None:
            self.forget(i)
        elif self.in_scope(position) and self.special[-1] < position:
            self.pop_to(position)
            self.forget(i)

    # --- the tokens -----------------------------------------------------------------------

    def run(self) -> None:
        self.push("html")
        self.push("body")
        markup, search, pos = self.markup, _TOKEN.search, 0
        keys, kinds, afe, index = self.keys, self.kinds, self.afe, self.index
        try:
            while (match := search(markup, pos)) is not None:
                # Text re-opens formatting elements, where the HTML rules read it.
                if (
                    match.start() > pos
                    and afe
                    and afe[-1]
                    and afe[-1] not in index
                    and (not kinds[-1] or kinds[-1] & _READS_HTML)
                ):
                    self.reconstruct()
                pos = match.end()
                name = match[2]
                if name is None:
                    if match[4] is not None:  # <![CDATA[
                        ending = _CDATA_END if kinds[-1] else _BOGUS_END
                        pos = _match_end(ending, markup, pos)
                    continue
                attrs = match[3]
                if len(attrs) > 2 * MAX_ATTRIBUTES:
                    _count_attributes(attrs)
                # ASCII only, as the tokenizer: "<lin\u212a>" (a Kelvin sign) is not a <link>.
                name = name.lower() if name.isascii() else name.translate(_ASCII_LOWER)
                if match[1]:
                    if keys[-1] != name or kinds[-1]:
                        self.end(name)
                    elif name not in _OWN_END:
                        self.pop()  # the current element's own end tag
                    elif self.ids[-1] and afe and afe[-1] == self.ids[-1]:
                        self.pop()  # the formatting element opened last
                        self.forget(len(afe) - 1)
                    elif name in _MARKER_ELEMENTS:
                        self.pop()
                        self.clear_to_marker()
                    else:
                        self.end(name)
                elif not kinds[-1] and name not in _OWN_START:
                    if afe and afe[-1] and afe[-1] not in index:
                        self.reconstruct()
                    self.push(name)
                else:
                    pos = self.start(name, attrs, pos)
        except _Stop:
            return

    def start(self, name: str, attrs: str, pos: int) -> int:
        kind = self.kinds[-1]
        if kind and not (
            kind & _HTML_POINT
            or (kind & _TEXT_POINT and name not in ("mglyph", "malignmark"))
            or (kind & _ANNOTATION and name == "svg")
        ):
            if name in _BREAKOUT or (name == "font" and _has_any(attrs, "color", "face", "size")):
                self.pop_to(self.closed_runs[-1])
            else:
                self.foreign(name, attrs)
                return pos
        return self.html_start(name, attrs, pos)

    def foreign(self, name: str, attrs: str) -> None:
        if _self_closing(attrs):  # honoured in SVG and MathML only
            return
        kind = _FOREIGN | (self.kinds[-1] & _SVG)
        if kind & _SVG:
            if name in ("foreignobject", "desc", "title"):
                kind |= _HTML_POINT
        elif name in _MATH_TEXT:
            kind |= _TEXT_POINT
        elif name == "annotation-xml":
            kind |= _HTML_POINT if _html_annotation(attrs) else _ANNOTATION
        self.push("~" + name, kind)

    def html_start(self, name: str, attrs: str, pos: int) -> int:
        if name in _VOID:
            if name in _VOID_RECONSTRUCT:
                self.reconstruct()
            elif name == "hr":
                self.close_p()
        elif name in _FORMATTING:
            self.formatting(name, attrs)
        elif name in _CLOSES_P:
            self.close_p()
            self.push(name)
        elif name in _HEADINGS:
            self.close_p()
            if self.keys[-1] in _HEADINGS:
                self.pop()
            self.push(name)
        elif name in ("li", "dd", "dt"):
            found = self.last("li") if name == "li" else max(self.last("dd"), self.last("dt"))
            if found >= 0 and found >= self.li_stops[-1]:
                self.pop_to(found)
            self.close_p()
            self.push(name)
        elif name in _TABLE_PARTS:
            self.table_start(name)
        elif name == "table":
            boundary = self.table[-1]
            if self.keys[boundary] == "table" and boundary > max(
                self.last("td"), self.last("th"), self.last("caption")
            ):
                self.pop_to(boundary)  # a table in a table's rows ends that table
            self.push(name)
        elif name == "script":
            return self.raw(self.script_end(pos))
        elif name in _RAWTEXT:
            if name == "xmp":
                self.close_p()
                self.reconstruct()
            end = _raw_end(name).search(self.markup, pos)
            return self.raw(end.start() if end else -1)
        elif name == "plaintext":
            self.close_p()
            self.push(name)
            raise _Stop
        elif name == "template":
            self.push(name)
            self.add_marker()
        elif name in ("rb", "rtc", "rp", "rt"):
            if self.in_scope(self.last("ruby")):
                keep = "rtc" if name in ("rp", "rt") else ""
                while self.keys[-1] in _IMPLIED_END and self.keys[-1] != keep:
                    self.pop()
            self.push(name)
        elif name not in ("html", "body", "head"):
            if name == "button":
                button = self.last("button")
                if self.in_scope(button):
                    self.pop_to(button)
            elif name in ("option", "optgroup") and self.keys[-1] == "option":
                self.pop()
            self.reconstruct()
            if name in ("svg", "math"):
                if not _self_closing(attrs):
                    self.push("~" + name, _FOREIGN | (_SVG if name == "svg" else 0))
            else:
                self.push(name)
                if name in ("applet", "marquee", "object"):
                    self.add_marker()
        return pos

    def formatting(self, name: str, attrs: str) -> None:
        if name == "a":
            i = self.find_formatting("a")
            if i >= 0:  # an <a> in an <a> closes the first
                element = self.afe[i]
                self.adoption("a")
                if element in self.afe_name:
                    self.forget(self.afe.index(element, self.after_marker()))
                if self.ids[-1] == element:
                    self.pop()
        self.reconstruct()
        if name == "nobr" and self.in_scope(self.last("nobr")):
            self.adoption("nobr")
            self.reconstruct()
        self.add_formatting(name, attrs.strip())

    def raw(self, end: int) -> int:
        """Skip the text of <script>, <style>, <textarea>...: lexbor reads no tags in it."""
        self.transient()
        if end < 0:
            raise _Stop
        return _match_end(_TOKEN, self.markup, end)

    def script_end(self, pos: int) -> int:
        """Where the end tag of a script is, following the tokenizer's script states: inside
        "<!-- <script>", a "</script>" does not end it."""
        markup, state = self.markup, 0
        while True:
            match = (_SCRIPT_DATA, _SCRIPT_ESCAPED, _SCRIPT_DOUBLE)[state].search(markup, pos)
            if match is None:
                return -1
            found = match[0][:2]
            if state == 0:
                if found == "</":
                    return match.start()
                state, pos = 1, match.start() + 2  # the dashes of "<!--" may end it: <!-->
            elif found == "--":
                state, pos = 0, match.end()
            elif state == 1 and found == "</":
                return match.start()
            else:  # "<script" escapes twice; its "</script" goes back once
                state, pos = (2 if state == 1 else 1), match.end()

    def table_start(self, name: str) -> None:
        boundary = self.table[-1]
        context = self.keys[boundary]
        if context == "html":
            return  # outside a table these tags are ignored
        if context == "template":
            self.push(name)
            if name in ("td", "th", "caption"):
                self.add_marker()
            return
        if name in ("td", "th", "tr"):
            row = self.last("tr")
            if name != "tr" and row > boundary:
                self.close_into(row + 1)
            else:
                section = max(self.last(key) for key in _TABLE_SECTIONS)
                if section > boundary:
                    self.close_into(section + 1)
                else:
                    self.close_into(boundary + 1)
                    self.push("tbody")
                self.push("tr")
            if name != "tr":
                self.push(name)
                self.add_marker()
        else:
            self.close_into(boundary + 1)
            self.push("colgroup" if name == "col" else name)
            if name == "caption":
                self.add_marker()

    def close_into(self, position: int) -> None:
        """Pop down to `position` inside a table; closing a cell or a caption on the way ends
        the formatting elements opened in it."""
        closed = any(self.last(key) >= position for key in ("td", "th", "caption"))
        self.pop_to(position)
        if closed:
            self.clear_to_marker()

    def end(self, name: str) -> None:
        if self.kinds[-1]:
            if name in ("br", "p"):
                if not self.kinds[-1] & _READS_HTML:  # an integration point stays open
                    self.pop_to(self.closed_runs[-1])
            else:
                foreign = self.last("~" + name)
                if foreign >= self.foreign_runs[-1]:
                    self.pop_to(foreign)
                    return
        self.html_end(name)

    def html_end(self, name: str) -> None:
        if name in _FORMATTING:
            self.adoption(name)
        elif name in _BLOCK_END:
            found = self.last(name)
            if self.in_scope(found):
                self.pop_to(found)
        elif name == "p":
            found = self.last("p")
            if self.in_scope(found, "button"):
                self.pop_to(found)
            else:
                self.transient()
        elif name == "li":
            found = self.last("li")
            if self.in_scope(found, "ol", "ul"):
                self.pop_to(found)
        elif name in _HEADINGS:
            if self.headings and self.in_scope(self.headings[-1]):
                self.pop_to(self.headings[-1])
        elif name == "form":
            found = self.last("form")
            if self.in_scope(found):
                while self.keys[-1] in _IMPLIED_END:
                    self.pop()
                if len(self.keys) - 1 == found:
                    self.pop()  # a form closed under other elements is left counted
        elif name in ("applet", "marquee", "object", "template"):
            found = self.last(name)
            if self.in_scope(found) or (name == "template" and found >= 0):
                self.pop_to(found)
                self.clear_to_marker()
        elif name in ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"):
            found = self.last(name)
            if found >= 0 and found >= self.table[-1]:
                self.close_into(found)
        elif name == "colgroup":
            if self.keys[-1] == "colgroup":
                self.pop()
        elif name == "br":
            self.reconstruct()
        elif name not in ("body", "html", "head", "col"):
            self.other_end(name)

    def other_end(self, name: str) -> None:
        """Any other end tag: closes the nearest element of that name, unless a special
        element (a block, a table part...) stands above it."""
        found = self.last(name)
        if found >= 0 and found >= self.special[-1]:
            self.pop_to(found)


def _count_attributes(attrs: str) -> None:
    count = len(_ATTR.findall(attrs))
    if count > MAX_ATTRIBUTES:
        raise Unbounded(
            f"an HTML element with {count} attributes, over the limit of {MAX_ATTRIBUTES}"
        )


def _self_closing(attrs: str) -> bool:
    """Whether a tag ends in "/>": not when the slash ends an unquoted value (<g a=x/>)."""
    if not attrs.endswith("/"):
        return False
    ends = [match.end() for match in _ATTR.finditer(attrs)]
    return not ends or ends[-1] < len(attrs)


def _raw_end(name: str) -> re.Pattern[str]:
    pattern = _RAW_END.get(name)
    if pattern is None:
        pattern = _RAW_END[name] = re.compile(f"</{name}[\\t\\n\\f\\r />]", _ASCII_CASE)
    return pattern


def _attribute_names(attrs: str) -> list[str]:
    return [m[1].lower() for m in _ATTR.finditer(attrs)]


def _has_any(attrs: str, *names: str) -> bool:
    return any(name in names for name in _attribute_names(attrs))


def _html_annotation(attrs: str) -> bool:
    for match in _ATTR.finditer(attrs):
        if match[1].lower() == "encoding":
            value = (match[2] or "").strip("\"'").lower()
            return value in ("text/html", "application/xhtml+xml")
    return False
