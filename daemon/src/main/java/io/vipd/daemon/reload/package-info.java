/**
 * Reload in place: SIGHUP (or the admin API) re-reads the configuration file and applies what
 * changed without a second process and without cutting any established connection. The daemon wires
 * {@link io.vipd.daemon.reload.Reloader} to its components; see {@code Components.reload} for what
 * is kept, replaced or restarted.
 */
package io.vipd.daemon.reload;
