package org.score4j.api.plugin;

/**
 * Creates a measurement operator of an inverse problem ({@code --operator}; configured with
 * {@code --set operator.key=value}).
 *
 * @since 1.4
 */
public interface OperatorFactory extends PluginFactory<org.score4j.api.inverse.Operator> {}
