#!/usr/bin/env bash
# Make the pinned base source available: install Debian's linux-source
# package at the pinned version, verify the tarball's sha256 and extract it
# once into $WB_OUT/base/. Prints the path of the extracted tree on stdout.
. "$(dirname "$0")/lib.sh"

base_dir=$WB_OUT/base
stamp=$base_dir/.wb-base

installed=$(dpkg-query -W -f='${Version}' "$LINUX_PKG" 2>/dev/null || true)
if [ "$installed" != "$LINUX_PKG_VERSION" ]; then
	[ "$(id -u)" = 0 ] || die "installing $LINUX_PKG needs root; run as root or install $LINUX_PKG=$LINUX_PKG_VERSION"
	avail=$(apt-cache madison "$LINUX_PKG" 2>/dev/null | awk '{print $3}')
	if [ -z "$avail" ]; then
		apt-get update -qq || true
		avail=$(apt-cache madison "$LINUX_PKG" 2>/dev/null | awk '{print $3}')
	fi
	[ -n "$avail" ] || die "$LINUX_PKG is not in any configured suite; run 'make deps' (adds $LINUX_PKG_SUITE)"
	if printf '%s\n' "$avail" | grep -qxF "$LINUX_PKG_VERSION"; then
		want=$LINUX_PKG_VERSION
	else
		want=$(printf '%s\n' "$avail" | head -1)
		cat >&2 <<MSG
[$stage] ##################################################################
[$stage] WARNING: pinned $LINUX_PKG=$LINUX_PKG_VERSION has left the registry.
[$stage] WARNING: FALLING BACK TO $LINUX_PKG=$want. Its sha256 is NOT the
[$stage] WARNING: pinned one; results are not comparable with config/base.env.
[$stage] ##################################################################
MSG
	fi
	log "installing $LINUX_PKG=$want"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"$LINUX_PKG=$want" >/dev/null || die "apt-get install $LINUX_PKG=$want failed"
	installed=$want
fi

[ -f "$LINUX_TARBALL" ] || die "$LINUX_TARBALL missing although $LINUX_PKG is installed; reinstall it"
sum=$(sha256sum "$LINUX_TARBALL" | cut -d' ' -f1)
if [ "$installed" = "$LINUX_PKG_VERSION" ] && [ "$sum" != "$LINUX_TARBALL_SHA256" ]; then
	die "sha256 of $LINUX_TARBALL is $sum, config/base.env pins $LINUX_TARBALL_SHA256 for $LINUX_PKG_VERSION; the package was altered"
fi

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$installed $sum" ]; then
	need_space "$WB_OUT" 3 "extracting the base tree"
	log "extracting $LINUX_TARBALL ($installed)"
	rm -rf "$base_dir" "$base_dir.tmp"
	mkdir -p "$base_dir.tmp"
	tar -xf "$LINUX_TARBALL" -C "$base_dir.tmp" --strip-components=1
	echo "$installed $sum" >"$base_dir.tmp/.wb-base"
	mv "$base_dir.tmp" "$base_dir"
fi

ver=$(make -s -C "$base_dir" kernelversion 2>/dev/null) || die "cannot read the version of $base_dir"
[ "$ver" = "$LINUX_VERSION" ] ||
	die "unknown base version: $LINUX_TARBALL ($LINUX_PKG $installed) is Linux $ver, config/base.env expects $LINUX_VERSION; update LINUX_VERSION/LINUX_PKG_VERSION/LINUX_TARBALL_SHA256 together"
result "base Linux $ver from $LINUX_PKG $installed (sha256 ${sum:0:16}...)"
echo "$base_dir"
