"""The publication tables as a journal gets them: the LaTeX compiled, the Word file rendered.

Every ``.tex`` that :func:`resilience.tables.to_latex` writes is compiled with pdflatex
inside the preamble the README gives; ``tables.docx`` is rendered to PDF by LibreOffice
headless and its pages are measured (A4) and read back (no number wrapped). The tables
are the shipped specs' tables fitted on the simulated panels, a table whose text holds
every character LaTeX treats specially, and one too wide for A4 portrait.
"""

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
from docx import Document
from docx.shared import Cm

from resilience import dgp
from resilience.estimate import fit_model, stored_fits
from resilience.paths import PROJECT_ROOT
from resilience.specs import load_specs
from resilience.tables import (
    PublicationTable,
    _latex_escape,
    build_table,
    to_docx,
    to_latex,
)

PREAMBLE = r"\usepackage{booktabs,threeparttable,graphicx,pdflscape}"
"""What the README tells a user to load for the tables (keep the two in step)."""
PDFLATEX, SOFFICE = shutil.which("pdflatex"), shutil.which("soffice")
PDFTOTEXT, PDFINFO = shutil.which("pdftotext"), shutil.which("pdfinfo")
needs_pdflatex = pytest.mark.skipif(
    not (PDFLATEX and PDFTOTEXT),
    reason="pdflatex or pdftotext is not installed (apt-get install texlive-latex-extra "
    "texlive-fonts-recommended poppler-utils; .ci/run installs them)",
)
needs_soffice = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT and PDFINFO),
    reason="LibreOffice or poppler is not installed (apt-get install "
    "libreoffice-writer-nogui fonts-liberation poppler-utils; .ci/run installs them)",
)

SYMBOLS = "X -> M, p < 0.1 > q, a_b 5% & #1 ^ ~ \\ {x} |y| $ χ² † − ≥ ≤ R² é α …"
SYMBOLS_TABLE = PublicationTable(
    "sym_table_1",
    f"Symbols: {SYMBOLS}",
    ("(1) a_b & c", "(2) 50%"),
    (
        ("Dependent variable", ("y_1", "y#2")),
        ("x -> m (χ²)", ("-0.0202**", "12.5†")),
        ("", ("(-0.00199)", "(3.1)")),
        ("N ≥ 10", ("450", "450")),
    ),
    3,
    (f"Note: {SYMBOLS}", "Second note with ~ and ^ and \\ and _."),
)
WIDE_TABLE = PublicationTable(
    "wide_table",
    "A table too wide for A4 portrait",
    tuple(f"({j}) Reconstruction" for j in range(1, 10)),
    (
        ("Dependent variable", ("ExpRes",) * 9),
        ("Data", ("0.0202***",) * 9),
        ("", ("(0.00199)",) * 9),
        ("N", ("450",) * 9),
    ),
    3,
    ("*, ** and *** denote significance at the 10%, 5% and 1% levels.",),
)


@pytest.fixture(scope="module")
def spec_tables():
    """Every table of the shipped specs, fitted on the simulated panels; Chen's Table 2
    with Hausman rows (χ², one marked †)."""
    specs = load_specs()
    panels = {
        "wl": dgp.simulate_dataflow_panel(hp_missing=3),
        "ch": dgp.simulate_spillover_panel(seed=1),
    }
    tables = []
    for table_id, spec in specs.tables.items():
        fits = {
            c.model: fit_model(panels[table_id[:2]], specs.models[c.model]) for c in spec.columns
        }
        first, second = (c.model for c in spec.columns[:2])
        boot = {"term": "lnfdi", "reps_requested": 9999, "seed": 20250905, "enumerated": False}
        tests = pd.DataFrame(
            {
                "model_id": [first, second, first, first],
                "test_name": [
                    "hausman",
                    "hausman",
                    "wild_bootstrap_rademacher",
                    "wild_bootstrap_webb",
                ],
                "statistic": [42.354, 3.0, 1.9, 1.9],
                "df": [21, 21, 30, 30],
                "p_value": [0.004, 0.9, 0.078, 0.076],
                "detail": [
                    *(
                        json.dumps({"compare": "shared", "positive_definite": v})
                        for v in (False, True)
                    ),
                    json.dumps(boot),
                    json.dumps(boot),
                ],
            }
        )
        tables.append(
            build_table(spec, stored_fits(fits, specs), tests if table_id == "ch_table2" else None)
        )
    return tables


