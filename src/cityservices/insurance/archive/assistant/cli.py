"""``cityservices insurance assistant eval [FILE]``: the assistant's score on a question set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

assistant_app = typer.Typer(help="医保问答：评测。", no_args_is_help=True)
DEFAULT_SET = Path("tests/data/insurance/assistant_questions.jsonl")


@assistant_app.command("eval")
def evaluate_command(
    path: Annotated[Path, typer.Argument(help="问题集 (JSON Lines)")] = DEFAULT_SET,
    show_misses: Annotated[bool, typer.Option("--misses", help="列出答错的问题")] = False,
) -> None:
    """在问题集上评测医保问答：总正确率、按问题类型的正确数，以及答错的问题。"""
    from cityservices.insurance.archive.assistant.evaluate import evaluate
    from cityservices.insurance.rules.book import RuleBook
    from cityservices.insurance.rules.service import BUNDLED_RULES, read_rule_file

    if not path.is_file():
        typer.echo(f"找不到问题集 {path}", err=True)
        raise typer.Exit(2)
    rule_file = read_rule_file(BUNDLED_RULES)
    score = evaluate(path, RuleBook.of(rule_file.rules, version=rule_file.version))
    right = sum(o.correct for o in score.outcomes)
    typer.echo(f"正确 {right} / {len(score.outcomes)}（{score.accuracy:.1%}）")
    for intent, (ok, total) in score.by_intent().items():
        typer.echo(f"  {intent}: {ok} / {total}")
    if show_misses:
        for outcome in score.outcomes:
            if not outcome.correct:
                typer.echo(f"  答错：{outcome.question} → {outcome.answer.intent}：{outcome.answer.text[:60]}")


def register(app: typer.Typer) -> None:
    app.add_typer(assistant_app, name="assistant")
