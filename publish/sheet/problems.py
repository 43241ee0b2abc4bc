"""Problems found in a workbook, each at its cell, in Danish or English, and the errors that carry them.

Stage: sheet (problems). Imports `errors`.
A workbook that is not one of planlod's (wrong file type, damaged, password-protected, sheets or columns
missing or renamed) raises `WorkbookError` (exit 2); bad cells and SHACL violations raise `SheetNonConforming`
(exit 1) with every problem found, so staff can fix them all in one go.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NonConforming, PlanlodError

# Every message staff can meet, by key: Danish and English. `{name}` fields are filled in by `text()`.
MESSAGES: dict[str, tuple[str, str]] = {
    # the file
    "not_found": ("filen {file} findes ikke", "the file {file} does not exist"),
    "xls": (
        "{file} er en gammel Excel-fil (.xls); gem den som Excel-projektmappe (.xlsx) og prøv igen",
        "{file} is an old Excel file (.xls); save it as an Excel workbook (.xlsx) and try again",
    ),
    "ods": (
        "{file} er et OpenDocument-regneark (.ods); gem det som Excel-projektmappe (.xlsx) og prøv igen",
        "{file} is an OpenDocument spreadsheet (.ods); save it as an Excel workbook (.xlsx) and try again",
    ),
    "encrypted": (
        "{file} er beskyttet med adgangskode; fjern adgangskoden (Filer › Info › Beskyt projektmappe) og prøv igen",
        "{file} is password-protected; remove the password (File › Info › Protect Workbook) and try again",
    ),
    "not_xlsx": (
        "{file} er ikke en Excel-projektmappe (.xlsx): {detail}",
        "{file} is not an Excel workbook (.xlsx): {detail}",
    ),
    "too_large": (
        "{file} pakker ud til {size} MB, mere end en projektmappe til en plan kan fylde ({limit} MB); "
        "eksportér planen igen, eller gem kun planens ark",
        "{file} unpacks to {size} MB, more than a workbook of one plan can hold ({limit} MB); export the plan "
        "again, or save only the plan's sheets",
    ),
    "formula": (
        "cellen indeholder en formel ({formula}); planlod læser kun værdier: skriv selve værdien",
        "the cell holds a formula ({formula}); planlod reads values only: type the value itself",
    ),
    "damaged": (
        "{file} er beskadiget og kan ikke læses ({detail}); brug en tidligere kopi eller eksportér planen igen",
        "{file} is damaged and cannot be read ({detail}); use an earlier copy or export the plan again",
    ),
    "not_ours": (
        "{file} er ikke en planlod-projektmappe: arket »{sheet}« mangler; start fra »planlod sheet new« eller "
        "»planlod sheet export«",
        "{file} is not a planlod workbook: the sheet “{sheet}” is missing; start from “planlod sheet new” or "
        "“planlod sheet export”",
    ),
    "missing_column": (
        "{sheet}: kolonnen »{column}« mangler i første række; sæt den ind igen (kolonnerne er: {columns})",
        "{sheet}: the column “{column}” is missing from the first row; put it back (the columns are: {columns})",
    ),
    "unknown_column": (
        "{cell}: kolonnen »{column}« kendes ikke (er den omdøbt?); kolonnerne er: {columns}",
        "{cell}: the column “{column}” is not known (was it renamed?); the columns are: {columns}",
    ),
    "duplicate_column": (
        "{cell}: kolonnen »{column}« står to gange; slet den ene",
        "{cell}: the column “{column}” appears twice; delete one of them",
    ),
    "one_plan": (
        "arket {sheet} skal have præcis én plan i række 2; det har {count}",
        "the sheet {sheet} must hold exactly one plan, in row 2; it holds {count}",
    ),
    # cells
    "required": ("{column} skal udfyldes", "{column} must be filled in"),
    "not_date": (
        "»{value}« er ikke en dato; skriv fx 2020-02-17 eller 17-02-2020",
        "“{value}” is not a date; write e.g. 2020-02-17 or 17-02-2020",
    ),
    "not_integer": (
        "»{value}« er ikke et helt tal fra 1; skriv fx 3",
        "“{value}” is not a whole number from 1; write e.g. 3",
    ),
    "not_decimal": (
        "»{value}« er ikke et tal; skriv fx 0,75",
        "“{value}” is not a number; write e.g. 0.75",
    ),
    "not_choice": (
        "»{value}« er ikke en af mulighederne: {choices}",
        "“{value}” is not one of the choices: {choices}",
    ),
    "unknown_sdg": (
        "»{value}« er ikke et af FN's verdensmål eller delmål; vælg fx 3 eller 3.5 fra listen",
        "“{value}” is not one of the UN's goals or targets; choose e.g. 3 or 3.5 from the list",
    ),
    "unknown_ref": (
        "»{value}« findes ikke i projektet eller på arket {sheet}; vælg fra listen eller tilføj den på arket {sheet}",
        "“{value}” is not in the project nor on the sheet {sheet}; choose from the list or add it on the sheet {sheet}",
    ),
    "ambiguous_ref": (
        "»{value}« kan være flere: {candidates}; skriv ID'et i stedet",
        "“{value}” could be several: {candidates}; write the ID instead",
    ),
    "unknown_area": (
        "fokusområdet »{value}« står ikke på arket {sheet}; vælg et fra listen",
        "the focus area “{value}” is not on the sheet {sheet}; choose one from the list",
    ),
    "unknown_element": (
        "»{value}« er ikke et element i planen; skriv fx »sundhed« (et fokusområde), »sundhed/maal« (dets "
        "overordnede mål) eller »sundhed/indsats/1« (et fokuspunkt), eller vælg fra listen",
        "“{value}” is not an element of the plan; write e.g. “sundhed” (a focus area), “sundhed/maal” (its "
        "headline goal) or “sundhed/indsats/1” (a focus point), or choose from the list",
    ),
    "unknown_link": (
        "»{value}« er ikke en kobling på arket {sheet}; skriv elementet og målets nummer som fx "
        "»sundhed/indsats/1/sdg/3.5«, eller vælg fra listen",
        "“{value}” is not a link on the sheet {sheet}; write the element and the goal's or target's code, e.g. "
        "“sundhed/indsats/1/sdg/3.5”, or choose from the list",
    ),
    "bad_slug": (
        "ID'et »{value}« må kun have små bogstaver a–z, tal og bindestreger; lad feltet stå tomt for en ny række",
        "the ID “{value}” may only have lower-case letters a–z, digits and hyphens; leave it empty for a new row",
    ),
    "bad_point_id": (
        "ID'et »{value}« skal være et helt tal fra 1; lad feltet stå tomt for et nyt fokuspunkt",
        "the ID “{value}” must be a whole number from 1; leave it empty for a new focus point",
    ),
    "bad_path": (
        "ID'et »{value}« skal være en sti som »parti/sf«; lad feltet stå tomt for en ny række",
        "the ID “{value}” must be a path such as “parti/sf”; leave it empty for a new row",
    ),
    "duplicate_id": (
        "ID'et »{value}« står også i række {other}; ryd feltet på den nye række (nye rækker får et ID ved import)",
        "the ID “{value}” is also on row {other}; clear it on the new row (new rows get an ID on import)",
    ),
    "duplicate_row": (
        "rækken gentager række {other} ({what}); slet den ene",
        "this row repeats row {other} ({what}); delete one of them",
    ),
    "taken_iri": (
        "{what} {value} findes allerede i projektet uden at være på arket; eksportér planen for at rette den, "
        "eller giv rækken et andet ID",
        "{what} {value} already exists in the project but is not on the sheet; export the plan to edit it, "
        "or give the row another ID",
    ),
    "no_name": (
        "rækken har hverken ID eller navn; skriv et navn (ID'et laves af det)",
        "the row has neither an ID nor a name; write a name (the ID is made from it)",
    ),
    "bad_iri": (
        "»{value}« er ikke en gyldig henvisning (IRI, sti eller præfiks:navn)",
        "“{value}” is not a valid reference (an IRI, a path or a prefix:name)",
    ),
    "bad_checksum": (
        "»{value}« er ikke en SHA-256-kontrolsum (64 tegn 0–9 og a–f)",
        "“{value}” is not a SHA-256 checksum (64 characters 0–9 and a–f)",
    ),
    "bad_language": (
        "»{value}« er ikke en sprogkode som da eller en",
        "“{value}” is not a language code such as da or en",
    ),
    "bad_property": (
        "»{value}« er ikke en egenskab (skriv fx rdfs:comment eller en hel IRI)",
        "“{value}” is not a property (write e.g. rdfs:comment or a full IRI)",
    ),
    "formula_error": (
        "cellen viser en formelfejl ({value}); skriv værdien i stedet",
        "the cell shows a formula error ({value}); write the value instead",
    ),
    "unknown_type": (
        "»{value}« er ikke en af typerne: {choices}",
        "“{value}” is not one of the types: {choices}",
    ),
}


def text(key: str, lang: str, **fields: object) -> str:
    """The message `key` in `lang` with its fields filled in."""
    da, en = MESSAGES[key]
    return (en if lang == "en" else da).format(**fields)


@dataclass(frozen=True)
class Problem:
    """One problem: where (a cell such as 'Fokuspunkter!C14', a sheet, or a data file), how bad, what."""

    where: str
    message: str
    severity: str = "Violation"

    def line(self, lang: str) -> str:
        """The one-line form staff read."""
        label = {"Violation": ("fejl", "error"), "Warning": ("advarsel", "warning"), "Info": ("bemærk", "note")}
        da, en = label.get(self.severity, (self.severity, self.severity))
        return f"{en if lang == 'en' else da}: {self.where}: {self.message}"


class WorkbookError(PlanlodError):
    """The file is not a planlod workbook, or cannot be read (exit 2)."""


class SheetNonConforming(NonConforming):
    """The workbook has bad cells or the plan it holds breaks the shapes (exit 1); nothing was written."""

    def __init__(self, problems: list[Problem], lang: str) -> None:
        self.problems = problems
        self.lang = lang
        violations = sum(1 for p in problems if p.severity == "Violation")
        warnings = sum(1 for p in problems if p.severity == "Warning")
        summary = (
            f"{violations} fejl og {warnings} advarsel(er); intet er skrevet. Ret cellerne og importér igen."
            if lang != "en"
            else f"{violations} error(s) and {warnings} warning(s); nothing was written. "
            "Fix the cells and import again."
        )
        super().__init__("\n".join([summary, *(p.line(lang) for p in problems)]))
