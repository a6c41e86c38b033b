#!/usr/bin/env bash
# Build mediasoup 3.27.1's C++ worker (mediasoup-worker) offline, against the
# distribution's libraries, with nothing fetched but Debian packages.
#
# mediasoup's own install would download a prebuilt worker from GitHub, pip
# packages from PyPI and Meson subprojects from GitHub/wrapdb; none of those is
# reachable here. Instead this script:
#   1. checks (and, as root, installs) the Debian build packages;
#   2. builds a static libsrtp2 with the OpenSSL backend from Debian's source
#      package of libsrtp2 (Debian's binary libsrtp2 uses NSS, which is much
#      slower per packet); falls back to Debian's libsrtp2-dev with a warning;
#   3. copies <mediasoup>/worker to a temporary directory, applies
#      mediasoup-3.27.1-debian.patch and the unordered_dense shim, and runs
#      meson + ninja;
#   4. checks the binary with ldd and stores it in a cache keyed by the
#      mediasoup version, this recipe (patch, shim, build options) and the
#      distribution release, so the same machine never builds twice.
#
# Usage: scripts/mediasoup-worker/build.sh [options] [MEDIASOUP_DIR]
#   MEDIASOUP_DIR        the installed mediasoup package (default:
#                        node_modules/mediasoup in the current directory, else
#                        in the repository root)
#   --install            also copy the binary to
#                        MEDIASOUP_DIR/worker/out/Release/mediasoup-worker, the
#                        path mediasoup uses when MEDIASOUP_WORKER_BIN is unset
#   --install=symlink    same, as a symbolic link to the cached binary
#   --force              rebuild even if the cache has a binary for this key
#   --skip-srtp-tests    do not run libsrtp2's own test suite (make runtest,
#                        about 30 s) after building it
#   --keep-build-dir     keep the temporary build directory (path is printed)
#   -h, --help           this text
# Environment:
#   MEDIASOUP_WORKER_CACHE   cache root (default:
#                            ${XDG_CACHE_HOME:-$HOME/.cache}/phong-hop-so/mediasoup-worker)
#   MEDIASOUP_WORKER_JOBS    parallel compile jobs (default: nproc)
#   MEDIASOUP_WORKER_DEBSRC  deb-src line(s) to fetch libsrtp2's source from,
#                            instead of the ones derived from the system's
#                            apt sources
#
# Progress goes to stderr; the last line on stdout is the binary's path, so
# callers can do: bin="$(scripts/mediasoup-worker/build.sh | tail -n 1)".

set -euo pipefail

readonly MEDIASOUP_VERSION_EXPECTED="3.27.1"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly PATCH_FILE="${SCRIPT_DIR}/mediasoup-${MEDIASOUP_VERSION_EXPECTED}-debian.patch"
readonly SHIM_DIR="${SCRIPT_DIR}/unordered_dense-shim"
# Directory named by worker/subprojects/unordered-dense.wrap.
readonly SHIM_SUBPROJECT="unordered_dense-4.8.1"
# Meson options. They are part of the cache key.
readonly MESON_OPTIONS=(--wrap-mode=nodownload -Dms_use_builtin_bwe=true --buildtype release -Db_ndebug=true)
# libsrtp2: Debian's own configure options (debian/rules), with the OpenSSL
# crypto backend instead of NSS. Debian's --disable-stdout/--enable-syslog are
# not options of libsrtp 2.5's configure and are left out; pcap is only used by
# a test tool. Also part of the cache key.
readonly SRTP_CONFIGURE_OPTIONS=(--enable-openssl --disable-debug-logging --disable-pcap)
readonly SRTP_CFLAGS_MAINT_STRIP="-O2"
readonly SRTP_CFLAGS_MAINT_APPEND="-D_REENTRANT -O4 -fexpensive-optimizations -funroll-loops"
# Debian packages needed to build (runtime: libuv1 and libssl3 come with them).
readonly BUILD_PACKAGES=(
	build-essential # gcc, g++, make
	dpkg-dev        # dpkg-source, dpkg-buildflags
	patch
	pkg-config
	meson
	ninja-build
	libuv1-dev
	libssl-dev
	flatbuffers-compiler # flatc, generates the worker's FBS headers
	libflatbuffers-dev
)

