package org.score4j.api.plugin;

/** Creates a forward SDE (`--sde`). */
public interface SdeFactory extends PluginFactory<org.score4j.api.sde.Sde> {}
