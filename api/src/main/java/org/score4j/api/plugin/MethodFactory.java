package org.score4j.api.plugin;

/**
 * Creates a posterior sampling method of an inverse problem ({@code --method}; configured with
 * {@code --set method.key=value}).
 *
 * @since 1.4
 */
public interface MethodFactory extends PluginFactory<org.score4j.api.inverse.InverseMethod> {}
