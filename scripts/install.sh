#!/usr/bin/env bash
# Build brook and install it with its shell completions.
#
#   scripts/install.sh                      # release build into /usr/local (needs root or sudo)
#   PREFIX=$HOME/.local scripts/install.sh  # into ~/.local/bin, no root needed
#
# Environment: PREFIX (default /usr/local), CONFIGURATION (release or debug, default release).
# Installs $PREFIX/bin/brook and completions for bash, zsh and fish under $PREFIX/share.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PREFIX="${PREFIX:-/usr/local}"
CONFIGURATION="${CONFIGURATION:-release}"

swift build -c "$CONFIGURATION" --product brook
bin="$(swift build -c "$CONFIGURATION" --show-bin-path)/brook"

install -d "$PREFIX/bin"
install -m 0755 "$bin" "$PREFIX/bin/brook"

# Completion scripts come from the binary itself (swift-argument-parser).
bash_dir="$PREFIX/share/bash-completion/completions"
zsh_dir="$PREFIX/share/zsh/site-functions"
fish_dir="$PREFIX/share/fish/vendor_completions.d"
install -d "$bash_dir" "$zsh_dir" "$fish_dir"
"$bin" --generate-completion-script bash > "$bash_dir/brook"
"$bin" --generate-completion-script zsh > "$zsh_dir/_brook"
"$bin" --generate-completion-script fish > "$fish_dir/brook.fish"

echo "installed $("$PREFIX/bin/brook" --version) at $PREFIX/bin/brook, completions under $PREFIX/share"
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) echo "note: $PREFIX/bin is not on PATH; add it, e.g. export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac
