#!/bin/sh
# deps.sh build|test -- say precisely which Debian packages are missing.
# Each entry: a check, then the package that satisfies it.
mode=${1:-build}
missing=""

need_pc() {	# pkg-config module, Debian package
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
need_cmd() {	# command, Debian package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

need_cmd cc gcc
need_cmd make make
need_cmd pkg-config pkg-config
if command -v pkg-config >/dev/null 2>&1; then
	need_pc openssl libssl-dev
	need_pc libevent libevent-dev
	need_pc libevent_openssl libevent-dev
	need_pc libevent_pthreads libevent-dev
	need_pc fuse3 libfuse3-dev
fi
if [ "$mode" = test ]; then
	command -v pkg-config >/dev/null 2>&1 && need_pc check check
	need_cmd openssl openssl
	need_cmd tar tar
	need_cmd cmp diffutils
	need_cmd fusermount3 fuse3
	need_cmd mt mt-st
	need_cmd cpio cpio
	need_cmd dump dump
	need_cmd mbuffer mbuffer
	need_cmd mke2fs e2fsprogs
	need_cmd jq jq
fi

missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ' | sed 's/ *$//')
if [ -n "$missing" ]; then
	what=build; [ "$mode" = test ] && what="run the tests"
	echo "tclient: packages needed to $what are missing; install them with:" >&2
	echo "    sudo apt-get install -y $missing" >&2
	exit 1
fi
exit 0
