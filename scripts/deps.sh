#!/usr/bin/env bash
# Install the host toolchain from Debian's registry. Idempotent; the
# trixie-backports suite is added at pin priority 100 so that only the
# packages asked for by name come from it.
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential bc bison flex cpio kmod rsync libelf-dev libssl-dev
      openssl libcap-dev libzstd-dev zlib1g-dev pahole ccache
      clang-22 lld-22 llvm-22 qemu-system-x86 python3-docutils xz-utils
      busybox-static git git-email debootstrap zstd sudo e2fsprogs libmailtools-perl libnet-smtp-ssl-perl python3-ply python3-git)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

src=/etc/apt/sources.list.d/$LINUX_PKG_SUITE.sources
pin=/etc/apt/preferences.d/$LINUX_PKG_SUITE
if [ ! -f "$src" ] || [ ! -f "$pin" ]; then
	[ "$(id -u)" = 0 ] || die "adding the $LINUX_PKG_SUITE suite needs root"
	log "adding $LINUX_PKG_SUITE at pin priority 100"
	cat >"$src" <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: $LINUX_PKG_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	cat >"$pin" <<EOS
Package: *
Pin: release n=$LINUX_PKG_SUITE
Pin-Priority: 100
EOS
	updated=
else
	updated=no
fi

if [ ${#missing[@]} -gt 0 ] || [ -z "$updated" ]; then
	[ "$(id -u)" = 0 ] || die "installing ${missing[*]} needs root (apt-get)"
	log "apt-get update"
	apt-get update -qq || die "apt-get update failed; check the Debian mirror"
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install failed for: ${missing[*]}"
fi
result "toolchain ready ($(clang-22 --version | head -1), pahole $(pahole --version))"
