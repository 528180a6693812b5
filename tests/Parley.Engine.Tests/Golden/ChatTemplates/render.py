#!/usr/bin/env python3
"""Renders every chat template against every conversation with Python Jinja2, the way transformers does.

Regenerate the goldens (Python 3 with Jinja2 3.1.x; run from the repository root):

    tests/Parley.Engine.Tests/Golden/ChatTemplates/fetch-npm-templates.sh /tmp/npm-templates
    python3 tests/Parley.Engine.Tests/Golden/ChatTemplates/render.py \
        tests/Parley.Engine.Tests/Golden/ChatTemplates/templates /tmp/npm-templates

For each <template>.jinja in the given folders and each conversation in conversations.json this writes
expected/<template>.<conversation>.txt (the exact rendered text), or expected/<template>.<conversation>.error.txt
("<ExceptionType>: <message>") when the template raises. Settings copied from transformers'
utils/chat_template_utils.py: ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
extensions=[loopcontrols, generation]), tojson without ASCII escaping, raise_exception and strftime_now globals.
strftime_now is pinned to 2026-11-26 12:00 so the goldens are deterministic.
"""
import datetime
import json
import pathlib
import sys

import jinja2
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = pathlib.Path(__file__).resolve().parent
FIXED_NOW = datetime.datetime(2026, 11, 26, 12, 0, 0)


class TemplateError(Exception):
    pass


class GenerationExtension(Extension):
    """transformers' {% generation %} block: renders its body unchanged."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return FIXED_NOW.strftime(format)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationExtension, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def context_of(conversation, tokens):
    context = dict(tokens)
    context["messages"] = conversation["messages"]
    for key, value in conversation.items():
        if key not in ("name", "messages"):
            context[key] = value
    return context


def main(folders):
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    special_tokens = json.loads((HERE / "special-tokens.json").read_text(encoding="utf-8"))
    expected = HERE / "expected"
    expected.mkdir(exist_ok=True)
    env = environment()
    for folder in folders:
        for path in sorted(pathlib.Path(folder).glob("*.jinja")):
            name = path.stem
            template = env.from_string(path.read_text(encoding="utf-8"))
            for conversation in conversations:
                stem = expected / f"{name}.{conversation['name']}"
                try:
                    text = template.render(**context_of(conversation, special_tokens.get(name, {})))
                    pathlib.Path(f"{stem}.txt").write_bytes(text.encode("utf-8"))
                except Exception as error:  # the template refused the conversation: that is the golden
                    message = f"{type(error).__name__}: {error}"
                    pathlib.Path(f"{stem}.error.txt").write_bytes(message.encode("utf-8"))
                print(stem.name)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
