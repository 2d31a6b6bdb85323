"""The command line: parses options, calls ``ipaudit.pipeline``, maps its outcome to output and exit codes.

Exit codes (spec/outputs.md): 0 audit done and nothing failing at or above --fail-on;
1 audit done, reports written, failing results at or above --fail-on (``validate``: rows
were rejected); 2 usage or input error, one line on stderr, no traceback, no partial
report. Click's own words are bokmål (``ipaudit.cli_text``). An unexpected internal error
prints one line and exits 3 (set IPAUDIT_DEBUG=1 for the traceback). When the reader of stdout
goes away (`ipaudit validate … | head`) the run ends silently with 141, as Unix tools do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ipaudit import __version__, cli_text
from ipaudit.errors import CheckContractError, InputError, storage_problem
from ipaudit.terminal import clean, echo

if TYPE_CHECKING:
    from ipaudit.pipeline import Progress

ENGINES = ("polars", "spark")
EXIT_OK, EXIT_FAILING, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 128 + 13
"""stdout was closed by its reader: 128 + SIGPIPE, as a shell reports ``cat big | head``."""
FAIL_ON = ("error", "warning", "never")


class DateType(click.ParamType):
    """A date on the command line: ISO (2025-06-30) or Norwegian (30.06.2025)."""

    name = "dato"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from ipaudit.waivers import parse_date

        day = parse_date(value)
        if day is None:
            self.fail(f"«{str(value).strip()}» er ingen dato; bruk ÅÅÅÅ-MM-DD eller dd.mm.åååå", param, ctx)
        return day


DATE = DateType()


def _guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn InputError into exit 2 with one line, and any other crash into one line and exit 3."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs) or EXIT_OK
        except InputError as exc:
            echo(f"ipaudit: feil: {cli_text.translate_os_reasons(str(exc))}", err=True)
            sys.exit(EXIT_INPUT)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except CheckContractError as exc:  # a check broke its output contract: name the rule
            if os.environ.get("IPAUDIT_DEBUG"):
                raise
            echo(f"ipaudit: intern feil: {exc}", err=True)
            sys.exit(EXIT_INTERNAL)
        except Exception as exc:
            if isinstance(exc, OSError) and (message := storage_problem(exc)):
                echo(f"ipaudit: feil: {message}", err=True)
                sys.exit(EXIT_INPUT)
            if os.environ.get("IPAUDIT_DEBUG"):
                raise
            echo(
                f"ipaudit: intern feil ({type(exc).__name__}); kjør med IPAUDIT_DEBUG=1 for detaljer",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)
        except BaseException as exc:
            # A Rust panic inside polars or calamine (pyo3's PanicException) is no Exception; it
            # is still an internal error: one line, exit 3. Anything else (Ctrl-C) goes on.
            if type(exc).__name__ != "PanicException" or os.environ.get("IPAUDIT_DEBUG"):
                raise
            echo("ipaudit: intern feil (PanicException); kjør med IPAUDIT_DEBUG=1 for detaljer", err=True)
            sys.exit(EXIT_INTERNAL)
        sys.exit(code)

    return run


class _OneLineErrors(click.Group):
    """A group whose usage errors are one line on stderr with exit code 2 (spec/outputs.md)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            echo("ipaudit: avbrutt", err=True)
            sys.exit(EXIT_INPUT)
        except click.exceptions.NoArgsIsHelpError as exc:
            # Plain `ipaudit` (or a group without its command): the help, as a help text.
            echo(exc.ctx.get_help())
            sys.exit(EXIT_OK)
        except click.ClickException as exc:
            echo(f"ipaudit: feil: {cli_text.one_line(exc)}", err=True)
            sys.exit(EXIT_INPUT)
        sys.exit(code or EXIT_OK)