log() { printf '[mediasoup-worker] %s\n' "$*" >&2; }
warn() { printf '[mediasoup-worker] WARNING: %s\n' "$*" >&2; }
die() {
	printf '[mediasoup-worker] ERROR: %s\n' "$*" >&2
	exit 1
}

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2; }

# ---------------------------------------------------------------- arguments
INSTALL_MODE=""
FORCE=0
SRTP_TESTS=1
KEEP_BUILD_DIR=0
MEDIASOUP_DIR=""

while (($# > 0)); do
	case "$1" in
	--install | --install=copy) INSTALL_MODE="copy" ;;
	--install=symlink) INSTALL_MODE="symlink" ;;
	--force) FORCE=1 ;;
	--skip-srtp-tests) SRTP_TESTS=0 ;;
	--keep-build-dir) KEEP_BUILD_DIR=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	-*) die "unknown option: $1 (see --help)" ;;
	*)
		[[ -z "${MEDIASOUP_DIR}" ]] || die "only one MEDIASOUP_DIR may be given"
		MEDIASOUP_DIR="$1"
		;;
	esac
	shift
done

if [[ -z "${MEDIASOUP_DIR}" ]]; then
	if [[ -d node_modules/mediasoup ]]; then
		MEDIASOUP_DIR="node_modules/mediasoup"
	else
		MEDIASOUP_DIR="${REPO_ROOT}/node_modules/mediasoup"
	fi
fi
[[ -f "${MEDIASOUP_DIR}/package.json" && -d "${MEDIASOUP_DIR}/worker/src" ]] ||
	die "no mediasoup package with worker sources at '${MEDIASOUP_DIR}' (run npm install first, see scripts/mediasoup-worker/README.md)"
MEDIASOUP_DIR="$(cd "${MEDIASOUP_DIR}" && pwd)"

MEDIASOUP_VERSION="$(sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "${MEDIASOUP_DIR}/package.json" | head -n 1)"
[[ "${MEDIASOUP_VERSION}" == "${MEDIASOUP_VERSION_EXPECTED}" ]] ||
	die "mediasoup ${MEDIASOUP_VERSION:-(unknown version)} found in ${MEDIASOUP_DIR}; this script and its patch are for mediasoup ${MEDIASOUP_VERSION_EXPECTED} exactly (pin \"mediasoup\": \"${MEDIASOUP_VERSION_EXPECTED}\" in package.json)"
[[ -f "${PATCH_FILE}" ]] || die "patch file missing: ${PATCH_FILE}"
[[ -f "${SHIM_DIR}/meson.build" && -f "${SHIM_DIR}/include/ankerl/unordered_dense.h" ]] ||
	die "unordered_dense shim missing in ${SHIM_DIR}"

# ---------------------------------------------------------------- distribution
[[ -r /etc/os-release ]] || die "/etc/os-release not found: cannot tell which distribution this is"
# Read in a subshell so os-release's variables do not leak into this script.
# shellcheck disable=SC1091
mapfile -t OS_FIELDS < <(. /etc/os-release && printf '%s\n' "${ID:-unknown}" "${ID_LIKE:-}" \
	"${VERSION_ID:-unknown}" "${VERSION_CODENAME:-}" "${PRETTY_NAME:-}")
OS_ID="${OS_FIELDS[0]}"
OS_ID_LIKE="${OS_FIELDS[1]}"
OS_VERSION_ID="${OS_FIELDS[2]}"
OS_CODENAME="${OS_FIELDS[3]}"
OS_PRETTY="${OS_FIELDS[4]:-${OS_ID} ${OS_VERSION_ID}}"
log "distribution: ${OS_PRETTY} (ID=${OS_ID} VERSION_ID=${OS_VERSION_ID}${OS_CODENAME:+ codename ${OS_CODENAME}})"
case "${OS_ID}" in
debian) ;;
*)
	if [[ " ${OS_ID_LIKE} " == *" debian "* ]]; then
		warn "${OS_ID} is Debian-like but not Debian; this build is only checked on Debian 12 (bookworm); trying anyway"
	else
		die "this build needs Debian (apt, dpkg and Debian's library packages); found ${OS_PRETTY}"
	fi
	;;
