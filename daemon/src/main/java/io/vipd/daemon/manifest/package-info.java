/**
 * Deployment artefacts rendered from a configuration: the Kubernetes static pod ({@link
 * io.vipd.daemon.manifest.StaticPod}, command {@code vipd manifest static-pod}), the JVM flags vipd
 * ships with ({@link io.vipd.daemon.manifest.JvmFlags}) and the container image layout ({@link
 * io.vipd.daemon.manifest.ImageLayout}, built by {@code deploy/image/build.sh}).
 */
package io.vipd.daemon.manifest;