def _quiet_broken_pipe() -> NoReturn:
    """The reader of stdout went away (``ipaudit audit … | head``): end as Unix tools do.

    No message and no traceback; exit 141 (128 + SIGPIPE, what a shell reports for a tool
    killed by SIGPIPE). Every step that writes files has finished or rolled back by now;
    stdout is pointed at /dev/null so that the final flush at exit cannot raise again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    sys.exit(EXIT_BROKEN_PIPE)


@click.group(
    cls=_OneLineErrors,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 100, "max_content_width": 100},
)
@click.version_option(__version__, prog_name="ipaudit", message="%(prog)s, versjon %(version)s")
def main() -> None:
    """Revisjon av dokumentasjon om individuell plan (IP) og koordinator i journaluttrekk."""


def _audit_settings(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every auditing command shares: the standard, the date, the period, waivers."""
    options = [
        click.option(
            "--profile",
            default="national",
            show_default=True,
            help="Profilnavn (national, unn, helse-bergen) eller sti til en .toml-fil.",
        ),
        click.option(
            "--as-of", "as_of", type=DATE, help="Revisjonsdato; rader datert senere brukes ikke. Standard: i dag."
        ),
        click.option("--from", "period_from", type=DATE, help="Første vurderingsdato som tas med."),
        click.option(
            "--to", "period_to", type=DATE, help="Siste vurderingsdato som tas med (standard: revisjonsdatoen)."
        ),
        click.option(
            "--waivers", "waivers_file", type=click.Path(path_type=Path), help="TOML-fil med godkjente unntak."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@click.argument("extract", type=click.Path())
@_audit_settings
@click.option(
    "--format",
    "formats",
    default="html,xlsx,json,csv",
    show_default=True,
    help="Kommaliste av html, xlsx, json, csv og supervision (tilsynsrapport).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("ipaudit-out"),
    show_default=True,
    help="Mappen rapportene skrives til.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="error",
    show_default=True,
    help="Laveste alvorlighet som gir exit-kode 1.",
)
@click.option(
    "--history",
    "history_path",
    type=click.Path(path_type=Path),
    help="SQLite-fil med tidligere kjøringer: marker nye, fortsatt åpne og lukkede funn.",
)
@click.option(
    "--pseudonymize",
    "key_file",
    type=click.Path(path_type=Path),
    help="Nøkkelfil (lag en med «ipaudit keygen FIL»): erstatt pasient-id med pseudonymer (HMAC-SHA256) og fjern "
    "navn og fritekst i alle utdata. Tilsynsrapporten er laget for slike kjøringer.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),  # pipeline.ENGINES; restated so --help needs no polars import
    default="polars",
    show_default=True,
    help="Motor for lesing og dokumenter: polars (denne maskinen) eller spark (Apache Spark; UTTREKK kan da "
    "være en URI som s3a://…). Se docs/scale-out.md.",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="Med --engine spark: Spark-master (standard: kjørende økt, ellers local[*]).",
)
@click.option(
    "--review",
    "review_file",
    type=click.Path(path_type=Path),
    help="Utfylt stikkprøve (ipaudit-stikkprove.xlsx fra ipaudit select): revisors vurderinger inn i "
    "tilsynsrapporten og JSON.",
)
@click.option(
    "--supervision-info",
    "info_file",
    type=click.Path(path_type=Path),
    help="TOML-fil med tilsynets nøkkelopplysninger (virksomhet, tilsynsmyndighet, datoer) til tilsynsrapporten.",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Skriv CSV-verdiene som de er. Standard: en tekstcelle som begynner med = + - @ eller tabulator, "
    "får en ' foran, så et regneark ikke leser den som en formel (CSV-injeksjon).",
)
@click.option("--quiet", is_flag=True, help="Skriv bare feil.")
@_guarded
def audit(
    extract: str,
    profile: str,
    as_of: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    formats: str,
    out_dir: Path,
    waivers_file: Path | None,
    fail_on: str,
    history_path: Path | None,
    key_file: Path | None,
    engine: str,
    spark_master: str | None,
    review_file: Path | None,
    info_file: Path | None,
    raw_csv: bool,
    quiet: bool,
) -> int:
    """Revider et uttrekk og skriv rapporter."""
    from ipaudit.model import Severity
    from ipaudit.pipeline import RunRequest, run
    from ipaudit.report import FORMATS
    from ipaudit.supervision_info import load_supervision_info

    if spark_master and engine != "spark":
        raise InputError("--spark-master gjelder bare med --engine spark")
    if engine != "spark" and "://" in extract:
        raise InputError(f"{extract}: en URI kan bare leses med --engine spark")
    wanted = tuple(_formats(formats, FORMATS))
    if review_file is not None and not {"supervision", "json"} & set(wanted):
        raise InputError("--review trenger supervision eller json blant formatene (--format)")
    if info_file is not None and "supervision" not in wanted:
        raise InputError("--supervision-info trenger supervision blant formatene (--format)")
    if raw_csv and "csv" not in wanted:
        raise InputError("--raw-csv gjelder bare med csv blant formatene (--format)")
    request = RunRequest(
        extract=Path(extract),
        options=_options(profile, as_of, period_from, period_to, waivers_file),
        out_dir=out_dir,
        formats=wanted,
        key=_load_key(key_file) if key_file else None,
        history_path=history_path,
        engine=engine,
        spark_master=spark_master,
        extract_uri=extract,
        review=review_file,
        info=load_supervision_info(info_file) if info_file else None,
        raw_csv=raw_csv,
    )
    with _progress(show=not quiet) as progress:
        outcome = run(dataclasses.replace(request, progress=progress))
    _warn(outcome.result)
    if "supervision" in request.formats and key_file is None and not quiet:
        echo(f"ipaudit: merk: {SUPERVISION_HINT}", err=True)
    if not quiet:
        from ipaudit.summary import render_summary

        echo(render_summary(outcome.result))
        if outcome.history is not None:
            echo(outcome.history.describe())
        echo("Rapporter:")
        for path in outcome.written:
            echo(f"  {path}")
    failing = fail_on != "never" and outcome.result.fails_at_or_above(Severity(fail_on))
    return EXIT_FAILING if failing else EXIT_OK


def _warn(result: Any) -> None:
    """The run's warnings (ipaudit.model.AuditResult.warnings) on stderr, even with --quiet."""
    from ipaudit.waivers import run_warnings

    for warning in run_warnings(result):
        echo(f"ipaudit: advarsel: {warning}", err=True)


@contextlib.contextmanager
def _progress(*, show: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr while the extract is read, only when stderr is a terminal."""
    if not (show and sys.stderr.isatty()):
        yield None
        return
    with click.progressbar(length=5, label="Leser uttrekket", file=sys.stderr, show_eta=False) as bar:

        def advance(table: str, label: str, done: int, total: int) -> None:
            bar.length = total
            bar.label = clean(f"Leser {Path(label).name}")
            bar.update(done - bar.pos)

        yield advance
        bar.update((bar.length or 0) - bar.pos)


def _options(
    profile: str,
    as_of: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    waivers_file: Path | None,
) -> Any:
    """Validate the options every auditing command shares, before any extract is read."""
    from ipaudit.engine import AuditOptions
    from ipaudit.profile import load_profile
    from ipaudit.waivers import load_waivers

    as_of = as_of or dt.date.today()
    if period_from and period_to and period_to < period_from:
        raise InputError("--to er før --from")
    if period_from and period_from > as_of:
        raise InputError(f"--from ({period_from:%d.%m.%Y}) er etter revisjonsdatoen --as-of ({as_of:%d.%m.%Y})")
    return AuditOptions(
        as_of=as_of,
        profile=load_profile(profile),
        period_from=period_from,
        period_to=period_to,
        waivers=load_waivers(waivers_file) if waivers_file else (),
    )


def _formats(text: str, known: tuple[str, ...]) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in known]
    if unknown or not wanted:
        raise InputError(f"Ukjent format «{', '.join(unknown) or text}»; velg blant {', '.join(known)}")
    return list(dict.fromkeys(wanted))


@main.command()
@click.argument("extract", type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="Skriv bare feil og antall.")
@_guarded
def validate(extract: Path, quiet: bool) -> int:
    """Kontroller uttrekket: hva som ville blitt avvist, og hvorfor. Exit 1 hvis rader avvises."""
    from ipaudit.extract import read_extract
    from ipaudit.summary import render_validation

    data = read_extract(extract)
    echo(render_validation(data, show_rows=not quiet))
    return EXIT_FAILING if data.rejected.height else EXIT_OK


@main.command()
@click.option("--profile", default="national", show_default=True, help="Profilnavn eller sti til en .toml-fil.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown"]), default="table", show_default=True)
@_guarded
def rules(profile: str, fmt: str) -> int:
    """Vis regelkatalogen med hjemmel og parametere."""
    from ipaudit.catalogue_view import render_markdown, render_table
    from ipaudit.profile import load_profile

    chosen = load_profile(profile)
    echo(render_markdown(chosen) if fmt == "markdown" else render_table(chosen), nl=fmt == "table")
    return EXIT_OK


@main.command()
@click.option("--history", "history_path", type=click.Path(path_type=Path), required=True, help="SQLite-historikken.")
@click.option("--profile", default=None, help="Vis bare kjøringer med denne profilen.")
@click.option("--last", default=30, show_default=True, type=click.IntRange(1, 10_000), help="Antall siste kjøringer.")
@_guarded
def trend(history_path: Path, profile: str | None, last: int) -> int:
    """Vis etterlevelse per regel over tid fra historikken."""
    from ipaudit.history import open_history, render_trend

    with open_history(history_path, create=False) as history:
        echo(render_trend(history.trend(profile, last=last)))
    return EXIT_OK


@main.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--patients", default=300, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--as-of", "as_of", type=DATE, default="2025-06-30", show_default=True, help="Revisjonsdatoen fasiten gjelder for."
)
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), help="Skriv også uttrekket som én .xlsx-arbeidsbok.")
@_guarded
def sample(out_dir: Path, patients: int, seed: int, as_of: dt.date, xlsx: Path | None) -> int:
    """Lag et syntetisk uttrekk med kjente mangler (og fasiten)."""
    from ipaudit.sample import generate

    summary = generate(out_dir, patients=patients, seed=seed, as_of=as_of, xlsx=xlsx)
    echo(f"Syntetisk uttrekk: {summary.extract_dir} ({patients} pasienter, frø {seed}).")
    if summary.xlsx:
        echo(f"Samme uttrekk som arbeidsbok: {summary.xlsx}")
    echo(
        "Rader per tabell (herav bevisst feilaktige): "
        + ", ".join(f"{table} {n} ({summary.rejected.get(table, 0)})" for table, n in summary.rows.items())
    )
    echo("Innlagte mangler per regel: " + ", ".join(f"{rule} {n}" for rule, n in summary.gaps.items()))
    echo(f"Fasit for revisjonsdato {summary.as_of:%d.%m.%Y}: {summary.ground_truth}, {summary.ground_truth_rejected}")
    return EXIT_OK


#: Said on stderr when the supervision report is written from real patient ids.
SUPERVISION_HINT = (
    "tilsynsrapporten er laget for pseudonymiserte kjøringer; legg til --pseudonymize NØKKELFIL "
    "(lag en nøkkel med «ipaudit keygen NØKKELFIL»)."
)


def _load_key(path: Path) -> Any:
    """The pseudonymisation key; a warning (readable by others, short key) goes to stderr."""
    from ipaudit.pseudonymize import load_key

    key, warning = load_key(path)
    if warning:
        echo(f"ipaudit: {warning}", err=True)
    return key


@main.command("select")
@click.argument("extract", type=click.Path(path_type=Path))
@click.option("--n", "n", type=click.IntRange(min=1), required=True, help="Antall pasienter i utvalget.")
@click.option("--seed", type=int, required=True, help="Frø for trekningen; samme frø gir samme utvalg.")
@click.option(
    "--stratify", type=click.Choice(["unit"]), help="Fordel utvalget på enheter (proporsjonalt, minst én per enhet)."
)
@click.option(
    "--unassessed",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Pasienter i tillegg fra stratumet «Ikke vurdert» (IP00: i risiko, aldri vurdert).",
)
@_audit_settings
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("ipaudit-out"),
    show_default=True,
    help="Mappen arbeidsboken (ipaudit-stikkprove.xlsx) skrives til.",
)
@click.option(
    "--pseudonymize",
    "key_file",
    type=click.Path(path_type=Path),
    help="Pseudonymiser med nøkkelfilen (lag en med «ipaudit keygen FIL»).",
)
@_guarded
def select_command(
    extract: Path,
    n: int,
    seed: int,
    stratify: str | None,
    unassessed: int,
    profile: str,
    as_of: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    waivers_file: Path | None,
    out_dir: Path,
    key_file: Path | None,
) -> int:
    """Trekk en stikkprøve av kohortens pasienter til journalgjennomgang (Excel-arbeidsbok)."""
    from ipaudit.pipeline import RunRequest, run
    from ipaudit.report import REVIEW_WORKBOOK
    from ipaudit.selection import SampleSpec

    outcome = run(
        RunRequest(
            extract=extract,
            options=_options(profile, as_of, period_from, period_to, waivers_file),
            out_dir=out_dir,
            formats=(REVIEW_WORKBOOK,),
            key=_load_key(key_file) if key_file else None,
            sample=SampleSpec(n, seed, stratify, unassessed),
        )
    )
    _warn(outcome.result)
    from ipaudit.selection import COHORT, unassessed_patients

    strata = outcome.sample.patients.get_column("stratum") if outcome.sample is not None else None
    drawn = int((strata == COHORT).sum()) if strata is not None else 0
    extra = (strata.len() - drawn) if strata is not None else 0
    flagged = unassessed_patients(outcome.result).height
    echo(
        f"Stikkprøve på {drawn} av {outcome.result.cohort_size} pasienter i kohorten og {extra} av {flagged} "
        f"i «Ikke vurdert» skrevet til {outcome.written[0]}"
    )
    return EXIT_OK


@main.command()
@click.argument("key_file", type=click.Path(path_type=Path))
@_guarded
def keygen(key_file: Path) -> int:
    """Lag en ny, tilfeldig nøkkel til --pseudonymize; filen blir bare lesbar for deg."""
    from ipaudit.keygen import write_key

    path = write_key(key_file)
    echo(f"Ny nøkkel skrevet til {path} (bare lesbar for deg).")
    echo("Ta vare på den og hold den hemmelig: samme nøkkel gir samme pseudonymer, og ipaudit reidentify trenger den.")
    echo(f"Bruk: ipaudit audit UTTREKK --format supervision --pseudonymize {path}")
    return EXIT_OK


@main.command("explain")
@click.argument("extract", type=click.Path(path_type=Path))
@click.option("--patient", "patient_id", required=True, help="Pasient-id-en i uttrekket.")
@click.option("--rule", "rule_id", help="Bare denne regelen (f.eks. IP01).")
@_audit_settings
@_guarded
def explain_command(
    extract: Path,
    patient_id: str,
    rule_id: str | None,
    profile: str,
    as_of: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    waivers_file: Path | None,
) -> int:
    """Forklar for én pasient hvorfor hver regel ble som den ble: dokumentene og hvorfor de telte."""
    from ipaudit.explain import explain
    from ipaudit.extract import read_extract

    options = _options(profile, as_of, period_from, period_to, waivers_file)
    for line in explain(read_extract(extract), options, patient_id, rule_id):
        echo(line)
    return EXIT_OK


@main.command("reidentify")
@click.argument("extract", type=click.Path(path_type=Path))
@click.argument("key_file", type=click.Path(path_type=Path))
@click.argument("ids", nargs=-1, required=True)
@_guarded
def reidentify_command(extract: Path, key_file: Path, ids: tuple[str, ...]) -> int:
    """Finn id-en bak pseudonymer (P-, D-, K-, V-); bare for den som har nøkkelen. Exit 1 hvis noen mangler."""
    from ipaudit.extract import read_extract
    from ipaudit.pseudonymize import reidentify

    key = _load_key(key_file)
    found = reidentify(read_extract(extract), key, list(ids))
    for pseudonym, original in found.items():
        echo(f"{pseudonym}\t{original if original is not None else '(ikke funnet)'}")
    return EXIT_OK if all(v is not None for v in found.values()) else EXIT_FAILING


cli_text.install(main)