esac
if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
	die "apt-get/dpkg-query not found"
fi

# ---------------------------------------------------------------- cache key
sha256_of_recipe() {
	{
		printf 'mediasoup %s\n' "${MEDIASOUP_VERSION}"
		printf 'meson %s\n' "${MESON_OPTIONS[*]}"
		printf 'srtp %s | %s | %s\n' "${SRTP_CONFIGURE_OPTIONS[*]}" "${SRTP_CFLAGS_MAINT_STRIP}" "${SRTP_CFLAGS_MAINT_APPEND}"
		printf 'file %s\n' "$(basename "${PATCH_FILE}")"
		cat "${PATCH_FILE}"
		(cd "${SHIM_DIR}" && find . -type f | LC_ALL=C sort | while read -r f; do
			printf 'file %s\n' "$f"
			cat "$f"
		done)
	} | sha256sum | cut -c1-16
}
CACHE_ROOT="${MEDIASOUP_WORKER_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/phong-hop-so/mediasoup-worker}"
CACHE_KEY="${MEDIASOUP_VERSION}-${OS_ID}-${OS_VERSION_ID}-$(sha256_of_recipe)"
CACHE_DIR="${CACHE_ROOT}/${CACHE_KEY}"
CACHED_BIN="${CACHE_DIR}/mediasoup-worker"

install_into_package() {
	[[ -n "${INSTALL_MODE}" ]] || return 0
	local dest_dir="${MEDIASOUP_DIR}/worker/out/Release"
	mkdir -p "${dest_dir}"
	rm -f "${dest_dir}/mediasoup-worker"
	if [[ "${INSTALL_MODE}" == "symlink" ]]; then
		ln -s "${CACHED_BIN}" "${dest_dir}/mediasoup-worker"
		log "linked ${dest_dir}/mediasoup-worker -> ${CACHED_BIN}"
	else
		cp "${CACHED_BIN}" "${dest_dir}/mediasoup-worker"
		chmod 0755 "${dest_dir}/mediasoup-worker"
		log "copied to ${dest_dir}/mediasoup-worker"
	fi
}

if ((FORCE == 0)) && [[ -x "${CACHED_BIN}" ]]; then
	log "cached worker for key ${CACHE_KEY}: nothing to build"
	if grep -q '^srtp_backend=debian-libsrtp2' "${CACHE_DIR}/build-info.txt" 2>/dev/null; then
		warn "the cached worker was built with Debian's libsrtp2 (NSS backend, slower SRTP) because libsrtp2's source package could not be fetched then; run with --force to retry the OpenSSL build"
	fi
	install_into_package
	printf '%s\n' "${CACHED_BIN}"
	exit 0
fi
log "no cached worker for key ${CACHE_KEY}: building (about 5 minutes on 2 cores)"
# Fail now, not after the build, if the cache cannot be written.
if ! mkdir -p "${CACHE_DIR}" 2>/dev/null || [[ ! -w "${CACHE_DIR}" ]]; then
	die "cannot write the cache directory ${CACHE_DIR} (set MEDIASOUP_WORKER_CACHE to a writable directory)"
fi

