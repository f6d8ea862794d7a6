#!/usr/bin/env bash
# Runs scripts/setup the way scripts/test and scripts/serve do, on a PATH with no trunk, wasm-bindgen or Rust tools, against stand-ins that record what it would install.
#
# Nothing is installed for real and nothing reaches the network: cargo, rustc,
# rustup, apt-get and sudo are stand-ins that log their arguments, and `cargo
# install` leaves stand-in tools that answer `--version`. The runs:
#   1. nothing installed: every install happens once, each announced with its duration;
#   2. again: nothing is installed, everything is reported installed;
#   3. a trunk that fails and a test runner of the wrong version: both reinstalled;
#   4. no cargo, rustup or rustc on PATH: a clean error naming them (not a silent 127);
#   5. no C compiler and no apt-get: a clean error naming apt-get.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

run_name=""
fail() {
    printf 'setup-path: FAIL: %s\n' "$*" >&2
    if [ -n "$run_name" ]; then
        printf -- '--- stdout of run "%s":\n' "$run_name" >&2
        cat "$tmp/$run_name.out" >&2
        printf -- '--- stderr of run "%s":\n' "$run_name" >&2
        cat "$tmp/$run_name.err" >&2
    fi
    printf -- '--- calls:\n' >&2
    cat "$tmp/calls.log" >&2 || true
    exit 1
}
ok() { printf 'setup-path: ok: %s\n' "$*"; }

# The expected versions: Trunk's from the recipe, wasm-bindgen's from Cargo.lock.
trunk_version="0.21.14"
lock_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
[ -n "$lock_version" ] || fail "no wasm-bindgen package in Cargo.lock"

sys="$tmp/sys"              # the system tools scripts/setup and the stand-ins use, nothing else
stubs="$tmp/stubs"          # stand-ins for cargo, rustc and rustup
apt="$tmp/apt"              # stand-ins for apt-get and sudo
apt_bin="$tmp/apt-bin"      # where the stand-in apt-get "installs" cc and python3
home="$tmp/home"            # HOME and CARGO_HOME: not the real ~/.cargo
cargo_home="$tmp/cargo-home"
state="$tmp/state"          # what the stand-ins have "installed"
log="$tmp/calls.log"        # every call of a stand-in
installs="$tmp/installs.log" # the calls that install something
mkdir -p "$sys" "$stubs" "$apt" "$apt_bin" "$home" "$cargo_home" "$state" "$tmp/usr-bin"
: >"$log"
: >"$installs"

for tool in bash env id awk grep sed cat mkdir chmod rm ln cp mv touch dirname basename head tail tr cut sort wc; do
    found="$(command -v "$tool")" || fail "this machine has no $tool"
    ln -s "$found" "$sys/$tool"
done

cat >"$stubs/cargo" <<'EOF'
#!/usr/bin/env bash
# Stand-in cargo: logs its arguments; `install` leaves stand-in tools of the version asked for.
printf 'cargo %s\n' "$*" >>"$STANDIN_LOG"
# Writes a stand-in tool into cargo's bin directory that answers --version with "$1 $2".
standin() {
    mkdir -p "$CARGO_HOME/bin"
    {
        echo '#!/usr/bin/env bash'
        echo "# Stand-in $1, left by the stand-in cargo: answers --version."
        echo "echo '$1 $2'"
    } >"$CARGO_HOME/bin/$1"
    chmod +x "$CARGO_HOME/bin/$1"
}
case "${1:-}" in
install)
    printf 'cargo %s\n' "$*" >>"$STANDIN_INSTALLS"
    printf '[stand-in cargo] %s\n' "$*"
    version=""
    previous=""
    for arg in "$@"; do
        [ "$previous" = --version ] && version="${arg#=}"
        previous="$arg"
    done
    [ -n "$version" ] || { echo "stand-in cargo: install without --version: $*" >&2; exit 101; }
    case " $* " in
    *" trunk "*) standin trunk "$version" ;;
    *" wasm-bindgen-cli "*)
        standin wasm-bindgen "$version"
        standin wasm-bindgen-test-runner "$version"
        ;;
    *) echo "stand-in cargo: unexpected install: $*" >&2; exit 101 ;;
    esac
    ;;
fmt | clippy)
    component="$1"
    [ "$component" = fmt ] && component=rustfmt
    [ "${2:-}" = --version ] && [ -e "$STANDIN_STATE/component-$component" ] && echo "$1 (stand-in)" && exit 0
    echo "error: no such command: $1" >&2
    exit 101
    ;;