def all_tables(spec_tables):
    """The spec tables, the wide one (a landscape section), then a portrait one again."""
    return [*spec_tables, WIDE_TABLE, SYMBOLS_TABLE]


def compile_latex(fragment: str, label: str, folder):
    """Compile ``fragment`` in a minimal article twice (for the ref); return log and text."""
    folder.mkdir()
    (folder / "table.tex").write_text(fragment, encoding="utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n" + PREAMBLE + "\n\\begin{document}\n"
        f"Table~\\ref{{{label}}} shows it.\n\\input{{table.tex}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    for _ in range(2):
        proc = subprocess.run(
            [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=folder, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout[-3000:]
    log = (folder / "doc.log").read_text(encoding="latin-1")
    text = subprocess.run(
        [PDFTOTEXT, "doc.pdf", "-"], cwd=folder, capture_output=True, text=True, check=True
    ).stdout
    return log, text


def test_readme_gives_the_preamble_the_tests_compile_with():
    assert PREAMBLE in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_latex_escape_spells_every_special_character():
    out = _latex_escape(SYMBOLS)
    assert out.startswith(r"X $\rightarrow$ M, p \textless{} 0.1 \textgreater{} q, a\_b 5\% \& \#1")
    for spelled in (r"\textasciicircum{}", r"\textasciitilde{}", r"\textbackslash{}", r"\{x\}"):
        assert spelled in out
    for spelled in (r"\textbar{}", r"\$", r"$\chi$$^{2}$", r"$^{\dagger}$", "$-$", r"$\geq$"):
        assert spelled in out
    assert r"\'{e}" in out and r"$\alpha$" in out and r"\ldots{}" in out
    assert out.isascii()


def test_latex_escape_names_a_character_it_cannot_spell():
    with pytest.raises(ValueError, match=r"'☃' \(SNOWMAN\).*LATEX_SYMBOLS"):
        _latex_escape("a ☃ in a note")


def test_latex_label_is_the_table_id_unescaped(spec_tables):
    tex = to_latex(spec_tables[0])
    assert re.findall(r"\\label\{([^}]*)\}", tex) == [f"tab:{spec_tables[0].table_id}"]
    assert r"\begin{threeparttable}" in tex and r"\begin{tablenotes}" in tex
    assert tex.count(r"\toprule") == tex.count(r"\midrule") == tex.count(r"\bottomrule") == 1


@needs_pdflatex
@pytest.mark.parametrize("index", range(len(load_specs().tables) + 2))
def test_every_latex_table_compiles_and_fits_the_text_block(spec_tables, index, tmp_path):
    """pdflatex takes the table as written, the ref resolves, the label does not leak into
    the page, no > prints as ¿, and nothing is wider than the text block."""
    table = all_tables(spec_tables)[index]
    log, text = compile_latex(to_latex(table), f"tab:{table.table_id}", tmp_path / "tex")
    assert "Overfull \\hbox" not in log
    assert "Float too large" not in log  # taller than the page: the notes ran off it
    assert "undefined references" not in log and "??" not in text
    assert table.table_id not in text and "¿" not in text and "¡" not in text
    assert "Table 1 shows it" in text


@needs_pdflatex
def test_a_wide_latex_table_is_set_landscape(spec_tables, tmp_path):
    tex = to_latex(WIDE_TABLE)
    assert tex.startswith(r"\begin{landscape}")
    compile_latex(tex, "tab:wide_table", tmp_path / "tex")
    info = subprocess.run(
        [PDFINFO, "-f", "1", "-l", "9", "doc.pdf"],
        cwd=tmp_path / "tex", capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert re.search(r"Page\s+2 rot:\s+90", info), info


def test_word_tables_are_three_line_tables_on_a4(spec_tables, tmp_path):
    """A4 sections (landscape for the wide table); per table the thick top and bottom
    rules, a thin rule under the header and no other border; no cell wraps; no row splits."""
    path = to_docx(all_tables(spec_tables), tmp_path / "tables.docx")
    document = Document(str(path))
    sizes = [(round(s.page_width.cm, 1), round(s.page_height.cm, 1)) for s in document.sections]
    assert sizes == [(21.0, 29.7), (29.7, 21.0), (21.0, 29.7)]
    assert all(round(s.left_margin.cm, 1) == 2.5 for s in document.sections)
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for table in document.tables:
        borders = table._tbl.tblPr.find(f"{ns}tblBorders")
        edges = {b.tag.removeprefix(ns): (b.get(f"{ns}val"), b.get(f"{ns}sz")) for b in borders}
        assert edges == {
            "top": ("single", "12"),
            "bottom": ("single", "12"),
            "left": ("nil", None),
            "right": ("nil", None),
            "insideH": ("nil", None),
            "insideV": ("nil", None),
        }
        for i, row in enumerate(table.rows):
            assert row._tr.trPr.find(f"{ns}cantSplit") is not None
            for cell in row.cells:
                tc_pr = cell._tc.tcPr
                assert tc_pr.find(f"{ns}noWrap") is not None
                rules = tc_pr.find(f"{ns}tcBorders")
                if i == 0:
                    assert [(r.tag.removeprefix(ns), r.get(f"{ns}sz")) for r in rules] == [
                        ("bottom", "6")
                    ]
                else:
                    assert rules is None
        assert sum(c.width for c in table.rows[1].cells) <= Cm(24.7) + Cm(0.01)
    rpr = document.styles["Normal"].element.rPr
    assert (
        rpr.rFonts.get(f"{ns}ascii") == "Times New Roman"
        and rpr.rFonts.get(f"{ns}eastAsia") == "SimSun"
    )


@pytest.fixture(scope="module")
def rendered_docx(spec_tables, tmp_path_factory):
    """``tables.docx`` of every table rendered by LibreOffice; (tables, folder)."""
    folder = tmp_path_factory.mktemp("docx_render")
    tables = all_tables(spec_tables)
    to_docx(tables, folder / "tables.docx")
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(folder / "tables.docx")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0 and (folder / "tables.pdf").exists(), proc.stdout + proc.stderr
    fonts = subprocess.run(
        [shutil.which("pdffonts") or "pdffonts", "tables.pdf"],
        cwd=folder, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert re.search(r"LiberationSerif|TimesNewRoman", fonts), (
        "LibreOffice set the tables in a font without Times New Roman's metrics, so the "
        f"widths do not hold: install fonts-liberation (.ci/run does)\n{fonts}"
    )
    return tables, folder


def _pages(folder) -> list[str]:
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "tables.pdf", "-"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")[:-1]


@needs_soffice
def test_word_pages_are_a4(rendered_docx):
    tables, folder = rendered_docx
    info = subprocess.run(
        [PDFINFO, "-f", "1", "-l", "99", "tables.pdf"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and len(sizes) == len(_pages(folder))
    points = [(round(float(w)), round(float(h))) for w, h in sizes]
    assert set(points) == {(595, 842), (842, 595)}, points
    assert points.count((842, 595)) == 1  # the wide table, and only it, on a landscape page
    assert points[-1] == (595, 842)  # the table after it is on a portrait page again


@needs_soffice
def test_no_number_or_header_word_wraps_in_the_rendered_word_file(rendered_docx):
    """Every cell of every table, and every word of a header, is whole on one line."""
    tables, folder = rendered_docx
    lines = [line for page in _pages(folder) for line in page.splitlines()]
    for table in tables:
        for label, cells in table.rows:
            for text in (label, *cells):
                assert not text or any(text in line for line in lines), (table.table_id, text)
        for header in table.header:
            for word in header.split():
                assert any(word in line for line in lines), (table.table_id, word)


@needs_soffice
def test_each_word_table_stays_on_one_page(rendered_docx):
    """A table that fits on a page is not split: its title and its last note share a page."""
    tables, folder = rendered_docx
    pages = [" ".join(page.split()) for page in _pages(folder)]
    for table in tables:
        title, last_note = " ".join(table.title.split()), " ".join(table.notes[-1].split())[:60]
        assert any(title in page and last_note in page for page in pages), table.table_id