# ---------------------------------------------------------------- packages
is_installed() {
	[[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}
missing_packages() {
	local p
	for p in "$@"; do
		is_installed "$p" || printf '%s\n' "$p"
	done
}
APT_UPDATED=0
apt_install() {
	# $1: why; rest: packages
	local why="$1"
	shift
	if ((EUID != 0)); then
		log "missing Debian packages (${why}): $*"
		log "install them as root with:"
		log "  apt-get update && apt-get install -y --no-install-recommends $*"
		die "missing Debian packages and not running as root; run the apt-get line above (or this script as root), then run it again"
	fi
	if ((APT_UPDATED == 0)); then
		log "running apt-get update (once) before installing"
		apt-get update >&2 || die "apt-get update failed"
		APT_UPDATED=1
	fi
	log "installing Debian packages (${why}): $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 ||
		die "apt-get install failed for: $*"
}

mapfile -t MISSING < <(missing_packages "${BUILD_PACKAGES[@]}")
if ((${#MISSING[@]} > 0)); then
	apt_install "needed to build the worker: compiler, meson/ninja, libuv, OpenSSL, flatbuffers, dpkg-source" "${MISSING[@]}"
else
	log "Debian build packages present: ${BUILD_PACKAGES[*]}"
fi
log "versions: meson $(meson --version), ninja $(ninja --version), libuv $(pkg-config --modversion libuv), openssl $(pkg-config --modversion openssl), flatbuffers $(pkg-config --modversion flatbuffers 2>/dev/null || flatc --version)"

# ---------------------------------------------------------------- work dir
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
cleanup() {
	if ((KEEP_BUILD_DIR)); then
		log "build directory kept: ${WORK_DIR}"
	else
		rm -rf "${WORK_DIR}"
	fi
}
trap cleanup EXIT
JOBS="${MEDIASOUP_WORKER_JOBS:-$(nproc)}"
START_TIME="$(date +%s)"

# ---------------------------------------------------------------- libsrtp2
# A deb-src list for the same archive(s) and release(s) this system installs
# its Debian packages from, used through apt's -o options with private state:
# the system's apt sources and lists are never touched.
debsrc_lines() {
	if [[ -n "${MEDIASOUP_WORKER_DEBSRC:-}" ]]; then
		printf '%s\n' "${MEDIASOUP_WORKER_DEBSRC}"
		return
	fi
	local signed_by=""
	if [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
		signed_by="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
	fi
	# Targets apt knows for binary packages from Debian's archive (its own
	# mirror URI, release and components). The $(...) are apt's placeholders.
	# shellcheck disable=SC2016
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(ORIGIN)' 'Created-By: Packages' 2>/dev/null |
		awk -v sb="${signed_by}" -v id="${OS_ID}" '
			($4 == "Debian" || ($4 == "" && id == "debian" && $1 ~ /debian/)) && !seen[$1 " " $2 " " $3]++ {
				print "deb-src " sb $1 " " $2 " " $3
			}'
}

SRTP_BACKEND=""
SRTP_PREFIX="${WORK_DIR}/libsrtp2-prefix"
build_srtp_from_source() {
	local dir="${WORK_DIR}/libsrtp2-source"
	mkdir -p "${dir}/lists/partial" "${dir}/download"
	debsrc_lines >"${dir}/sources.list"
	if [[ ! -s "${dir}/sources.list" && "${OS_ID}" == "debian" && -n "${OS_CODENAME}" ]]; then
		# apt knows no Debian binary sources yet (no apt-get update ever ran):
		# use Debian's default mirror for this release.
		printf 'deb-src http://deb.debian.org/debian %s main\n' "${OS_CODENAME}" >"${dir}/sources.list"
	fi
	[[ -s "${dir}/sources.list" ]] || {
		warn "could not derive a deb-src line from the system's apt sources (set MEDIASOUP_WORKER_DEBSRC)"
		return 1
	}
	log "fetching libsrtp2's Debian source package, with a private deb-src list:"
	sed 's/^/[mediasoup-worker]   /' "${dir}/sources.list" >&2
	local -a apt_opts=(
		-o "Dir::Etc::sourcelist=${dir}/sources.list"
		-o "Dir::Etc::sourceparts=-"
		-o "Dir::State::Lists=${dir}/lists"
		-o "Dir::Cache::pkgcache="
		-o "Dir::Cache::srcpkgcache="
		-o "APT::Get::List-Cleanup=0"
	)
	# The private lists dir is not readable by apt's unprivileged download
	# user (_apt); apt's signature and hash checks apply either way.
	if ((EUID == 0)); then
		apt_opts+=(-o "APT::Sandbox::User=root")
	fi
	apt-get "${apt_opts[@]}" update >&2 || {
		warn "apt-get update of the private deb-src list failed"
		return 1
	}
	(cd "${dir}/download" && apt-get "${apt_opts[@]}" source --download-only libsrtp2 >&2) || {
		warn "apt-get source --download-only libsrtp2 failed"
		return 1
	}
	local -a dscs=("${dir}/download"/libsrtp2_*.dsc)
	local dsc="${dscs[0]}"
	[[ -f "${dsc}" ]] || {
		warn "no libsrtp2 .dsc downloaded"
		return 1
	}
	log "unpacking $(basename "${dsc}") with Debian's patches (dpkg-source -x)"
	log "(dpkg-source may warn that it cannot verify the .dsc's inline signature when the debian-keyring package is absent; apt-get already checked the files' hashes against the archive's signed Sources index)"
	dpkg-source -x "${dsc}" "${dir}/src" >&2 || {
		warn "dpkg-source -x failed"
		return 1
	}
	log "configuring libsrtp2 with Debian's flags and: ${SRTP_CONFIGURE_OPTIONS[*]}"
	(
		cd "${dir}/src"
		export DEB_CFLAGS_MAINT_STRIP="${SRTP_CFLAGS_MAINT_STRIP}"
		export DEB_CFLAGS_MAINT_APPEND="${SRTP_CFLAGS_MAINT_APPEND}"
		CFLAGS="$(dpkg-buildflags --get CFLAGS)" CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
			LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
			./configure --prefix="${SRTP_PREFIX}" --libdir="${SRTP_PREFIX}/lib" "${SRTP_CONFIGURE_OPTIONS[@]}" \
			>"${dir}/configure.log" 2>&1 || {
			tail -n 30 "${dir}/configure.log" >&2
			exit 1
		}
		log "building static libsrtp2.a"
		make -j"${JOBS}" libsrtp2.a >"${dir}/make.log" 2>&1 || {
			tail -n 30 "${dir}/make.log" >&2
			exit 1
		}
		if ((SRTP_TESTS)); then
			log "running libsrtp2's own tests (make runtest, about 30 s; --skip-srtp-tests to skip)"
			{ make -j"${JOBS}" test && make runtest; } >"${dir}/runtest.log" 2>&1 || {
				tail -n 30 "${dir}/runtest.log" >&2
				exit 1
			}
			log "libsrtp2 tests passed"
		fi
		make install >"${dir}/install.log" 2>&1
	) || {
		warn "building libsrtp2 from source failed"
		return 1
	}
	[[ -f "${SRTP_PREFIX}/lib/libsrtp2.a" && -f "${SRTP_PREFIX}/lib/pkgconfig/libsrtp2.pc" ]] || return 1
	SRTP_VERSION="$(basename "${dsc}" .dsc | sed 's/^libsrtp2_//')"
}

SRTP_VERSION=""
if build_srtp_from_source; then
	SRTP_BACKEND="openssl-static (Debian source libsrtp2 ${SRTP_VERSION})"
	export PKG_CONFIG_PATH="${SRTP_PREFIX}/lib/pkgconfig${PKG_CONFIG_PATH:+:${PKG_CONFIG_PATH}}"
	log "libsrtp2 ${SRTP_VERSION} built with OpenSSL: ${SRTP_PREFIX}/lib/libsrtp2.a"
else
	warn "FALLING BACK to Debian's binary libsrtp2 (libsrtp2-dev). It uses the NSS crypto backend: SRTP costs up to ~1.6-1.9x more worker CPU per packet (AES_CM_128_HMAC_SHA1_80). The worker works; rerun with --force once Debian's source packages are reachable."
	mapfile -t MISSING < <(missing_packages libsrtp2-dev)
	if ((${#MISSING[@]} > 0)); then
		apt_install "fallback libsrtp2 (building it from Debian's source package failed)" "${MISSING[@]}"
	fi
	SRTP_BACKEND="debian-libsrtp2 $(pkg-config --modversion libsrtp2) (shared, NSS)"
fi

# ---------------------------------------------------------------- worker
SRC_DIR="${WORK_DIR}/worker"
BUILD_DIR="${WORK_DIR}/worker-build"
log "copying ${MEDIASOUP_DIR}/worker to ${SRC_DIR} (node_modules is left untouched)"
cp -a "${MEDIASOUP_DIR}/worker" "${SRC_DIR}"
rm -rf "${SRC_DIR}/out" "${SRC_DIR}/subprojects/${SHIM_SUBPROJECT}"
log "applying $(basename "${PATCH_FILE}")"
patch -p1 --forward --batch -d "${SRC_DIR}" <"${PATCH_FILE}" >&2 || die "the patch does not apply to mediasoup ${MEDIASOUP_VERSION}'s worker"
log "adding the unordered_dense shim as subprojects/${SHIM_SUBPROJECT}"
cp -a "${SHIM_DIR}" "${SRC_DIR}/subprojects/${SHIM_SUBPROJECT}"

log "meson setup ${MESON_OPTIONS[*]}"
meson setup "${MESON_OPTIONS[@]}" "${BUILD_DIR}" "${SRC_DIR}" >&2 || die "meson setup failed"
log "ninja -j${JOBS} (about 200 steps)"
NINJA_STATUS="[%f/%t %es] " ninja -C "${BUILD_DIR}" -j"${JOBS}" mediasoup-worker >&2 || die "ninja failed"
BUILT_BIN="${BUILD_DIR}/mediasoup-worker"
[[ -x "${BUILT_BIN}" ]] || die "ninja finished but ${BUILT_BIN} is missing"
ELAPSED="$(($(date +%s) - START_TIME))"
log "built in ${ELAPSED} s ($(du -h "${BUILT_BIN}" | cut -f1))"

# ---------------------------------------------------------------- checks
LDD_OUT="$(ldd "${BUILT_BIN}")"
printf '%s\n' "${LDD_OUT}" | sed 's/^[[:space:]]*/[mediasoup-worker]   ldd: /' >&2
if grep -q 'not found' <<<"${LDD_OUT}"; then
	die "the worker has unresolved shared libraries (see ldd above)"
fi
if [[ "${SRTP_BACKEND}" == openssl-static* ]]; then
	if grep -Eq 'libnss3|libnspr4|libsrtp2\.so' <<<"${LDD_OUT}"; then
		die "the worker links NSS or a shared libsrtp2 although libsrtp2 was built static with OpenSSL (see ldd above)"
	fi
	grep -aq 'using openssl' "${BUILT_BIN}" || die "the worker does not contain libsrtp2's OpenSSL crypto (strings check)"
	log "ldd check passed: no NSS, no libsrtp2.so; libsrtp2 uses OpenSSL"
else
	log "ldd shows Debian's shared libsrtp2 and NSS, as expected for the fallback build"
fi

# ---------------------------------------------------------------- cache
mkdir -p "${CACHE_DIR}"
cp "${BUILT_BIN}" "${CACHED_BIN}.tmp.$$"
chmod 0755 "${CACHED_BIN}.tmp.$$"
mv -f "${CACHED_BIN}.tmp.$$" "${CACHED_BIN}"
cat >"${CACHE_DIR}/build-info.txt" <<EOF
mediasoup=${MEDIASOUP_VERSION}
cache_key=${CACHE_KEY}
distribution=${OS_PRETTY}
srtp_backend=${SRTP_BACKEND}
meson_options=${MESON_OPTIONS[*]}
meson=$(meson --version)
libuv=$(pkg-config --modversion libuv)
openssl=$(pkg-config --modversion openssl)
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
build_seconds=${ELAPSED}
EOF
log "cached: ${CACHED_BIN}"
install_into_package
printf '%s\n' "${CACHED_BIN}"