generate-lockfile) ;;
*) echo "stand-in cargo: unexpected call: cargo $*" >&2; exit 101 ;;
esac
EOF

cat >"$stubs/rustc" <<'EOF'
#!/usr/bin/env bash
# Stand-in rustc: answers --version.
printf 'rustc %s\n' "$*" >>"$STANDIN_LOG"
[ "${1:-}" = --version ] || { echo "stand-in rustc: unexpected call: rustc $*" >&2; exit 1; }
echo "rustc 1.95.0 (stand-in)"
EOF

cat >"$stubs/rustup" <<'EOF'
#!/usr/bin/env bash
# Stand-in rustup: lists and "adds" targets and components in $STANDIN_STATE.
printf 'rustup %s\n' "$*" >>"$STANDIN_LOG"
case "${1:-} ${2:-}" in
"target list")
    echo x86_64-unknown-linux-gnu
    if [ -e "$STANDIN_STATE/target-wasm32-unknown-unknown" ]; then echo wasm32-unknown-unknown; fi
    ;;
"target add" | "component add")
    printf 'rustup %s\n' "$*" >>"$STANDIN_INSTALLS"
    for name in "${@:3}"; do touch "$STANDIN_STATE/${1}-$name"; done
    ;;
*) echo "stand-in rustup: unexpected call: rustup $*" >&2; exit 1 ;;
esac
EOF

cat >"$apt/apt-get" <<'EOF'
#!/usr/bin/env bash
# Stand-in apt-get: "installs" the packages scripts/setup asks for as stand-in executables.
printf 'apt-get %s\n' "$*" >>"$STANDIN_LOG"
printf 'apt-get %s\n' "$*" >>"$STANDIN_INSTALLS"
printf '[stand-in apt-get] %s\n' "$*"
# Writes an executable stand-in at $1.
standin() { printf '#!/usr/bin/env bash\nexit 0\n' >"$1" && chmod +x "$1"; }
[ "${1:-}" = update ] && exit 0
if [ "${1:-}" != install ] || [ "${2:-}" != -y ]; then
    echo "stand-in apt-get: unexpected call: apt-get $*" >&2
    exit 100
fi
for package in "${@:3}"; do
    case "$package" in
    build-essential) standin "$STANDIN_APT_BIN/cc" ;;
    python3) standin "$STANDIN_APT_BIN/python3" ;;
    chromium) standin "$CHROMIUM" ;;
    chromium-driver) standin "$CHROMEDRIVER" ;;
    *) echo "stand-in apt-get: unexpected package $package" >&2; exit 100 ;;
    esac
done
EOF

cat >"$stubs/npm" <<'EOF'
#!/usr/bin/env bash
# Stand-in npm: `install --prefix DIR ... binaryen@V` leaves a stand-in wasm-opt of version V in DIR.
printf 'npm %s\n' "$*" >>"$STANDIN_LOG"
printf 'npm %s\n' "$*" >>"$STANDIN_INSTALLS"
printf '[stand-in npm] %s\n' "$*"
if [ "${1:-}" != install ] || [ "${2:-}" != --prefix ]; then
    echo "stand-in npm: unexpected call: npm $*" >&2
    exit 1
fi
version=""
for arg in "$@"; do
    case "$arg" in binaryen@*) version="${arg#binaryen@}" ;; esac
done
[ -n "$version" ] || { echo "stand-in npm: no binaryen@VERSION in: npm $*" >&2; exit 1; }
mkdir -p "$3/node_modules/.bin"
printf '#!/usr/bin/env bash\necho "wasm-opt version %s (version_%s)"\n' "$version" "$version" >"$3/node_modules/.bin/wasm-opt"
chmod +x "$3/node_modules/.bin/wasm-opt"
EOF

cat >"$stubs/node" <<'EOF'
#!/usr/bin/env bash
# Stand-in node: only has to be on PATH.
exit 0
EOF

