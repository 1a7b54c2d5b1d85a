#!/usr/bin/env bash
# Builds the vipd container image as an OCI image layout, with no registry and no container
# daemon: a jlink runtime holding only the modules the jar needs, the jar, the host's shared
# libraries that runtime links against, and /etc/passwd, in one gzip layer.
#
#   deploy/image/build.sh [--jar JAR] [--out DIR]
#     JAR  default daemon/target/vipd.jar;  DIR  default deploy/image/target/oci
#     JAVA_HOME  the JDK whose jlink/jdeps to use (default: the one java on PATH belongs to)
#
# The layer is gzip-compressed, so jlink does not compress again. Writes DIR/{oci-layout,index.json,blobs/sha256/*} and DIR.tar (the same, as one archive).
# Load it with e.g.  ctr -n k8s.io images import DIR.tar   or
#                    skopeo copy oci:DIR:VERSION docker-daemon:vipd:VERSION
# and pin it, so that kubelet's image garbage collection cannot remove it while the pod is down
# (there is no registry to pull it back from):
#   ctr -n k8s.io images label docker.io/library/vipd:VERSION io.cri-containerd.pinned=pinned
# The image's architecture is the JDK's (the runtime and libraries are copied from this host).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
jar="$here/../../daemon/target/vipd.jar"
out="$here/target/oci"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
jar="$(readlink -f "$jar")"
[ -f "$jar" ] || { echo "build.sh: no jar at $jar; build with ./mvnw -B -DskipTests package" >&2; exit 1; }
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
# The flags of bin/vipd and systemd/vipd.service (JvmFlags in the daemon; a test keeps them equal).
flags="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxMetaspaceSize=96m -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+IgnoreUnrecognizedVMOptions -XX:+UseCompactObjectHeaders"
java_in_image=/opt/java/bin/java
jar_in_image=/usr/share/vipd/vipd.jar

work="$(mktemp -d /tmp/vipd-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
# /proc, /dev, /sys: mount points the container runtime fills (the JVM needs /proc).
mkdir -p "$root/usr/share/vipd" "$root/etc/vipd" "$root/tmp" "$root/opt" "$root/proc" "$root/dev" \
  "$root/sys"
chmod 1777 "$root/tmp"

# Modules: what jdeps finds, plus a service provider it cannot see: jdk.crypto.ec (ECDHE for the
# HTTPS health checks against the apiserver). jdeps runs on the unpacked classes: a shaded jar
# carrying some dependency's META-INF/versions/9/module-info.class looks like that one module.
mkdir -p "$work/classes"
(cd "$work/classes" && "$jdk/bin/jar" xf "$jar")
rm -rf "$work/classes/META-INF/versions"
find "$work/classes" -name module-info.class -delete
modules="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps "$work/classes")"
rm -rf "$work/classes"
modules="$modules,jdk.crypto.ec"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$root/opt/java"
cp "$jar" "$root$jar_in_image"
chmod 0644 "$root$jar_in_image"
version="$("$root/opt/java/bin/java" -jar "$root$jar_in_image" version | awk '{print $2}')"

# The host libraries the runtime links against (libc, libz, the loader, ...), at their paths.
# java.desktop (java.beans, used by Typesafe Config) brings AWT natives that a headless daemon
# never loads; their X11/font/image libraries are left out.
for lib in $(find "$root/opt/java" \( -name '*.so' -o -path '*/bin/java' \) ! -name 'libawt_xawt.so' \
  ! -name 'libsplashscreen.so' ! -name 'libjawt.so' ! -name 'libfontmanager.so' ! -name 'liblcms.so' \
  ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' | sort | xargs ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | grep -v "^$root/" | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# jnr-ffi opens libc by name at run time.
libc="$(ldd "$root/opt/java/bin/java" | awk '/libc\.so/ {print $3}')"
libdir="$(dirname "$libc")"
for extra in libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6; do
  if [ -e "$libdir/$extra" ] && [ ! -e "$root$libdir/$extra" ]; then cp -L "$libdir/$extra" "$root$libdir/$extra"; fi
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nvipd:x:999:999:vipd:/var/lib/vipd:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nvipd:x:999:\n' > "$root/etc/group"

# One reproducible layer: sorted, numeric root ownership, fixed mtime, gzip without a name/time.
blobs="$work/oci/blobs/sha256"
mkdir -p "$blobs"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/layer.tar" .
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
gzip -n -6 < "$work/layer.tar" > "$work/layer.tar.gz"
layer="$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)"
layer_size="$(stat -c %s "$work/layer.tar.gz")"
mv "$work/layer.tar.gz" "$blobs/$layer"

json_list() { # words -> "a","b"
  local first=1 w
  for w in "$@"; do
    if [ $first = 0 ]; then printf ','; fi
    printf '"%s"' "$w"
    first=0
  done
}
# shellcheck disable=SC2086 # flags is a list of words
entrypoint="$(json_list "$java_in_image" $flags -jar "$jar_in_image")"
# OCI names for the JDK's architecture (its release file), else this machine's
jdk_arch="$(sed -n 's/^OS_ARCH="\(.*\)"$/\1/p' "$jdk/release" 2>/dev/null || true)"
case "${jdk_arch:-$(uname -m)}" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "build.sh: unsupported architecture ${jdk_arch:-$(uname -m)}" >&2; exit 1 ;;
esac
printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":[%s],"Cmd":["run","--config","/etc/vipd/vipd.conf"],"Env":["PATH=/opt/java/bin"],"User":"0","WorkingDir":"/","Labels":{"org.opencontainers.image.title":"vipd","org.opencontainers.image.version":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"deploy/image/build.sh (jlink %s)"}]}' \
  "$arch" "$entrypoint" "$version" "$diff_id" "$modules" > "$work/config.json"
config="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
config_size="$(stat -c %s "$work/config.json")"
mv "$work/config.json" "$blobs/$config"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$work/manifest.json"
manifest="$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
manifest_size="$(stat -c %s "$work/manifest.json")"
mv "$work/manifest.json" "$blobs/$manifest"

printf '{"imageLayoutVersion":"1.0.0"}' > "$work/oci/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"docker.io/library/vipd:%s"}}]}' \
  "$manifest" "$manifest_size" "$arch" "$version" "$version" > "$work/oci/index.json"

rm -rf "$out" "$out.tar"
mkdir -p "$(dirname "$out")"
mv "$work/oci" "$out"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$out" -cf "$out.tar" .
echo "build.sh: vipd:$version in $out ($(du -sh "$out" | cut -f1), layer $((layer_size / 1024 / 1024)) MiB gz; modules $modules)"
