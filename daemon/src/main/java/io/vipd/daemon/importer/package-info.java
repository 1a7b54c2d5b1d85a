/**
 * {@code vipd import}: reads keepalived.conf and haproxy.cfg and writes the equivalent vipd
 * configuration (HOCON, keys of the configuration contract) with a comment for every directive that
 * is not carried over.
 *
 * <pre>
 * keepalived.conf --KeepalivedConfigParser--> KeepalivedConfig --KeepalivedImporter--+
 *                                                    (ScriptClassifier reads scripts) |
 * haproxy.cfg -----HaproxyConfigParser-----> HaproxyConfig ---HaproxyImporter--------+--> HOCON
 * </pre>
 *
 * <p>Entry point: {@link io.vipd.daemon.importer.ConfigImporter#importConfigs}. Everything here is
 * pure apart from reading the input files; bad input becomes warnings, never exceptions.
 */
package io.vipd.daemon.importer;
