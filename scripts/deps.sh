#!/usr/bin/env bash
# Installs the Debian packages a make target needs, only those missing.
# Usage: scripts/deps.sh PACKAGE...   Silent when everything is present.
# Runs apt-get as root, or through sudo otherwise; says what it installs.
set -u
missing=()
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing+=("$pkg") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif command -v sudo >/dev/null 2>&1; then
	as_root=(sudo)
else
	echo "lunchrush: missing Debian packages: ${missing[*]}" >&2
	echo "lunchrush: not root and no sudo: install them with apt-get, then run make again" >&2
	exit 1
fi

echo "lunchrush: installing missing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once if the install fails.
if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
	echo "lunchrush: refreshing package lists (apt-get update)" >&2
	"${as_root[@]}" apt-get update -q >/dev/null 2>&1
	if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
		echo "lunchrush: could not install: ${missing[*]}" >&2
		exit 1
	fi
fi
exit 0
