"""Merge translations from a Python dict file into locale/<lang>/LC_MESSAGES/django.po and
compile it. Used by developers after `manage.py makemessages`; needs `pip install polib`.

    python tools/fill_translations.py es translations.py
"""

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(language: str, source: str) -> None:
    strings = runpy.run_path(source)
    singular, plural = strings.get("ES", {}), strings.get("PLURALS", {})
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural and entry.msgid in plural:
            entry.msgstr_plural = dict(enumerate(plural[entry.msgid]))
        elif entry.msgid in singular:
            entry.msgstr = singular[entry.msgid]
        elif not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata_is_fuzzy = False
    catalogue.metadata.update(
        {
            "Project-Id-Version": "reengage",
            "Last-Translator": "reengage developers",
            "Language-Team": f"reengage {language}",
            "PO-Revision-Date": catalogue.metadata.get("POT-Creation-Date", ""),
        }
    )
    catalogue.metadata["Language"] = language
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.save()
    catalogue.save_as_mofile(str(path.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
