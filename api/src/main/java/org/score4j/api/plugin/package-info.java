/**
 * The plugin SPI: {@link org.score4j.api.plugin.Score4jPlugin} entry points return per-kind
 * {@link org.score4j.api.plugin.PluginFactory factories} that declare typed
 * {@link org.score4j.api.plugin.ConfigKey config keys}.
 */
package org.score4j.api.plugin;
