"""Name folding for search and duplicate detection: "Quintero-Ávila" and "quintero avila"
must meet."""

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed, hyphens and punctuation turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_LETTERS.sub(" ", without_marks.lower()).strip()


def digits(text: str) -> str:
    """The digits of the text, as ASCII: a phone typed with full-width or Arabic-Indic digits
    is stored and matched like one typed with 0-9."""
    return "".join(str(unicodedata.decimal(char)) for char in text or "" if char.isdecimal())


# Small words inside compound surnames ("de la Cruz", "García y López"); they say nothing about
# who a person is, so matching ignores them.
SURNAME_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "di", "du", "van", "von"}
)

# Common nicknames and the given names they stand for, folded (see `fold`). Two names match when
# one is a nickname of the other, or both are nicknames of one name (Paco and Pancho).
NICKNAMES: dict[str, tuple[str, ...]] = {
    # Spanish
    "lupe": ("guadalupe",),
    "lupita": ("guadalupe",),
    "chuy": ("jesus",),
    "chucho": ("jesus",),
    "pepe": ("jose",),
    "paco": ("francisco",),
    "pancho": ("francisco",),
    "memo": ("guillermo",),
    "nacho": ("ignacio",),
    "lalo": ("eduardo",),
    "beto": ("alberto", "roberto", "humberto", "heriberto"),
    "tono": ("antonio",),
    "kiki": ("enrique",),
    "quique": ("enrique",),
    "rafa": ("rafael",),
    "chava": ("salvador",),
    "chente": ("vicente",),
    "poncho": ("alfonso",),
    "goyo": ("gregorio",),
    "checo": ("sergio",),
    "nando": ("fernando",),
    "fer": ("fernando", "fernanda"),
    "javi": ("javier",),
    "santi": ("santiago",),
    "manolo": ("manuel",),
    "manny": ("manuel",),
    "lola": ("dolores",),
    "chela": ("graciela",),
    "chabela": ("isabel",),
    "charo": ("rosario",),
    "chayo": ("rosario",),
    "concha": ("concepcion",),
    "lety": ("leticia",),
    "paty": ("patricia",),
    "vero": ("veronica",),
    "gaby": ("gabriela",),
    "moni": ("monica",),
    "tere": ("teresa",),
    "dani": ("daniela", "daniel"),
    # English
    "mike": ("michael", "miguel"),
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "liam": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "rob": ("robert", "roberto"),
    "liz": ("elizabeth",),
    "beth": ("elizabeth",),
    "betty": ("elizabeth",),
    "kate": ("katherine", "catherine", "kathryn"),
    "katie": ("katherine", "catherine", "kathryn"),
    "kathy": ("katherine", "catherine", "kathryn"),
    "jim": ("james",),
    "jimmy": ("james",),
    "tony": ("anthony", "antonio"),
    "alex": ("alejandro", "alexander", "alejandra", "alexandra"),
    "danny": ("daniel",),
    "dan": ("daniel",),
    "chris": ("christopher", "christian", "cristian", "christina", "cristina"),
    "matt": ("matthew",),
    "nick": ("nicholas", "nicolas"),
    "sam": ("samuel", "samantha"),
    "ben": ("benjamin",),
    "joe": ("joseph", "jose"),
    "joey": ("joseph", "jose"),
    "johnny": ("john", "jonathan"),
    "jack": ("john",),
    "josh": ("joshua",),
    "dave": ("david",),
    "steve": ("steven", "stephen", "esteban"),
    "andy": ("andrew", "andres"),
    "drew": ("andrew",),
    "jen": ("jennifer",),
    "jenny": ("jennifer",),
    "jess": ("jessica",),
    "abby": ("abigail",),
    "maggie": ("margaret",),
    "tom": ("thomas", "tomas"),
    "tommy": ("thomas", "tomas"),
    "rick": ("richard", "ricardo"),
    "ricky": ("richard", "ricardo"),
    "eddie": ("edward", "eduardo"),
    "greg": ("gregory",),
    "tim": ("timothy",),
    "ray": ("raymond", "ramon"),
    "nate": ("nathan", "nathaniel"),
    "zach": ("zachary",),
    "angie": ("angela", "angelica"),
    "mandy": ("amanda",),
    "becky": ("rebecca",),
    "frank": ("francisco", "franklin"),
    "gabe": ("gabriel",),
}


def name_words(text: str) -> list[str]:
    return fold(text).split()


def surname_words(text: str) -> list[str]:
    """The words of a surname without particles, unless the particles are all there is."""
    words = name_words(text)
    return [word for word in words if word not in SURNAME_PARTICLES] or words


def nicknames_match(a: str, b: str) -> bool:
    """Whether two folded given names can be the same person's by the NICKNAMES table."""
    if a == b:
        return True
    a_stands_for = NICKNAMES.get(a, ())
    b_stands_for = NICKNAMES.get(b, ())
    return b in a_stands_for or a in b_stands_for or bool(set(a_stands_for) & set(b_stands_for))


def _nicknames_by_name() -> dict[str, set[str]]:
    by_name: dict[str, set[str]] = {}
    for nickname, names in NICKNAMES.items():
        for name in names:
            by_name.setdefault(name, set()).add(nickname)
    return by_name


_NICKNAMES_BY_NAME = _nicknames_by_name()


def given_name_forms(word: str) -> set[str]:
    """A folded given name with every name the NICKNAMES table lets it match: "chuy" gives
    {"chuy", "jesus", "chucho"}."""
    names = {word, *NICKNAMES.get(word, ())}
    return names | {nickname for name in names for nickname in _NICKNAMES_BY_NAME.get(name, ())}