cat >"$apt/sudo" <<'EOF'
#!/usr/bin/env bash
# Stand-in sudo: logs, then runs the command as it is (used only when the test does not run as root).
printf 'sudo %s\n' "$*" >>"$STANDIN_LOG"
exec "$@"
EOF
chmod +x "$stubs"/* "$apt"/*

# Runs the setup as scripts/test does, in a clean environment: run_setup NAME PATH [CARGO_HOME].
run_setup() {
    run_name="$1"
    status=0
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash: the repository's root.
    env -i HOME="$home" CARGO_HOME="${3:-$cargo_home}" RUSTUP_HOME="$home/.rustup" PATH="$2" \
        STANDIN_LOG="$log" STANDIN_INSTALLS="$installs" STANDIN_STATE="$state" STANDIN_APT_BIN="$apt_bin" \
        CHROMIUM="$tmp/usr-bin/chromium" CHROMEDRIVER="$tmp/usr-bin/chromedriver" \
        GOSSIPSCOPE_TOOLS="$tmp/tools" \
        "$sys/bash" -c 'set -euo pipefail
            cd "$1"
            source scripts/setup
            ensure_web_tools
            ensure_rust_components
            ensure_browser' setup-path "$root" >"$tmp/$run_name.out" 2>"$tmp/$run_name.err" || status=$?
}

# How many lines of the file are exactly the given one.
count_lines() { grep -cxF -- "$2" "$1" || true; }

# Fails unless the run's stdout has a line containing $1 before the first line containing $2.
announced_before() {
    local said did
    said="$(grep -nF -- "$1" "$tmp/$run_name.out" | head -n 1 | cut -d: -f1)"
    did="$(grep -nF -- "$2" "$tmp/$run_name.out" | head -n 1 | cut -d: -f1)"
    [ -n "$said" ] || fail "run $run_name did not say: $1"
    [ -n "$did" ] || fail "run $run_name did not run: $2"
    [ "$said" -lt "$did" ] || fail "run $run_name said '$1' only after running '$2'"
}

full_path="$stubs:$apt:$apt_bin:$sys"
for tool in trunk wasm-bindgen wasm-bindgen-test-runner cc python3; do
    if PATH="$full_path:$cargo_home/bin" command -v "$tool" >/dev/null; then
        fail "the test's PATH has $tool"
    fi
done

# 1. Nothing installed.
run_setup fresh "$full_path"
[ "$status" -eq 0 ] || fail "the setup with nothing installed exited with status $status"
n="$(count_lines "$log" "cargo install --locked trunk --version $trunk_version")"
[ "$n" -eq 1 ] || fail "trunk was installed $n times, not once"
n="$(count_lines "$log" "cargo install wasm-bindgen-cli --version =$lock_version")"
[ "$n" -eq 1 ] || fail "wasm-bindgen-cli $lock_version was installed $n times, not once"
n="$(grep -c '^cargo install' "$log" || true)"
[ "$n" -eq 2 ] || fail "cargo install ran $n times, not twice"
[ "$(count_lines "$log" "rustup target add wasm32-unknown-unknown")" -eq 1 ] || fail "the wasm32 target was not added once"
[ "$(count_lines "$log" "rustup component add rustfmt clippy")" -eq 1 ] || fail "rustfmt and clippy were not added once"
[ "$(count_lines "$log" "apt-get install -y build-essential")" -eq 1 ] || fail "build-essential was not installed once"
[ "$(count_lines "$log" "apt-get install -y chromium chromium-driver python3")" -eq 1 ] ||
    fail "chromium, chromium-driver and python3 were not installed once"
announced_before "trunk $trunk_version: installing (found: none; cargo install, takes about 10 minutes)" \
    "[stand-in cargo] install --locked trunk"
announced_before "wasm-bindgen-cli $lock_version (as in Cargo.lock): installing (found: none, test runner none; cargo install, takes about 4 minutes)" \
    "[stand-in cargo] install wasm-bindgen-cli"
announced_before "C compiler: installing build-essential (apt-get; about a minute)" \
    "[stand-in apt-get] install -y build-essential"
announced_before "chromium chromium-driver python3: installing (apt-get; about a minute)" \
    "[stand-in apt-get] install -y chromium"
[ "$(count_lines "$log" "npm install --prefix $tmp/tools --no-audit --no-fund --loglevel=error binaryen@132")" -eq 1 ] ||
    fail "binaryen@132 (wasm-opt) was not installed once into the tools folder"
announced_before "wasm-opt (binaryen@132 from npm): installing into $tmp/tools (found: none; npm install, a few seconds)" \
    "[stand-in npm] install"
grep -qF "wasm32-unknown-unknown target: installing (rustup target add; under a minute)" "$tmp/$run_name.out" ||
    fail "the wasm32 target's install was not announced"
grep -qF "rustfmt clippy: installing (rustup component add; under a minute)" "$tmp/$run_name.out" ||
    fail "the rustfmt and clippy install was not announced"
ok "nothing installed: trunk $trunk_version, wasm-bindgen-cli $lock_version, wasm-opt, the wasm32 target, rustfmt, clippy and the browser installed once each, each announced with its duration"

# 2. Everything installed by run 1.
cp "$installs" "$tmp/installs.before"
run_setup again "$full_path"
[ "$status" -eq 0 ] || fail "the second setup exited with status $status"
cmp -s "$installs" "$tmp/installs.before" || fail "the second setup installed something (see the calls below)"
for line in "trunk $trunk_version: installed" \
    "wasm-bindgen-cli $lock_version (as in Cargo.lock): installed" \
    "wasm-opt (binaryen@132 from npm, in tools/): installed" \
    "wasm32-unknown-unknown target: installed" \
    "rustfmt, clippy: installed" \
    "chromium, chromium-driver, python3: installed"; do
    [ "$(count_lines "$tmp/$run_name.out" "==> $line")" -eq 1 ] || fail "the second setup did not say: $line"
done
if grep -q installing "$tmp/$run_name.out"; then fail "the second setup announced an install"; fi
ok "second run: installs nothing and reports every tool installed"

# 3. A trunk that fails, and a test runner of another version than Cargo.lock's.
printf '#!/usr/bin/env bash\nexit 3\n' >"$cargo_home/bin/trunk"
printf '#!/usr/bin/env bash\necho "wasm-bindgen-test-runner 0.2.100"\n' >"$cargo_home/bin/wasm-bindgen-test-runner"
run_setup stale "$full_path"
[ "$status" -eq 0 ] || fail "the setup with a broken trunk exited with status $status"
[ "$(count_lines "$log" "cargo install --locked trunk --version $trunk_version")" -eq 2 ] || fail "the broken trunk was not reinstalled"
[ "$(count_lines "$log" "cargo install wasm-bindgen-cli --version =$lock_version")" -eq 2 ] ||
    fail "the wrong test runner was not reinstalled"
grep -qF "found: $lock_version, test runner 0.2.100;" "$tmp/$run_name.out" || fail "the wrong test runner's version was not named"
[ "$("$cargo_home/bin/trunk" --version)" = "trunk $trunk_version" ] || fail "trunk is not $trunk_version after the reinstall"
ok "a failing trunk and a test runner of the wrong version are reinstalled"

# 3b. A wasm-opt of another version: reinstalled.
printf '#!/usr/bin/env bash\necho "wasm-opt version 108"\n' >"$tmp/tools/node_modules/.bin/wasm-opt"
run_setup old-wasm-opt "$full_path"
[ "$status" -eq 0 ] || fail "the setup with an old wasm-opt exited with status $status"
[ "$(count_lines "$log" "npm install --prefix $tmp/tools --no-audit --no-fund --loglevel=error binaryen@132")" -eq 2 ] ||
    fail "the old wasm-opt was not reinstalled"
grep -qF "(found: 108;" "$tmp/$run_name.out" || fail "the old wasm-opt's version was not named"
ok "a wasm-opt of another version is reinstalled"

# 4. No Rust at all: a message, not a silent exit 127.
run_setup no-rust "$apt:$apt_bin:$sys" "$tmp/empty-cargo-home"
[ "$status" -ne 0 ] || fail "the setup without cargo succeeded"
[ "$status" -ne 127 ] || fail "the setup without cargo exited with 127"
grep -qF "error: cargo rustup rustc not found: install Rust with rustup" "$tmp/$run_name.err" ||
    fail "the setup without cargo did not say what is missing"
if grep -q "command not found" "$tmp/$run_name.err"; then fail "the setup without cargo ran a missing command"; fi
ok "no cargo, rustup or rustc: exits with status $status and says: $(head -n 1 "$tmp/$run_name.err")"

# 5. No C compiler and no apt-get to install one.
rm "$apt_bin/cc"
run_setup no-apt "$stubs:$apt_bin:$sys"
if [ "$status" -eq 0 ] || [ "$status" -eq 127 ]; then fail "the setup without apt-get exited with status $status"; fi
grep -qF "error: apt-get not found: install build-essential" "$tmp/$run_name.err" ||
    fail "the setup without apt-get did not say what is missing"
ok "no C compiler and no apt-get: exits with status $status and says: $(head -n 1 "$tmp/$run_name.err")"

run_name=""
ok "scripts/setup works with the tools missing"
